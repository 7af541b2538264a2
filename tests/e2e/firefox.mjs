// Debian's firefox-esr for the browser tests, driven by puppeteer-core over WebDriver BiDi (no
// browser download: puppeteer-core only drives the installed one). The tests are written
// against playwright-core's API; `launchFirefox` returns a browser whose contexts and pages
// offer the part of that API the CPU-backend tests use, so one test file runs in both
// browsers (`NSL_BROWSER=firefox node tests/e2e/playground.mjs …`).

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const tools = process.env.NSL_TOOLS ?? path.join(process.env.HOME, '.cache/nsl-playground/tools');
const puppeteer = createRequire(path.join(tools, 'package.json'))('puppeteer-core');

export const FIREFOX = '/usr/bin/firefox-esr';

// Nothing of Firefox's own may reach out (updates, telemetry, safe browsing, portals).
const PREFS = {
  'app.update.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'extensions.update.enabled': false,
  'browser.download.folderList': 2,
};

/** Playwright's key names with modifiers ("Control+z", "Shift+ArrowRight") on puppeteer's keyboard. */
class Keyboard {
  constructor(keyboard) { this.keyboard = keyboard; }
  down(key) { return this.keyboard.down(key); }
  up(key) { return this.keyboard.up(key); }
  type(text) { return this.keyboard.type(text); }
  async press(chord) {
    const keys = chord.length > 1 && chord.includes('+') ? chord.split('+') : [chord];
    // Playwright names the space bar "Space"; puppeteer over BiDi knows it as " ".
    const key = keys.pop().replace(/^Space$/, ' ');
    for (const m of keys) await this.keyboard.down(m);
    await this.keyboard.press(key);
    for (const m of keys.reverse()) await this.keyboard.up(m);
  }
}

/** Playwright's `mouse.wheel(dx, dy)` on puppeteer's mouse. */
class Mouse {
  constructor(mouse) { this.mouse = mouse; }
  click(x, y, options) { return this.mouse.click(x, y, options); }
  move(x, y, options) { return this.mouse.move(x, y, options); }
  down(options) { return this.mouse.down(options); }
  up(options) { return this.mouse.up(options); }
  wheel(deltaX, deltaY) { return this.mouse.wheel({ deltaX, deltaY }); }
}

/** Playwright's `touchscreen.tap(x, y)`, and a finger that stays down (`touchStart`,
 *  `touchMove`, `touchEnd`: puppeteer's names; Playwright has no such calls, Chromium's tests
 *  send the DevTools protocol's touch events instead). */
class Touchscreen {
  constructor(touchscreen) { this.touchscreen = touchscreen; }
  tap(x, y) { return this.touchscreen.tap(x, y); }
  touchStart(x, y) { return this.touchscreen.touchStart(x, y); }
  touchMove(x, y) { return this.touchscreen.touchMove(x, y); }
  touchEnd() { return this.touchscreen.touchEnd(); }
}

/** The centre of `selector`'s element, or the point `position` from its top-left corner. */
async function pointIn(page, selector, position) {
  const handle = await page.$(selector);
  if (!handle) throw new Error(`firefox.mjs: no element ${selector}`);
  await handle.evaluate((e) => e.scrollIntoView({ block: 'center' }));
  const box = await handle.boundingBox();
  return position ? [box.x + position.x, box.y + position.y] : [box.x + box.width / 2, box.y + box.height / 2];
}

/** A Playwright-shaped page over a puppeteer page. */
class Page {
  constructor(page) {
    this.page = page;
    this.mouse = new Mouse(page.mouse);
    this.keyboard = new Keyboard(page.keyboard);
    this.touchscreen = new Touchscreen(page.touchscreen);
  }
  /** The few locator calls the tests make. */
  locator(selector) {
    const page = this.page;
    return {
      scrollIntoViewIfNeeded: () => page.$eval(selector, (e) => e.scrollIntoView({ block: 'center' })),
      boundingBox: async () => (await page.$(selector))?.boundingBox() ?? null,
      evaluate: (fn, arg) => page.$eval(selector, fn, arg),
      getAttribute: (name) => page.$eval(selector, (e, n) => e.getAttribute(n), name),
    };
  }
  on(event, handler) {
    if (event === 'console') this.page.on('console', (m) => handler({ type: () => m.type(), text: () => m.text() }));
    else if (event === 'response') this.page.on('response', (r) => handler({ status: () => r.status(), url: () => r.url() }));
    else if (event === 'pageerror') this.page.on('pageerror', handler);
    // Workers' consoles: not reported over BiDi by puppeteer; their errors reach the page as
    // the app's notices, which the tests read.
  }
  addInitScript(fn) { return this.page.evaluateOnNewDocument(fn); }
  /** Downloads, caught in the page: the app saves a file by clicking an `<a download>` on a
   *  blob (or data) URL; the next such click is read instead and handed over as Playwright's
   *  `Download` (`saveAs`, `suggestedFilename`). */
  async waitForEvent(event, options = {}) {
    if (event !== 'download') throw new Error(`firefox.mjs: no waitForEvent('${event}')`);
    const armed = this.page.evaluate(() => {
      const blobs = new Map();
      const create = URL.createObjectURL;
      URL.createObjectURL = (blob) => { const url = create(blob); blobs.set(url, blob); return url; };
      window.__download = new Promise((resolve) => {
        const click = HTMLAnchorElement.prototype.click;
        HTMLAnchorElement.prototype.click = function () {
          if (!this.download) return click.call(this);
          HTMLAnchorElement.prototype.click = click;
          URL.createObjectURL = create;
          // A data: URL is decoded here: the page's policy lets fetch() reach only its origin.
          const data = (href) => {
            const [meta, body] = href.split(',', 2);
            return meta.endsWith(';base64') ? Uint8Array.from(atob(body), (c) => c.charCodeAt(0)).buffer
              : new TextEncoder().encode(decodeURIComponent(body)).buffer;
          };
          const read = blobs.has(this.href) ? blobs.get(this.href).arrayBuffer()
            : Promise.resolve(this.href.startsWith('data:') ? data(this.href) : fetch(this.href).then((r) => r.arrayBuffer()));
          read.then((b) => resolve({ name: this.download, bytes: Array.from(new Uint8Array(b)) }));
        };
      });
    });
    await armed;
    const got = await this.page.waitForFunction(() => window.__download, { timeout: options.timeout ?? 30_000 })
      .then(() => this.page.evaluate(() => window.__download));
    return {
      suggestedFilename: () => got.name,
      saveAs: async (file) => fs.writeFileSync(file, Buffer.from(got.bytes)),
    };
  }
  async setInputFiles(selector, files) {
    const input = await this.page.$(selector);
    await input.uploadFile(...(Array.isArray(files) ? files : [files]));
  }
  goto(url) { return this.page.goto(url); }
  reload() { return this.page.reload(); }
  focus(selector) { return this.page.focus(selector); }
  waitForSelector(selector, options = {}) { return this.page.waitForSelector(selector, { timeout: options.timeout ?? 30_000 }); }
  url() { return this.page.url(); }
  $(selector) { return this.page.$(selector); }
  $eval(selector, fn, arg) { return this.page.$eval(selector, fn, arg); }
  $$eval(selector, fn, arg) { return this.page.$$eval(selector, fn, arg); }
  evaluate(fn, arg) { return this.page.evaluate(fn, arg); }
  async waitForFunction(fn, arg, options = {}) { return this.page.waitForFunction(fn, { timeout: options.timeout }, arg); }
  async click(selector, options = {}) {
    if (!options.position) return this.page.click(selector);
    await this.page.mouse.click(...(await pointIn(this.page, selector, options.position)));
  }
  async tap(selector) { await this.page.touchscreen.tap(...(await pointIn(this.page, selector))); }
  async selectOption(selector, value) { await this.page.select(selector, value); }
  inputValue(selector) { return this.page.$eval(selector, (e) => e.value); }
  textContent(selector) { return this.page.$eval(selector, (e) => e.textContent); }
  getAttribute(selector, name) { return this.page.$eval(selector, (e, n) => e.getAttribute(n), name); }
  async isVisible(selector) {
    return this.page.$eval(selector, (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden').catch(() => false);
  }
  /** Replaces the field's text as typing would (the app reads it on change). */
  async fill(selector, value) {
    await this.page.$eval(selector, (e) => { e.focus(); e.value = ''; });
    await this.page.keyboard.type(String(value));
  }
  async press(selector, key) {
    await this.page.focus(selector);
    await this.page.keyboard.press(key);
  }
  screenshot(options) { return this.page.screenshot(options); }
}

/** Debian's Firefox ESR, headless, with a Playwright-shaped `newContext`. */
export async function launchFirefox() {
  const browser = await puppeteer.launch({
    browser: 'firefox', protocol: 'webDriverBiDi', executablePath: FIREFOX, headless: true, extraPrefsFirefox: PREFS,
  });
  return {
    name: 'firefox',
    async newContext(options = {}) {
      const context = await browser.createBrowserContext();
      const onRequest = [];
      return {
        on(event, handler) { if (event === 'request') onRequest.push(handler); },
        async newPage() {
          const page = await context.newPage();
          const { width = 1280, height = 1000 } = options.viewport ?? {};
          const { hasTouch = false, isMobile = false, deviceScaleFactor = 1 } = options;
          await page.setViewport({ width, height, hasTouch, isMobile, deviceScaleFactor });
          page.on('request', (r) => onRequest.forEach((h) => h({ url: () => r.url() })));
          return new Page(page);
        },
        close: () => context.close(),
      };
    },
    // Failure screenshots walk the contexts: none are tracked here.
    contexts: () => [],
    close: () => browser.close(),
  };
}
