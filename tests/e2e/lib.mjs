// What the browser tests share: a static server on 127.0.0.1, Chromium flags that keep every
// request local, pages that record problems (console errors, HTTP errors, requests elsewhere),
// and helpers that read the toolbar's progress, wait for it, type into number fields and
// measure how much of a canvas is drawn.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';

const tools = process.env.NSL_TOOLS ?? path.join(process.env.HOME, '.cache/nsl-playground/tools');
export const { chromium } = createRequire(path.join(tools, 'package.json'))('playwright-core');

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.u8': 'application/octet-stream' };

/** Every inline script of the built page must be allowed by its Content Security Policy by
 *  hash (Trunk writes one: the wasm-bindgen loader); a changed loader fails here, by name,
 *  rather than as a page that never starts. */
export function checkPolicy(dist) {
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const policy = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1];
  assert.ok(policy, 'index.html carries a Content Security Policy');
  for (const [, code] of html.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)) {
    const hash = `'sha256-${crypto.createHash('sha256').update(code).digest('base64')}'`;
    assert.ok(policy.includes(hash), `www/index.html's policy must allow Trunk's inline script: put ${hash} in its script-src`);
  }
}

/** Serves `dist` on 127.0.0.1 (a free port); resolves to the server and its origin. */
export async function serve(dist) {
  checkPolicy(dist);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const file = path.join(dist, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
    if (!file.startsWith(path.resolve(dist)) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

export const BASE_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // Anything that is not 127.0.0.1 fails to resolve (and is recorded below).
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The browser the CPU-backend tests run in: Debian's Chromium, or with NSL_BROWSER=firefox
 *  Debian's firefox-esr (through `firefox.mjs`, which speaks the part of Playwright's API the
 *  tests use). */
export async function launchBrowser(args = BASE_FLAGS) {
  if (process.env.NSL_BROWSER === 'firefox') return (await import('./firefox.mjs')).launchFirefox();
  return chromium.launch({ executablePath: '/usr/bin/chromium', args });
}

/** A prefix for artifact names of the browser in use ('' for Chromium). */
export const browserPrefix = () => (process.env.NSL_BROWSER === 'firefox' ? 'firefox-' : '');

/** A fresh browser context (no storage shared with other contexts) on `url`, recording problems;
 *  `options.init` is a function run in the page before any of its scripts, the rest are the
 *  context's options. */
export async function openPage(browser, problems, url, options = {}) {
  const origin = new URL(url).origin;
  const { init, ...contextOptions } = options;
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, ...contextOptions });
  context.on('request', (r) => {
    const u = r.url();
    if (!(u.startsWith(origin + '/') || u.startsWith('blob:') || u.startsWith('data:'))) problems.push(`request left 127.0.0.1: ${u}`);
  });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') problems.push(`worker console error: ${m.text()}`); }));
  // Long tasks and view refreshes, recorded from the start; every Content Security Policy
  // violation becomes a console error (so a problem: each test asserts there are none).
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline code'} (${e.sourceFile}:${e.lineNumber})`);
    });
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    // When the app (not the static splash) first shows its controls, and when the trainer
    // (the worker's own module) first has a setup ready to train.
    new MutationObserver((_, observer) => {
      if (window.__appReady === undefined && document.querySelector('#progress')) {
        window.__appReady = performance.now();
      }
      if (document.querySelector('#progress[data-status="idle"]')) {
        window.__trainerReady = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-status'] });
  });
  if (init) await page.addInitScript(init);
  await page.goto(url);
  return { context, page };
}

/** A visit's load times, ms from its start (null where not reached): first contentful paint,
 *  app ready (its controls shown) and trainer ready (the worker's first setup loaded), as
 *  `openPage`'s observer recorded them. */
export const loadTimes = (page) => page.evaluate(() => {
  const ms = (t) => (t === undefined || t === null ? null : Math.round(t));
  return {
    first_contentful_paint_ms: ms(performance.getEntriesByName('first-contentful-paint')[0]?.startTime),
    app_ready_ms: ms(window.__appReady),
    trainer_ready_ms: ms(window.__trainerReady),
  };
});

/** The toolbar's progress: step, status, loaded setup, first and last loss. */
export const progress = async (page) => (await page.$('#progress')) === null ? { step: -1, status: 'absent' } : page.$eval('#progress', (o) => ({
  step: Number(o.dataset.step), status: o.dataset.status, loaded: o.dataset.loaded, synced: o.dataset.synced === 'true',
  first: o.dataset.firstLoss === '' ? null : Number(o.dataset.firstLoss),
  last: o.dataset.lastLoss === '' ? null : Number(o.dataset.lastLoss),
}));

/** Polls the progress until `predicate` holds; fails early when training failed or diverged. */
export async function waitFor(page, what, predicate, timeoutMs) {
  const start = Date.now();
  for (;;) {
    const p = await progress(page);
    if (predicate(p)) return p;
    if (['failed', 'diverged'].includes(p.status)) {
      throw new Error(`${what}: training stopped: ${await page.textContent('#status')}`);
    }
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: timed out; last progress ${JSON.stringify(p)}`);
    await sleep(100);
  }
}

/** Waits until the worker trains the setup as edited (after an edit that may rebuild the models). */
export const settled = (page, what, timeoutMs = 120_000) =>
  waitFor(page, `${what}: the worker took the edit`, (p) => p.synced && p.status !== 'loading', timeoutMs);

/** Polls `probe()` (any async function) until `predicate` holds on its result. */
export async function until(what, probe, predicate, timeoutMs) {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (predicate(value)) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: timed out; last ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

/** Share of pixels that differ from the canvas's most common colour. */
export const inked = (page, selector) => page.$eval(selector, (c) => {
  const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
  const counts = new Map();
  for (let i = 0; i < data.length; i += 4) {
    const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2] | (data[i + 3] === 0 ? 1 << 24 : 0);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const top = Math.max(...counts.values());
  return { inked: 1 - top / (data.length / 4), colours: counts.size };
});

/** Types `value` into the number field `#id` and presses Enter, as a user would, then checks the
 *  field shows the value (fields are uncontrolled, so re-renders while training cannot undo the
 *  typing: one attempt must do). */
export async function setNumber(page, id, value) {
  await page.fill(`#${id}`, String(value));
  await page.press(`#${id}`, 'Enter');
  for (let wait = 0; wait < 20 && Number(await page.inputValue(`#${id}`)) !== value; wait++) await sleep(50);
  assert.equal(Number(await page.inputValue(`#${id}`)), value, `#${id} took ${value}`);
}

/** Drags the slider `#{id}-range` with the mouse to `fraction` of its width (0: left end):
 *  grabs the thumb where it is, then moves in steps as a hand would. */
export async function drag(page, id, fraction) {
  await page.locator(`#${id}-range`).scrollIntoViewIfNeeded();
  const box = await page.locator(`#${id}-range`).boundingBox();
  const y = box.y + box.height / 2;
  const value = Number(await page.inputValue(`#${id}-range`));
  const [min, max] = await page.$eval(`#${id}-range`, (r) => [Number(r.min), Number(r.max)]);
  const at = Math.min(1, Math.max(0, (value - min) / (max - min)));
  await page.mouse.move(box.x + 8 + at * (box.width - 16), y);
  await page.mouse.down();
  await page.mouse.move(box.x + 8 + fraction * (box.width - 16), y, { steps: 12 });
  await page.mouse.up();
}

/** Clicks `button` and saves the download it starts as `dir/file`; returns the path. */
export async function download(page, button, dir, file) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  const target = path.join(dir, file);
  await d.saveAs(target);
  return target;
}

/** The nsl binary the tests compare the page with (NSL_BIN), checked once. */
export function nslBinary() {
  const nsl = process.env.NSL_BIN;
  if (!nsl || !fs.existsSync(nsl)) throw new Error(`NSL_BIN must name the nsl binary (got ${nsl})`);
  return nsl;
}

/** Runs `nsl …args` from the repository's root; returns the JSON object of its last line. */
export function nslJson(args) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
  const run = spawnSync(nslBinary(), args, { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, `nsl ${args.join(' ')} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}
