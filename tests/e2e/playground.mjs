// End-to-end test of the playground in Debian's headless Chromium (driven by playwright-core).
//
//   node tests/e2e/playground.mjs DIST_DIR ARTIFACT_DIR
//
// Serves DIST_DIR on 127.0.0.1, then for each data family (2D set, MNIST digits, karate club,
// synthetic citation network): picks it, sets the multiplier(s) and the step size, trains a few
// hundred steps on the CPU backend, and checks that the loss fell, the heatmap/graph/digits and
// both chart canvases are not blank, the URL alone reproduces the setup after a reload, no
// console error appeared and no request left 127.0.0.1. Speed has floors only, ten times below
// what the slowest machine of this kind measured (so a regression that stops training is caught,
// a slow machine is not): how fast and how smooth is `bash scripts/bench.sh`'s business. Then
// trains a few steps on WebGPU (Chromium's software adapter) and checks that the page reports
// WebGPU and the loss fell. Screenshots go to ARTIFACT_DIR.
//
// With NSL_BROWSER=firefox the same families train in Debian's firefox-esr (CPU: Firefox ESR
// offers no WebGPU on Linux), driven by puppeteer-core over WebDriver BiDi (`firefox.mjs`).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BASE_FLAGS, browserPrefix, chromium, inked, launchBrowser, loadTimes, openPage, progress, serve, setNumber, settled, waitFor } from './lib.mjs';

const [dist, artifacts] = process.argv.slice(2);
if (!dist || !artifacts) throw new Error('usage: node playground.mjs DIST_DIR ARTIFACT_DIR');
fs.mkdirSync(artifacts, { recursive: true });
const { server, origin } = await serve(dist);
const firefox = process.env.NSL_BROWSER === 'firefox';
const prefix = browserPrefix();
const results = { browser: firefox ? 'firefox-esr' : 'chromium', families: {}, webgpu: null };

// `floor`: steps per second that any working build exceeds on the slowest machine of this kind
// (measured there: circles 323, digits 33, the CNN pair 3 steps/s), a tenth of it or less.
const FAMILIES = [
  { key: 'circles', knobs: { 'adv-multiplier': 0.3, 'step-size': 0.05 }, epochs: 200, steps: 300, view: 'heatmap', floor: 30, acc: 0.6 },
  { key: 'digits', knobs: { 'adv-multiplier': 0.3, 'step-size': 0.1 }, steps: 300, view: 'digits', floor: 3, acc: 0.5 },
  { key: 'digits', label: 'digits-cnn', model: 'Cnn', knobs: { 'adv-multiplier': 0.3, 'step-size': 0.1, 'learning-rate': 0.005 }, steps: 100, view: 'digits', floor: 0.3, acc: 0.5 },
  { key: 'karate', kind: 'GraphAdversarial', knobs: { 'graph-multiplier': 0.8, 'adv-multiplier': 0.2, 'step-size': 0.05 }, epochs: 300, steps: 300, view: 'graph', floor: 3 },
  { key: 'citation', kind: 'GraphAdversarial', knobs: { 'graph-multiplier': 0.6, 'adv-multiplier': 0.2, 'step-size': 0.05 }, epochs: 120, steps: 300, view: 'graph', floor: 3 },
  // Neural Graph Machines (an MLP over all edges, full batch) and a GNN: one step per epoch.
  { key: 'karate', label: 'karate-ngm', kind: 'Ngm', knobs: { 'ngm-lu': 2, 'ngm-uu': 0.5, 'ngm-warmup': 0 }, epochs: 300, steps: 300, view: 'graph', floor: 3 },
  { key: 'citation', label: 'citation-gcn', model: 'Gcn', kind: 'GraphAdversarial', knobs: { 'graph-multiplier': 0.5, 'adv-multiplier': 0.2, 'step-size': 0.05 }, epochs: 300, steps: 300, view: 'graph', floor: 3 },
];

const cpu = await launchBrowser();
try {
  for (const family of FAMILIES) {
    const problems = [];
    const t0 = Date.now();
    const { context, page } = await openPage(cpu, problems, origin + '/');
    await waitFor(page, `${family.key}: first load`, (p) => p.status === 'idle', 60_000);
    const loaded = await loadTimes(page);
    const badge = await page.textContent('#backend-badge');
    assert.match(badge, /CPU/, 'without --enable-unsafe-webgpu the page falls back to the CPU');
    assert.equal(await page.$('#backend-why'), null, 'without WebGPU there is nothing to time');

    await page.selectOption('#family', family.key);
    // The worker has loaded the new family (and the controls show its setup).
    await waitFor(page, `${family.key}: load`, (p) => p.loaded === family.key && p.status === 'idle' && p.step === 0, 60_000);
    if (family.model) {
      await page.selectOption('#model', family.model);
      await settled(page, `${family.key}: model`);
    }
    if (family.kind) {
      await page.selectOption('#reg-kind', family.kind);
      await settled(page, `${family.key}: regularization`);
    }
    if (family.epochs) await setNumber(page, 'epochs', family.epochs);
    for (const [id, value] of Object.entries(family.knobs)) await setNumber(page, id, value);
    await page.selectOption('#speed', '10');
    await settled(page, `${family.key}: knobs`);
    await waitFor(page, `${family.key}: ready after edits`, (p) => p.status === 'idle', 60_000);

    const w0 = Date.now();
    await page.click('#play');
    // Steps over a window of training after a warm-up (a floor, not a benchmark).
    await waitFor(page, `${family.key}: warm-up`, (p) => p.step >= 10, 120_000);
    const a = { p: await progress(page), t: Date.now() };
    const later = await waitFor(page, `${family.key}: training on`, (p) => p.step >= a.p.step + 20 || p.status === 'finished', 180_000);
    // A small setup can finish every step before the warm-up poll sees step 10: then the window
    // is from Play to the end (an empty window would read 0 steps/s).
    const [steps, ms] = a.p.status === 'finished' ? [a.p.step, a.t - w0] : [later.step - a.p.step, Date.now() - a.t];
    const stepsPerSecond = (steps * 1000) / Math.max(1, ms);
    // Typing while training runs: the page re-renders with every update, the typed value must stay.
    const rate = Number(await page.inputValue('#learning-rate'));
    await setNumber(page, 'learning-rate', Math.round(rate * 9000) / 10000);

    const done = await waitFor(page, `${family.key}: training`, (p) => p.step >= family.steps || p.status === 'finished', 180_000);
    await page.click('#play');
    const after = await waitFor(page, `${family.key}: pause`, (p) => ['paused', 'finished'].includes(p.status), 30_000);
    const trainSeconds = (Date.now() - w0) / 1000;

    assert.ok(after.step >= family.steps, `${family.key}: trained ${after.step} steps`);
    assert.ok(stepsPerSecond >= family.floor, `${family.label ?? family.key}: ${stepsPerSecond.toFixed(1)} steps/s (floor ${family.floor})`);
    assert.ok(after.last < after.first, `${family.key}: loss fell (${after.first} → ${after.last})`);
    const view = await inked(page, '#data-canvas');
    const loss = await inked(page, '#loss-chart');
    const accuracy = await inked(page, '#accuracy-chart');
    assert.ok(view.inked > 0.05 && view.colours > 8, `${family.key}: data view not blank ${JSON.stringify(view)}`);
    assert.ok(loss.inked > 0.01, `${family.key}: loss chart not blank ${JSON.stringify(loss)}`);
    assert.ok(accuracy.inked > 0.01, `${family.key}: accuracy chart not blank ${JSON.stringify(accuracy)}`);
    assert.ok(await page.$('#confusion'), `${family.key}: confusion matrix shown`);
    // The accuracies are measured now and then while training (at a share of the time), and
    // at the step a pause stops at: the caption says the paused step's test accuracy.
    if (family.acc) {
      const caption = await page.textContent('#accuracy-chart + figcaption');
      const test = Number(caption.match(/test (\d+(?:\.\d+)?)%/)?.[1]) / 100;
      assert.ok(test >= family.acc, `${family.label ?? family.key}: the paused model's test accuracy ${test} ≥ ${family.acc}: ${caption}`);
    }
    // The what-if table keeps the loss the models stopped at (the pause's measurement has no
    // steps of its own).
    if (await page.$('#whatif')) {
      const losses = await page.$$eval('#whatif tbody tr td:last-child', (cells) => cells.map((c) => c.textContent));
      assert.ok(losses.every((l) => Number.isFinite(Number(l))), `${family.label ?? family.key}: the what-if table's losses ${losses}`);
    }
    await page.screenshot({ path: path.join(artifacts, `${prefix}${family.label ?? family.key}.png`), fullPage: true });

    // The URL alone reproduces the setup: a fresh context (no local storage) on the same URL.
    const url = page.url();
    const controls = async (p) => {
      const values = { family: await p.inputValue('#family') };
      for (const id of [...Object.keys(family.knobs), 'epochs', 'learning-rate', 'seed']) values[id] = await p.inputValue(`#${id}`);
      if (family.kind) values.kind = await p.inputValue('#reg-kind');
      if (family.model) values.model = await p.inputValue('#model');
      return values;
    };
    const before = await controls(page);
    assert.equal(before.family, family.key);
    await context.close();
    const again = await openPage(cpu, problems, url);
    await waitFor(again.page, `${family.key}: reload`, (p) => p.status === 'idle', 60_000);
    assert.deepEqual(await controls(again.page), before, `${family.key}: the URL reproduces the setup`);
    assert.equal(again.page.url(), url, `${family.key}: the reloaded page keeps the same hash`);
    await again.context.close();

    assert.deepEqual(problems, [], `${family.key}: no console errors, no requests off 127.0.0.1`);
    const name = family.label ?? family.key;
    results.families[name] = {
      steps: after.step, first_loss: after.first, last_loss: after.last,
      steps_per_second: Math.round(stepsPerSecond * 10) / 10, floor: family.floor,
      ...loaded, train_seconds: trainSeconds,
      seconds_in_all: (Date.now() - t0) / 1000,
    };
    console.log(`ok - ${name}: ${JSON.stringify(results.families[name])}`);
  }
} finally {
  await cpu.close();
}

// The page painted at all (how soon is the benchmark's question).
assert.ok(Object.values(results.families).every((f) => f.first_contentful_paint_ms !== null), 'every visit painted');

if (firefox) {
  server.close();
  fs.writeFileSync(path.join(artifacts, 'firefox-results.json'), JSON.stringify(results, null, 2));
  console.log('e2e (firefox-esr, CPU): all checks passed');
  process.exit(0);
}

// WebGPU: Chromium's software adapter. Shaders compile on first use (seconds), steps are slow
// in software: a few steps only.
const gpu = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...BASE_FLAGS, '--enable-unsafe-webgpu'] });
try {
  const problems = [];
  const t0 = Date.now();
  const { page } = await openPage(gpu, problems, origin + '/');
  // Left to the page, the backend is the faster for the setup, timed as it loads (WebGPU's
  // first step compiles its kernels: seconds in software).
  await page.waitForSelector('#backend-why', { timeout: 180_000 });
  const why = await page.textContent('#backend-why');
  const timed = why.match(/^CPU: ([\d.,]+) ms per step, WebGPU: ([\d.,]+) ms per step for this model$/);
  assert.ok(timed, `the header says what the choice rests on: ${why}`);
  const [cpuMs, webgpuMs] = [Number(timed[1].replace(',', '')), Number(timed[2].replace(',', ''))];
  const chosen = cpuMs <= webgpuMs ? 'CPU' : 'WebGPU';
  assert.match(await page.textContent('#backend-badge'), new RegExp(`Backend: ${chosen}`), `the faster computes: ${why}`);
  await waitFor(page, 'timed: load', (p) => p.status === 'idle', 120_000);
  await page.screenshot({ path: path.join(artifacts, 'backend-timed.png') });
  results.backend_choice = { cpu_ms: cpuMs, webgpu_ms: webgpuMs, chosen };
  console.log(`ok - backend chosen by timing: ${JSON.stringify(results.backend_choice)}`);
  // The user can still force one: WebGPU trains.
  await page.selectOption('#backend', 'webgpu');
  await page.waitForFunction(() => /WebGPU/.test(document.querySelector('#backend-badge')?.textContent ?? ''), null, { timeout: 60_000 });
  assert.equal(await page.$('#backend-why'), null, 'a forced backend is not timed');
  await waitFor(page, 'webgpu: load', (p) => p.status === 'idle' && p.step === 0, 120_000);
  await page.selectOption('#speed', '5');
  await page.click('#play');
  const done = await waitFor(page, 'webgpu: training', (p) => p.step >= 20, 240_000);
  await page.click('#play');
  const after = await waitFor(page, 'webgpu: pause', (p) => p.status === 'paused', 60_000);
  assert.match(await page.textContent('#backend-badge'), /WebGPU/);
  assert.ok(after.last < after.first, `webgpu: loss fell (${after.first} → ${after.last})`);
  assert.ok((await inked(page, '#data-canvas')).colours > 8, 'webgpu: heatmap drawn');
  await page.screenshot({ path: path.join(artifacts, 'webgpu.png'), fullPage: true });
  assert.deepEqual(problems, [], 'webgpu: no console errors, no requests off 127.0.0.1');
  results.webgpu = { steps: after.step, first_loss: after.first, last_loss: after.last, seconds: (Date.now() - t0) / 1000 };
  console.log(`ok - webgpu: ${JSON.stringify(results.webgpu)}`);
} finally {
  await gpu.close();
  server.close();
}
fs.writeFileSync(path.join(artifacts, 'results.json'), JSON.stringify(results, null, 2));
console.log('e2e: all checks passed');
