// End-to-end test of the guided lessons in headless Chromium (CPU backend).
//
//   node tests/e2e/lessons.mjs DIST_DIR ARTIFACT_DIR
//
// Walks every built-in lesson from its first step to its last as a learner would: opens it from
// the lesson index, reads each step (title, prose, formulas rendered as MathML), does what the
// task asks with the mouse and keyboard — presses play, moves the named knob, picks the method,
// samples — and waits for the page's own check to pass before pressing Next. A check not reached
// within STEP_LIMIT_MS fails the test. Then: a lesson opened by link at a given step, the
// presenter view and its link, free play and back, progress kept across a reload, and a
// malformed lesson file dropped on the index (refused with the file, the step and the fault).
// Screenshots of each lesson's first and last step go to ARTIFACT_DIR; the time each walk took
// to ARTIFACT_DIR/lessons.json.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, openPage, progress, serve, setNumber, settled, sleep, until } from './lib.mjs';

const [dist, artifacts] = process.argv.slice(2);
if (!dist || !artifacts) throw new Error('usage: node lessons.mjs DIST_DIR ARTIFACT_DIR');
fs.mkdirSync(artifacts, { recursive: true });
const { server, origin } = await serve(dist);
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const builtins = fs.readdirSync(path.join(repo, 'assets/lessons')).filter((f) => f.endsWith('.toml')).map((f) => f.slice(0, -5));

/** A check not reached in this long fails the walk (each is meant to take under two minutes of
 *  training on a 2-core laptop; slower CI machines get the margin). */
const STEP_LIMIT_MS = 240_000;

const panel = (page) => page.$eval('#lesson-panel', (p) => ({
  step: Number(p.dataset.step), passed: p.dataset.passed === 'true',
  title: p.querySelector('#lesson-step-title')?.textContent ?? '',
  text: p.querySelector('.lesson-text')?.textContent ?? '',
  formulas: p.querySelectorAll('math').length, unrendered: p.querySelectorAll('code.tex').length,
}));
const passed = async (page) => (await panel(page)).passed;

/** Starts training the setup as it is now (after the worker took the last change). */
async function play(page) {
  await settled(page, 'before play');
  const p = await progress(page);
  if (p.status !== 'running') await page.click('#play');
}
/** Fresh models, then play: what "train again" means after a knob moved. */
async function retrain(page) {
  await settled(page, 'before reset');
  // The models that trained before the change keep what they learned: they pass nothing.
  await sleep(500);
  assert.equal(await passed(page), false, 'no check passes on the models trained before the change');
  await page.click('#reset');
  await until('fresh models', () => progress(page), (p) => p.step === 0 && p.synced && p.status === 'idle', 120_000);
  await page.click('#play');
}
/** Moves a knob through `values`, as a learner raising a slider, until the step's check passes. */
async function raise(page, ids, values) {
  for (const value of values) {
    for (const id of [ids].flat()) await setNumber(page, id, value);
    const start = Date.now();
    while (Date.now() - start < 8_000) {
      if (await passed(page)) return;
      await sleep(200);
    }
  }
}
const step = async (page, n) => until(`step ${n} on screen`, () => progress(page), (p) => p.step >= n, STEP_LIMIT_MS);
/** Types a node number into the inspector (keyboard), as "type its number" in the prose. */
async function inspect(page, node) {
  await page.fill('#inspect-node', String(node));
  await page.press('#inspect-node', 'Enter');
}
/** The notice's text, or null while there is none (both browsers' drivers). */
const noticeOf = async (page) => ((await page.$('#notice')) ? page.textContent('#notice') : null);
/** `text` as a file named my-lesson.toml (a file picker takes paths in both browsers). */
function lessonFile(dir, text) {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), `nsl-lesson-${dir}-`));
  const file = path.join(folder, 'my-lesson.toml');
  fs.writeFileSync(file, text);
  return file;
}
async function sample(page) {
  await page.click('#sample-run');
}

// What a learner does at each step of each lesson (the step's prose says it).
const ACT = {
  'adversarial-examples': [
    play,
    (page) => raise(page, 'probe-epsilon', [0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0]),
    async (page) => {
      await page.selectOption('#probe-method', 'pgd');
      await raise(page, ['probe-ball', 'probe-epsilon'], [0.3, 0.4, 0.5, 0.6, 0.8, 1.0]);
    },
    async (page) => {
      await play(page);
      await step(page, 60);
      await raise(page, 'probe-epsilon', [0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5]);
    },
  ],
  'adversarial-regularization': [
    play,
    async (page) => { await setNumber(page, 'adv-multiplier', 0); await retrain(page); },
    async (page) => { await setNumber(page, 'step-size', 0.05); await retrain(page); },
    async (page) => { await retrain(page); await step(page, 100); await page.click('#robustness-run'); },
  ],
  'graph-regularization': [
    play,
    async (page) => { await setNumber(page, 'graph-multiplier', 0); await retrain(page); },
    async (page) => { await play(page); await step(page, 20); await inspect(page, 0); },
    play,
    async (page) => { await setNumber(page, 'max-neighbors', 5); await retrain(page); },
  ],
  'graphs-from-data': [
    (page) => page.click('#build-graph'),
    play,
    async (page) => { await setNumber(page, 'graph-threshold', 0.65); await retrain(page); },
    (page) => page.selectOption('#graph-rule', 'knn'),
    async (page) => { await page.selectOption('#graph-embedding', 'base_model'); await play(page); },
    play,
    (page) => page.click('#build-graph'),
  ],
  'inside-the-model': [
    play,
    async (page) => {
      // Two neurons on x₁ and x₂ stop short of 90%; with the squares they fence the disc in.
      await play(page);
      await until('two neurons train', () => progress(page), (p) => p.status === 'finished', STEP_LIMIT_MS);
      // Clicks, not check(): Firefox's driver has clicks only.
      await page.click('#input-x1_squared');
      await page.click('#input-x2_squared');
      await play(page);
    },
    async (page) => {
      // The step's setup loaded first (its models rebuilt), then the tool, then each click where
      // the canvas is now: the page may still be settling from the lesson before (a larger view
      // leaving shifts everything up), so the canvas must hold still for a moment before a click.
      await settled(page, 'the step\'s setup');
      await page.click('#point-add');
      await page.click('#point-class-2');
      const stillBox = async () => {
        // Centred: "if needed" may leave the canvas's top under the sticky toolbar, which then
        // takes a click meant for the plane.
        await page.$eval('#data-canvas', (canvas) => canvas.scrollIntoView({ block: 'center' }));
        return until('the canvas holds still', async () => {
          const a = await page.locator('#data-canvas').boundingBox();
          await sleep(150);
          const b = await page.locator('#data-canvas').boundingBox();
          return a && b && a.x === b.x && a.y === b.y ? b : null;
        }, (box) => box !== null, 10_000);
      };
      for (const [fx, fy] of [[0.9, 0.1], [0.93, 0.08], [0.88, 0.12], [0.91, 0.14]]) {
        const box = await stillBox();
        await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
        await settled(page, 'a green point');
      }
      const set = await page.$eval('#family', (e) => e.value);
      if (set !== 'points') {
        await page.screenshot({ path: path.join(artifacts, 'lesson-inside-the-model-clicks.png'), fullPage: true });
        throw new Error(`four clicks on the plane in Add mode left the data set at "${set}", not the learner's own points`);
      }
      await page.click('#point-look');
      await play(page);
    },
    async (page) => { await play(page); await inspect(page, 0); },
  ],
  'neural-graph-machines': [
    play,
    async (page) => {
      await setNumber(page, 'ngm-ll', 2); await setNumber(page, 'ngm-lu', 0); await setNumber(page, 'ngm-uu', 0);
      await retrain(page);
    },
    async (page) => { await setNumber(page, 'ngm-ll', 0); await setNumber(page, 'ngm-lu', 2); await retrain(page); },
    async (page) => { await setNumber(page, 'ngm-lu', 0); await setNumber(page, 'ngm-uu', 2); await retrain(page); },
  ],
  'message-passing': [
    play,
    retrain,
    play,
    async (page) => { await play(page); await inspect(page, 1); },
  ],
  'subgraph-sampling': [
    async (page) => {
      await page.click('#graph-open-current');
      await page.waitForSelector('#sample-root-input', { timeout: 60_000 });
      await page.fill('#sample-root-input', '7');
      await page.press('#sample-root-input', 'Enter');
      await sample(page);
    },
    async (page) => {
      await setNumber(page, 'hop-1-size', 2);
      await setNumber(page, 'hop-2-size', 2);
      await sample(page);
    },
    async (page) => {
      await page.selectOption('#hop-1-strategy', 'top_k');
      await page.selectOption('#hop-2-strategy', 'top_k');
      await sample(page);
    },
    async (page) => { await page.click('#hop-add'); await sample(page); },
    play,
  ],
  'heterogeneous-graphs': [
    async (page) => {
      // Untick the authors, then tick them again, as the task asks; then train. (The graph is
      // drawn once the worker has generated and laid it out.)
      await page.waitForSelector('#node-set-author', { timeout: 120_000 });
      await page.click('#node-set-author');
      await page.click('#node-set-author');
      await play(page);
    },
    play,
    async (page) => {
      // The first round's button (a selector both browsers' drivers take).
      await page.waitForSelector('#rounds-view button.round', { timeout: 120_000 });
      await page.click('#rounds-view button.round');
      await play(page);
    },
    async (page) => { await setNumber(page, 'rounds', 3); await play(page); },
    play,
  ],
  'virtual-adversarial': [
    play,
    (page) => page.selectOption('#probe-method', 'vat'),
    async (page) => { await setNumber(page, 'step-size', 1); await retrain(page); },
  ],
};

const browser = await launchBrowser();
const walks = {};
try {
  assert.deepEqual(Object.keys(ACT).sort(), [...builtins].sort(), 'the walk covers every built-in lesson');
  const problems = [];
  const { context, page } = await openPage(browser, problems, origin + '/', { viewport: { width: 1400, height: 1000 } });
  await until('first load', () => progress(page), (p) => p.status === 'idle', 90_000);

  for (const id of builtins) {
    const started = Date.now();
    await page.click('#lessons-open');
    await page.click(`#open-lesson-${id}`);
    await page.waitForSelector('#lesson-panel');
    const steps = ACT[id];
    const times = [];
    const figures = [];
    for (const [i, act] of steps.entries()) {
      const at = await until(`${id}: step ${i + 1}`, () => panel(page), (p) => p.step === i + 1, 30_000);
      assert.ok(at.title.length > 3 && at.text.length > 80, `${id} step ${i + 1} has a title and prose`);
      assert.equal(at.unrendered, 0, `${id} step ${i + 1}: every formula renders as MathML`);
      if (i === 0) {
        assert.ok(at.formulas > 0 || id === 'subgraph-sampling' || at.text.length > 200, `${id}: the first step explains`);
        await page.screenshot({ path: path.join(artifacts, `lesson-${id}-first.png`) });
      }
      // Nothing passes before the learner does what the step asks (not on models trained in
      // an earlier step either: each step's setup starts from fresh ones).
      await sleep(500);
      assert.equal((await panel(page)).passed, false, `${id} step ${i + 1}: the check waits for the learner`);
      const t0 = Date.now();
      await act(page);
      await until(`${id} step ${i + 1} (“${at.title}”): the check passes`, () => panel(page), (p) => p.passed, STEP_LIMIT_MS)
        .catch(async (e) => {
          // What the page showed when the check did not pass, for whoever reads the failure.
          await page.screenshot({ path: path.join(artifacts, `lesson-${id}-failed.png`), fullPage: true });
          throw e;
        });
      times.push(Math.round((Date.now() - t0) / 100) / 10);
      // What the learner sees when the check passes (the prose quotes such figures).
      figures.push(await page.evaluate(() => document.querySelector('#whatif')?.innerText.replace(/\s+/g, ' ') ?? ''));
      // The feedback, and the reveal where the step has one, are shown once it passes.
      assert.ok(await page.$('#lesson-success'), `${id} step ${i + 1}: the success message is shown`);
      if (i + 1 < steps.length) {
        // Next by keyboard on some steps, by mouse on others.
        if (i % 2) {
          await page.focus('#lesson-next');
          await page.keyboard.press('Enter');
        } else {
          await page.click('#lesson-next');
        }
      } else {
        await page.screenshot({ path: path.join(artifacts, `lesson-${id}-last.png`) });
      }
    }
    walks[id] = { seconds: Math.round((Date.now() - started) / 100) / 10, steps: times, figures };
    console.log(`lesson ${id}: walked in ${walks[id].seconds} s (per step: ${times.join(', ')} s)`);
    await page.click('#lesson-close');
    await until('lesson closed', () => page.$('#lesson-panel'), (p) => p === null, 10_000);
  }

  // Progress is kept across a reload: the index says every lesson's tasks are done.
  await page.goto(origin + '/#lessons');
  await page.reload();
  await page.waitForSelector('#lesson-index-panel');
  for (const id of builtins) {
    const meta = await page.$eval(`[data-lesson="${id}"]`, (c) => c.textContent);
    assert.match(meta, /(\d+) of \1 tasks done/, `${id}: progress kept (${meta})`);
  }
  await context.close();

  // A lesson by link at a given step, in the presenter view; its link puts a learner there.
  const fresh = await openPage(browser, problems, `${origin}/#lesson=graph-regularization&step=4&present`);
  const p4 = await until('the linked step', () => fresh.page.$('#lesson-panel').then((e) => e && panel(fresh.page)), (p) => p?.step === 4, 60_000);
  assert.match(p4.title, /citation/i, 'step 4 is the citation network');
  assert.equal(await fresh.page.$eval('.app', (a) => a.classList.contains('presenter')), true, 'presenter view');
  assert.equal(await fresh.page.$eval('.app', (a) => a.dataset.highlight), 'view', 'the step highlights the data view');
  const stepLink = await fresh.page.inputValue('#step-link');
  assert.ok(stepLink.endsWith('#lesson=graph-regularization&step=4'), `the learners' link has no presenter view: ${stepLink}`);
  await until('the setup', () => progress(fresh.page), (p) => p.loaded === 'cora' && p.status === 'idle', 90_000);
  assert.equal(await fresh.page.$('#data-title'), null, 'step 4 shows only the regularization controls');
  await fresh.page.screenshot({ path: path.join(artifacts, 'lesson-presenter.png') });
  // Free play shows everything; back to the lesson restores the step with the setup left with.
  await fresh.page.click('#lesson-leave');
  await fresh.page.waitForSelector('#data-title');
  await setNumber(fresh.page, 'learning-rate', 0.02);
  await fresh.page.click('#lesson-return');
  await until('back on step 4', () => panel(fresh.page), (p) => p.step === 4, 10_000);
  assert.equal(await fresh.page.$('#data-title'), null, 'the step\'s controls again');
  assert.ok(fresh.page.url().endsWith('#lesson=graph-regularization&step=4&present'), fresh.page.url());

  // A malformed lesson file, dropped on the index: refused, naming the file, the step and the fault.
  await fresh.page.click('#lesson-index');
  const bad = fs.readFileSync(path.join(repo, 'assets/lessons/graph-regularization.toml'), 'utf8')
    .replace('metric = "inspected"', 'metric = "inspectd"');
  await fresh.page.setInputFiles('#lesson-file', lessonFile('bad', bad));
  const notice = await until('the refusal', () => noticeOf(fresh.page), (t) => t?.includes('my-lesson.toml'), 10_000);
  assert.match(notice, /“my-lesson\.toml”, step 3: check 2: metric “inspectd” is not one of/, notice);
  assert.ok(await fresh.page.$('#lesson-panel[data-step="4"]'), 'the lesson on screen is untouched');
  // A good file of one's own opens, and its link carries it.
  const own = bad.replace('metric = "inspectd"', 'metric = "inspected"').replace('id = "graph-regularization"', 'id = "my-lesson"');
  await fresh.page.setInputFiles('#lesson-file', lessonFile('good', own));
  await until('my lesson', () => panel(fresh.page), (p) => p.step === 1, 30_000);
  const carried = fresh.page.url();
  assert.match(carried, /#lesson-file=[A-Za-z0-9_-]+&step=1/, carried);
  const third = await openPage(browser, problems, carried);
  await until('the carried lesson', () => third.page.$('#lesson-panel').then((e) => e && panel(third.page)), (p) => p?.step === 1 && /club/.test(p.title), 60_000);
  // A link to a lesson that does not exist.
  const missing = await openPage(browser, problems, `${origin}/#lesson=no-such-lesson`);
  const said = await until('the notice', () => noticeOf(missing.page), (t) => !!t, 60_000);
  assert.match(said, /no built-in lesson “no-such-lesson”/, said);

  assert.deepEqual(problems, [], 'no console errors, policy violations or requests elsewhere');
  fs.writeFileSync(path.join(artifacts, 'lessons.json'), JSON.stringify(walks, null, 2));
  console.log('lessons: every built-in lesson walked; link, presenter, free play, progress and a malformed file checked');
} finally {
  await browser.close();
  server.close();
}
