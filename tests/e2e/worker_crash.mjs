// End-to-end test of losing the training worker, in headless Chromium (CPU backend), or
// Firefox ESR with NSL_BROWSER=firefox:
//
//   node tests/e2e/worker_crash.mjs DIST_DIR ARTIFACT_DIR
//
// A learner draws a node into the starter drawing, follows a lesson link (controls hidden),
// opens a graph file in the explorer and trains. Then the worker dies three times mid-training:
// it panics (a message it cannot decode), it fails with an uncaught error (as a wasm trap or
// memory that cannot grow leaves it), and it goes silent (stuck in a loop, or stopped without
// a word). Each time the page must say what happened, start a new worker on the same setup,
// keep the drawing, the lesson view and the opened file, and train again when the learner
// presses play; no worker may be left behind (a stuck one ends only when the page terminates it).
//
// Chromium's workers are reached through the DevTools protocol: the message is dispatched, the
// error thrown and the endless loop started inside the worker. WebDriver BiDi does not list
// workers, so in Firefox the page's `Worker` constructor is wrapped before the app starts: the
// test posts the message to the trainer as the page would, fires the error event at it and
// terminates it from outside; a worker counts as left behind until the page terminates it.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { browserPrefix, launchBrowser, openPage, progress, serve, until, waitFor } from './lib.mjs';

const [dist, artifacts] = process.argv.slice(2);
if (!dist || !artifacts) throw new Error('usage: node worker_crash.mjs DIST_DIR ARTIFACT_DIR');
fs.mkdirSync(artifacts, { recursive: true });
const { server, origin } = await serve(dist);

const nodeCount = (page) => page.$$eval('#graph-nodes tbody tr', (rows) => rows.length);
const explorerNodes = (page) => page.$eval('#graph-info', (e) => Number(e.dataset.nodes)).catch(() => null);
const notice = (page) => page.textContent('#notice').catch(() => null);
const firefox = process.env.NSL_BROWSER === 'firefox';
const artifact = (name) => path.join(artifacts, browserPrefix() + name);

/** Records every worker the page starts, whether it is a twin (the trainer's second worker,
 *  which trains the base model of a what-if pair: `?twin` in its address) and whether the page
 *  has terminated it (Firefox). */
function recordWorkers() {
  const Original = window.Worker;
  window.__workers = [];
  window.Worker = class extends Original {
    constructor(...args) {
      super(...args);
      this.terminatedByPage = false;
      this.twin = String(args[0]).endsWith('?twin');
      window.__workers.push(this);
    }
    terminate() {
      this.terminatedByPage = true;
      super.terminate();
    }
  };
  // The training worker now: the last one started that the page has not terminated.
  window.__trainer = () => window.__workers.findLast((w) => !w.terminatedByPage && !w.twin);
}

/** The training workers Chromium lists (the page's other workers are not the trainer; the
 *  trainer's twin has `?twin` in its address). */
const chromiumTrainers = (page) => page.workers().filter((w) => (w.url().includes('worker-loader') || w.url().startsWith('blob:')) && !w.url().endsWith('?twin'));
/** The twins the page holds: at most one, which ends with its trainer. */
const twinCount = (page) => (firefox
  ? page.evaluate(() => window.__workers.filter((w) => !w.terminatedByPage && w.twin).length)
  : page.workers().filter((w) => w.url().endsWith('?twin')).length);

/** How many training workers the page holds. */
const trainerCount = (page) => (firefox
  ? page.evaluate(() => window.__workers.filter((w) => !w.terminatedByPage && !w.twin).length)
  : chromiumTrainers(page).length);

/** Makes the training worker panic: a message that is not a JSON string. */
const panicWorker = (page) => (firefox
  ? page.evaluate(() => window.__trainer().postMessage(42))
  : chromiumTrainers(page)[0].evaluate(() => self.dispatchEvent(new MessageEvent('message', { data: 42 }))));

/** An uncaught error in the training worker (as a wasm trap or memory that cannot grow gives):
 *  thrown inside it (Chromium), or its error event fired at the page's worker (Firefox). */
const failWorker = (page) => (firefox
  ? page.evaluate(() => window.__trainer().dispatchEvent(new ErrorEvent('error', { message: 'RuntimeError: out of memory (the test)', cancelable: true })))
  : chromiumTrainers(page)[0].evaluate(() => { setTimeout(() => { throw new RangeError('out of memory (the test)'); }); }));

/** Silences the training worker without telling the page: stuck in a loop (Chromium; only the
 *  page's terminating it ends that), or stopped from outside (Firefox). */
const silenceWorker = (page) => (firefox
  ? page.evaluate(() => Object.getPrototypeOf(Worker.prototype).terminate.call(window.__trainer()))
  : chromiumTrainers(page)[0].evaluate(() => { setTimeout(() => { for (;;); }); }));

/** Presses play and waits for steps beyond `after`. */
async function trains(page, what, after = 0) {
  await page.click('#play');
  return waitFor(page, what, (p) => ['running', 'finished'].includes(p.status) && p.step > after + 20, 120_000);
}

/** Waits for the page to have replaced a lost worker, then checks what it kept. */
async function recovered(page, what, cause, kept) {
  // Silence is declared after the watchdog's 90 s deadline.
  const message = await until(`${what}: the page says so`, () => notice(page), (t) => t !== null && cause.test(t), 150_000);
  assert.match(message, /A new one has started and it has the setup you were training/);
  await waitFor(page, `${what}: the new worker loaded the setup`, (p) => p.status === 'idle' && p.synced && p.step === 0, 120_000);
  assert.equal(await nodeCount(page), kept.nodes, `${what}: the drawing keeps its ${kept.nodes} nodes`);
  assert.ok(await page.$('#lesson-banner'), `${what}: the lesson view stays`);
  assert.equal(await page.$('#optimizer-title, #learning-rate'), null, `${what}: the lesson still hides the optimizer`);
  await until(`${what}: the explorer's file is shown`, () => explorerNodes(page), (n) => n === kept.explorer, 30_000);
  // The new worker holds the file itself: it writes it back out.
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.click('#graph-export-json')]);
  const exported = artifact(`worker-crash-${what.replace(/\W+/g, '-')}.json`);
  await download.saveAs(exported);
  const text = fs.readFileSync(exported, 'utf8');
  assert.ok(['"a"', '"b"', '"c"', '"d"'].every((id) => text.includes(id)), `${what}: the new worker exports square.tsv's graph: ${text.slice(0, 200)}`);
  await until(`${what}: one worker left`, () => trainerCount(page), (n) => n === 1, 30_000);
  // The lost trainer's twin went with it; the new trainer starts its own when training does.
  await until(`${what}: no twin left behind`, () => twinCount(page), (n) => n === 0, 30_000);
  const resumed = await trains(page, `${what}: training resumes`);
  assert.equal(await twinCount(page), 1, `${what}: the new trainer's twin trains the base model`);
  return { message, resumedAtStep: resumed.step };
}

const browser = await launchBrowser();
const results = {};
try {
  const problems = [];
  const { page } = await openPage(browser, problems, origin + '/', { viewport: { width: 1280, height: 1300 }, init: firefox ? recordWorkers : undefined });
  await waitFor(page, 'first load', (p) => p.status === 'idle', 60_000);
  await page.selectOption('#family', 'drawn');
  await waitFor(page, 'the starter drawing', (p) => p.loaded === 'drawn' && p.status === 'idle', 60_000);
  const canvas = page.locator('#graph-editor');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.92);
  await until('a ninth node drawn', () => nodeCount(page), (n) => n === 9, 10_000);

  // The lesson link a teacher would send: this setup with the optimizer and evaluation hidden.
  const hash = await page.evaluate(() => location.hash);
  await page.evaluate((h) => { location.hash = h; }, `${hash}~hide=optimizer,evaluation`);
  await until('the lesson view', () => page.$('#lesson-banner'), (b) => b !== null, 10_000);
  await waitFor(page, 'the lesson setup', (p) => p.synced && p.status !== 'loading', 60_000);

  const tsv = path.join(artifacts, 'square.tsv');
  fs.writeFileSync(tsv, 'a\tb\nb\tc\nc\td\nd\ta\n');
  await page.setInputFiles('#graph-files', tsv);
  await until('the explorer opened square.tsv', () => explorerNodes(page), (n) => n === 4, 30_000);
  const kept = { nodes: 9, explorer: 4 };

  const before = await trains(page, 'training before the crash');
  assert.equal(await trainerCount(page), 1, 'one training worker');
  // The drawn graph's setup is a what-if pair: its base model trains in the twin (2 cores here).
  assert.equal(await twinCount(page), 1, 'one twin');

  // ---- a panic ------------------------------------------------------------------------------------
  await panicWorker(page);
  results.panic = await recovered(page, 'after a panic', /The trainer stopped: it panicked \(worker messages are JSON strings/, kept);
  results.panic.trainedBefore = before.step;
  await page.screenshot({ path: artifact('worker-crash-panic.png'), fullPage: true });
  console.log(`ok - a panicking worker is replaced: ${JSON.stringify(results.panic)}`);

  // ---- an uncaught error -------------------------------------------------------------------------
  await page.click('#notice button');
  await failWorker(page);
  // Told by the worker's error event, not by the watchdog's deadline.
  results.error = await recovered(page, 'after an uncaught error', /The trainer stopped: it failed \(.*out of memory \(the test\)\)/, kept);
  await page.screenshot({ path: artifact('worker-crash-error.png'), fullPage: true });
  console.log(`ok - a worker failing with an uncaught error is replaced: ${JSON.stringify(results.error)}`);

  // ---- silence ------------------------------------------------------------------------------------
  await page.click('#notice button');
  const silencedAt = Date.now();
  await silenceWorker(page);
  results.silence = await recovered(page, 'after silence', /The trainer stopped: it stopped answering for \d+ s/, kept);
  results.silence.noticedAfterSeconds = (Date.now() - silencedAt) / 1000;
  await page.screenshot({ path: artifact('worker-crash-silence.png'), fullPage: true });
  console.log(`ok - a silent worker is replaced: ${JSON.stringify(results.silence)}`);

  // The panic is logged by the worker on purpose; nothing else may go wrong.
  const unexpected = problems.filter((p) => !/NSL Playground panicked: .*worker messages are JSON strings/s.test(p)
    && !/out of memory \(the test\)/.test(p));
  assert.deepEqual(unexpected, [], 'no other console errors, no requests off 127.0.0.1');
  results.final = await progress(page);
} finally {
  await browser.close();
  server.close();
}
fs.writeFileSync(artifact('worker-crash-results.json'), JSON.stringify(results, null, 2));
