// Access for everyone, in headless Chromium (CPU backend), or Firefox ESR with NSL_BROWSER=firefox:
//
//   node tests/e2e/access.mjs DIST_DIR ARTIFACT_DIR
//
// - an axe-core audit (WCAG 2.1 A/AA rules) of every view a learner meets: the opening scene
//   trained a little, the classroom panel, a notice, the graph editor, a graph's node
//   inspector, the digits' adversary panel, the explorer with a graph open — no serious or
//   critical violation;
// - the keyboard alone: Tab reaches every control, each with a visible focus ring; play and
//   pause by keyboard; a graph drawn, connected, labeled and moved without the mouse;
// - the Content Security Policy is in force (an injected inline script and a request to
//   another origin are blocked);
// - room sizes: a 1024 × 768 projector and a 768 × 1024 tablet show the page without sideways
//   scrolling, and on the tablet a finger draws: tap adds a node, a drag moves it, Connect
//   mode joins two nodes.
// The audit's counts go to ARTIFACT_DIR/[firefox-]access-results.json, screenshots beside it.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { browserPrefix, launchBrowser, openPage, serve, setNumber, settled, sleep, until, waitFor } from './lib.mjs';

const [dist, artifacts] = process.argv.slice(2);
if (!dist || !artifacts) throw new Error('usage: node access.mjs DIST_DIR ARTIFACT_DIR');
fs.mkdirSync(artifacts, { recursive: true });
const tools = process.env.NSL_TOOLS ?? path.join(process.env.HOME, '.cache/nsl-playground/tools');
const axeSource = fs.readFileSync(createRequire(path.join(tools, 'package.json')).resolve('axe-core/axe.min.js'), 'utf8');
const { server, origin } = await serve(dist);
const results = { audits: {}, totals: {} };
const firefox = process.env.NSL_BROWSER === 'firefox';
const artifact = (name) => path.join(artifacts, browserPrefix() + name);

/** A finger that stays down while it moves: Chromium's DevTools protocol touch events, or
 *  (Firefox) WebDriver BiDi's touch pointer through puppeteer. */
async function finger(context, page) {
  if (firefox) return page.touchscreen;
  const cdp = await context.newCDPSession(page);
  const at = ([x, y]) => [{ x, y }];
  return {
    touchStart: (x, y) => cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at([x, y]) }),
    touchMove: (x, y) => cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at([x, y]) }),
    touchEnd: () => cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] }),
  };
}

/** Runs axe on the page as it is; records the violations by impact. */
async function audit(page, view) {
  // Evaluated by the driver, not injected as a <script>: the page's policy allows none.
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  results.audits[view] = violations;
  for (const v of violations) results.totals[v.impact] = (results.totals[v.impact] ?? 0) + v.nodes;
  const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(grave, [], `${view}: serious or critical accessibility violations`);
  console.log(`ok - audit of ${view}: ${violations.length ? violations.map((v) => `${v.id} (${v.impact}, ${v.nodes})`).join(', ') : 'no violation'}`);
}

/** The focused element: a name for it and whether a focus ring shows. */
const focused = (page) => page.evaluate(() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
  return { key: e.id || `${e.tagName.toLowerCase()}:${(e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 30)}`, ring };
});

/** Every control a mouse could use now (visible, enabled). */
const controls = (page) => page.$$eval('button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"])', (all) => all
  .filter((e) => !e.disabled && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
  .map((e) => e.id || `${e.tagName.toLowerCase()}:${(e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 30)}`));

const nodeCount = (page) => page.$$eval('#graph-nodes tbody tr', (rows) => rows.length);
const edgeCount = async (page) => Number((await page.textContent('#graph-counts')).match(/(\d+) edges/)[1]);

const browser = await launchBrowser();
try {
  const problems = [];
  const { page } = await openPage(browser, problems, origin + '/', { viewport: { width: 1280, height: 1100 } });
  await waitFor(page, 'first load', (p) => p.status === 'idle', 60_000);

  // ---- the keyboard alone -------------------------------------------------------------------------
  const wanted = new Set(await controls(page));
  const reached = new Map();
  // Until every control is reached: past the last one Firefox hands focus to its own toolbar,
  // and keys pressed then never reach the page.
  for (let i = 0; i < 400 && [...wanted].some((k) => !reached.has(k)); i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f && !reached.has(f.key)) reached.set(f.key, f.ring);
  }
  const missed = [...wanted].filter((k) => !reached.has(k));
  assert.deepEqual(missed, [], 'Tab reaches every control');
  const ringless = [...reached].filter(([, ring]) => !ring).map(([k]) => k);
  assert.deepEqual(ringless, [], 'every control shows a focus ring when the keyboard reaches it');
  results.keyboard = { controls: wanted.size, reached: reached.size };
  console.log(`ok - Tab reaches all ${wanted.size} controls, each with a focus ring`);

  // 500 epochs (4,000 steps): the opening scene's 100 take about a second on a fast machine,
  // and CI twice saw them finish before the Space that pauses them was handled.
  await setNumber(page, 'epochs', 500);
  await settled(page, 'a longer run');
  await page.focus('#play');
  await page.keyboard.press('Enter');
  await waitFor(page, 'play by keyboard', (p) => p.status === 'running' && p.step > 5, 60_000);
  await page.focus('#play');
  await page.keyboard.press('Space');
  await waitFor(page, 'pause by keyboard', (p) => p.status === 'paused', 30_000);
  await audit(page, 'the opening scene, trained');

  await page.click('#classroom-open');
  await audit(page, 'the classroom panel');
  await page.keyboard.press('Escape').catch(() => {});
  await page.goto(origin + '/#v1.not-a-setup');
  await until('a notice', () => page.$('#notice'), (n) => n !== null, 30_000);
  await audit(page, 'a notice');
  // The lesson index and a lesson step with its task and formulas.
  await page.click('#lessons-open');
  await page.waitForSelector('#lesson-index-panel');
  await audit(page, 'the lesson index');
  await page.click('#open-lesson-graph-regularization');
  await page.waitForSelector('#lesson-task');
  await audit(page, 'a lesson step');
  await page.click('#lesson-close');

  // A graph drawn without a mouse.
  await page.goto(origin + '/');
  await waitFor(page, 'reload', (p) => p.status !== 'loading' && p.status !== 'absent', 60_000);
  await page.focus('#family');
  await page.selectOption('#family', 'drawn');
  await settled(page, 'the drawn family');
  await page.focus('#graph-clear');
  await page.keyboard.press('Enter');
  await until('cleared', () => nodeCount(page), (n) => n === 0, 10_000);
  await page.focus('#graph-editor');
  for (let i = 0; i < 3; i++) await page.keyboard.press('n');
  await until('three nodes added by keyboard', () => nodeCount(page), (n) => n === 3, 10_000);
  // Node 2 is selected (the last added): connect 2–0 and 0–1.
  await page.keyboard.press('c');
  await page.keyboard.press(']');
  await page.keyboard.press('c');
  await until('an edge by keyboard', () => edgeCount(page), (n) => n === 1, 10_000);
  await page.keyboard.press('c');
  await page.keyboard.press(']');
  await page.keyboard.press('c');
  await until('a second edge by keyboard', () => edgeCount(page), (n) => n === 2, 10_000);
  await page.keyboard.press('1');
  const roleOf = (i) => page.$eval(`#graph-nodes tbody tr[data-node="${i}"]`, (r) => r.dataset.role);
  await until('node 1 labeled by keyboard', () => roleOf(1), (r) => r === 'train', 10_000);
  const x = () => page.$eval('#graph-nodes tbody tr[data-node="1"]', (r) => r.dataset.x);
  const before = await x();
  await page.keyboard.press('Shift+ArrowRight');
  await until('node 1 moved by keyboard', x, (now) => now !== before, 10_000);
  await audit(page, 'the graph editor');
  await page.screenshot({ path: artifact('access-keyboard-drawing.png'), fullPage: true });
  console.log('ok - a graph drawn, connected, labeled and moved by keyboard');

  // A graph's node inspector, the digits' adversary panel, the explorer.
  await page.selectOption('#family', 'karate');
  await settled(page, 'karate');
  await page.click('#data-canvas', { position: { x: 140, y: 140 } });
  await sleep(500);
  await audit(page, 'a graph with the node inspector');
  await page.selectOption('#family', 'digits');
  await settled(page, 'digits');
  await audit(page, 'the digits and the adversary panel');
  const tsv = path.join(artifacts, 'access-square.tsv');
  fs.writeFileSync(tsv, 'a\tb\nb\tc\nc\td\nd\ta\n');
  await page.setInputFiles('#graph-files', tsv);
  await until('the explorer opened a file', () => page.$('#graph-info'), (e) => e !== null, 30_000);
  await audit(page, 'the explorer with a graph');

  // ---- the Content Security Policy is in force ---------------------------------------------------
  const blocked = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.head.append(s);
    let fetched = 'fetched';
    try { await fetch('http://127.0.0.2:9/'); } catch { fetched = 'blocked'; }
    return { inline: window.__inlineRan === true ? 'ran' : 'blocked', fetched };
  });
  assert.deepEqual(blocked, { inline: 'blocked', fetched: 'blocked' });
  // Violation reports are events queued after the refusal.
  await until('the violation reports', async () => problems.filter((p) => p.includes('CSP violation')).length, (n) => n >= 2, 10_000);
  const violations = problems.filter((p) => p.startsWith('console error: CSP violation'));
  assert.ok(violations.some((v) => v.includes('script-src')) && violations.some((v) => v.includes('connect-src')),
    `the policy reported what it blocked: ${violations.join('; ')}`);
  results.csp = { blocked, violations };
  // The browser logs each refusal too: Chromium as a console error, Firefox as a page error.
  const unexpected = problems.filter((p) => !violations.includes(p) && !p.includes('127.0.0.2')
    && !p.includes('violates the following Content Security Policy directive')
    && !/^page error: Content-Security-Policy: The page’s settings blocked an inline script/.test(p));
  assert.deepEqual(unexpected, [], 'no other console errors, no requests off 127.0.0.1');
  console.log('ok - the Content Security Policy blocks inline scripts and other origins');

  // ---- room sizes ---------------------------------------------------------------------------------
  for (const [room, options] of [
    ['projector', { viewport: { width: 1024, height: 768 } }],
    ['tablet', { viewport: { width: 768, height: 1024 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 }],
  ]) {
    const roomProblems = [];
    const { context, page: p } = await openPage(browser, roomProblems, origin + '/', options);
    await waitFor(p, `${room}: first load`, (s) => s.status === 'idle', 60_000);
    const fit = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    assert.ok(fit.scroll <= fit.width, `${room}: no sideways scrolling (${fit.scroll} > ${fit.width})`);
    const play = await p.locator('#play').boundingBox();
    assert.ok(play && play.y + play.height <= options.viewport.height, `${room}: play is on the first screen`);
    await p.screenshot({ path: artifact(`access-${room}.png`) });
    results[room] = fit;
    if (room === 'tablet') {
      await p.selectOption('#family', 'drawn');
      await settled(p, 'tablet: the drawn family');
      await p.tap('#graph-clear');
      await until('tablet: cleared', () => nodeCount(p), (n) => n === 0, 10_000);
      const canvas = p.locator('#graph-editor');
      await canvas.scrollIntoViewIfNeeded();
      let box = await canvas.boundingBox();
      const at = (fx, fy) => [box.x + box.width * fx, box.y + box.height * fy];
      await p.touchscreen.tap(...at(0.25, 0.5));
      await until('tablet: a tap adds a node', () => nodeCount(p), (n) => n === 1, 10_000);
      await p.touchscreen.tap(...at(0.7, 0.5));
      await until('tablet: a second tap, a second node', () => nodeCount(p), (n) => n === 2, 10_000);
      const touch = await finger(context, p);
      const drag = async (from, to) => {
        await touch.touchStart(from[0], from[1]);
        for (let k = 1; k <= 8; k++) {
          const t = k / 8;
          await touch.touchMove(from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t);
        }
        // The finger rests before it lifts, as a person's does: lifted while moving, Chromium
        // takes the drag for a fling and swallows the next tap (the one that would stop it).
        await sleep(200);
        await touch.touchMove(to[0], to[1]);
        await sleep(200);
        await touch.touchEnd();
      };
      // Connect mode, then a drag from one node to the other joins them.
      await p.tap('#graph-connect-mode');
      await until('tablet: Connect mode on', () => p.$eval('#graph-connect-mode', (b) => b.getAttribute('aria-pressed')), (v) => v === 'true', 10_000);
      // Tapping the button may have scrolled the page: find the canvas again.
      await canvas.scrollIntoViewIfNeeded();
      box = await canvas.boundingBox();
      await drag(at(0.25, 0.5), at(0.7, 0.5));
      await until('tablet: Connect mode joins two nodes', () => edgeCount(p), (n) => n === 1, 10_000);
      await p.tap('#graph-connect-mode');
      await until('tablet: Connect mode off', () => p.$eval('#graph-connect-mode', (b) => b.getAttribute('aria-pressed')), (v) => v === 'false', 10_000);
      await canvas.scrollIntoViewIfNeeded();
      box = await canvas.boundingBox();
      const xOf = () => p.$eval('#graph-nodes tbody tr[data-node="0"]', (r) => r.dataset.x);
      const x0 = await xOf();
      await drag(at(0.25, 0.5), at(0.4, 0.3));
      await until('tablet: a drag moves the node', xOf, (x1) => x1 !== x0, 10_000);
      await p.screenshot({ path: artifact('access-tablet-drawn.png'), fullPage: true });
      console.log('ok - tablet: tap adds, drag moves, Connect mode joins');
    }
    // A lesson beside the tool fits the room too (a new page: the drawing above stays its own).
    const lessonPage = await context.newPage();
    await lessonPage.goto(`${origin}/#lesson=adversarial-regularization&step=1`);
    await lessonPage.waitForSelector('#lesson-panel');
    await waitFor(lessonPage, `${room}: the lesson's setup`, (s) => s.loaded === 'digits' && s.status === 'idle', 90_000);
    const lessonFit = await lessonPage.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    assert.ok(lessonFit.scroll <= lessonFit.width, `${room} with a lesson: no sideways scrolling (${lessonFit.scroll} > ${lessonFit.width})`);
    await lessonPage.screenshot({ path: artifact(`access-${room}-lesson.png`) });
    assert.deepEqual(roomProblems, [], `${room}: no console errors`);
    console.log(`ok - ${room}: ${JSON.stringify(fit)}`);
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
fs.writeFileSync(artifact('access-results.json'), JSON.stringify(results, null, 2));
console.log(`audit totals (affected elements by impact): ${JSON.stringify(results.totals)}`);
