// Browser benchmark of the playground (headless Chromium, CPU backend): how fast it trains and
// how smooth the page stays while it does. Prints its figures beside a recorded baseline; it
// asserts nothing about speed (machines of this kind differ up to 3×), that is for a person
// reading the table. `bash scripts/bench.sh` runs it; the tests keep only floors.
//
//   node tests/e2e/bench.mjs DIST_DIR ARTIFACT_DIR [--record]
//
// Per setup (the 2D set, the digits MLP and CNN, a GCN on the citation graph, graph-regularized
// karate; each with the base model beside the regularized one, as the page opens them): first
// contentful paint, app ready (its controls shown) and trainer ready (the worker, from its own
// module, has the first setup loaded) of a fresh visit; then, after a warm-up, over a window of
// steady training: steps per second, view refreshes per second and every main-thread task over
// 50 ms (the Long Tasks API). Then the same setup natively: the page's spec exported and run by
// `nsl train --spec` (NSL_BIN; CPU backend) for about as many steps, and the time of a step of
// the pair (base and regularized model) in each, with their ratio — the browser against native
// code on the same spec and seed. Each setup is measured twice in the browser: as the page
// runs it (the base model in a second worker where the browser reports two cores) and with
// one worker training both models in turn (`?workers=1`), for the pair's speed-up.
// --record writes the figures as the new baseline (tests/e2e/bench-baseline.json).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_FLAGS, chromium, download, loadTimes, nslJson, openPage, progress, serve, settled, sleep, waitFor } from './lib.mjs';

const args = process.argv.slice(2);
const record = args.includes('--record');
const [dist, artifacts] = args.filter((a) => !a.startsWith('--'));
if (!dist || !artifacts) throw new Error('usage: node bench.mjs DIST_DIR ARTIFACT_DIR [--record]');
fs.mkdirSync(artifacts, { recursive: true });
const baselineFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bench-baseline.json');
const baseline = fs.existsSync(baselineFile) ? JSON.parse(fs.readFileSync(baselineFile, 'utf8')) : { setups: {} };

/** How long steady training is measured, and how often the page's step is read in it. */
const WINDOW_MS = 5000;
const WINDOW_POLL_MS = 100;

/** The most epochs a spec may ask for (spec::limits::EPOCHS): the page's runs are set to it
 *  (longer than the window), the native runs kept within it. */
const MAX_EPOCHS = 10000;

const SETUPS = [
  { name: '2d-mlp-adv', family: 'circles', speed: '10' },
  { name: 'digits-mlp-adv', family: 'digits', speed: '10' },
  { name: 'digits-cnn-adv', family: 'digits', model: 'Cnn', speed: '1' },
  { name: 'citation-gcn', family: 'citation', model: 'Gcn', speed: '10' },
  { name: 'karate-graph-reg', family: 'karate', speed: '10' },
];

/** Milliseconds of a step of the pair natively: the page's spec run by `nsl train --spec` for
 *  about `steps` steps (whole epochs), its models' training seconds summed. */
function nativeStepMs(specFile, stepsPerEpoch, steps) {
  const spec = JSON.parse(fs.readFileSync(specFile, 'utf8'));
  spec.epochs = Math.min(MAX_EPOCHS, Math.max(1, Math.round(steps / stepsPerEpoch)));
  // No attack or robustness curve at the end: only training is timed.
  spec.evaluation = {};
  const file = specFile.replace(/\.json$/, '-native.json');
  fs.writeFileSync(file, JSON.stringify(spec));
  const report = nslJson(['train', '--spec', file]);
  const seconds = Object.values(report.train_seconds).reduce((a, b) => a + b, 0);
  return (1000 * seconds) / (spec.epochs * stepsPerEpoch);
}

const { server, origin } = await serve(dist);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: BASE_FLAGS });
const measured = {};
try {
  /** Steady training of `setup` in a fresh page at `query`: steps and view refreshes per
   *  second, long main-thread tasks, load times; the page's spec exported when `specFile`. */
  async function browserRun(setup, query, specFile) {
    const problems = [];
    const { context, page } = await openPage(browser, problems, origin + '/' + query);
    await waitFor(page, `${setup.name}${query}: first load`, (p) => p.status === 'idle', 120_000);
    const loaded = await loadTimes(page);
    await page.selectOption('#family', setup.family);
    await waitFor(page, `${setup.name}: load`, (p) => p.loaded === setup.family && p.status === 'idle', 120_000);
    if (setup.model) {
      await page.selectOption('#model', setup.model);
      await settled(page, `${setup.name}: model`);
    }
    await page.fill('#epochs', String(MAX_EPOCHS));
    await page.press('#epochs', 'Enter');
    await settled(page, `${setup.name}: epochs`);
    await page.selectOption('#speed', setup.speed);
    await page.click('#play');
    await waitFor(page, `${setup.name}: warm-up`, (p) => p.step >= 50, 240_000);
    await page.evaluate(() => {
      window.__views = 0;
      new MutationObserver(() => { window.__views += 1; })
        .observe(document.querySelector('#progress'), { attributes: true, attributeFilter: ['data-step'] });
    });
    const sample = async () => ({ p: await progress(page), ...(await page.evaluate(() => ({ t: performance.now(), views: window.__views }))) });
    const a = await sample();
    // The benchmark's measurement window: a fixed time is the point here. A run that ends
    // inside it (karate's 10,000 epochs are 10,000 steps) is measured up to the last sample
    // taken while it ran.
    let b = a;
    for (;;) {
      await sleep(WINDOW_POLL_MS);
      const next = await sample();
      if (next.p.status !== 'running') break;
      b = next;
      if (b.t - a.t >= WINDOW_MS) break;
    }
    const views = b.views - a.views;
    const tasks = await page.evaluate(([s, e]) => window.__longTasks.filter((t) => t.start >= s && t.start <= e).map((t) => Math.round(t.duration)), [a.t, b.t]);
    if ((await progress(page)).status === 'running') await page.click('#play');
    const seconds = (b.t - a.t) / 1000;
    // Steps an epoch: the toolbar's total over the 10,000 epochs set above.
    const total = Number((await page.textContent('#progress')).match(/step \d+ \/ (\d+)/)[1]);
    const spec = specFile ? await download(page, '#export-spec', artifacts, specFile) : null;
    if (problems.length) console.log(`note - ${setup.name}${query}: ${problems.join('; ')}`);
    await context.close();
    return { stepsPerSecond: (b.p.step - a.p.step) / seconds, viewsPerSecond: views / seconds, tasks, loaded, total, spec };
  }

  for (const setup of SETUPS) {
    const two = await browserRun(setup, '', `bench-${setup.name}.json`);
    const one = await browserRun(setup, '?workers=1');
    const native = process.env.NSL_BIN ? nativeStepMs(two.spec, two.total / MAX_EPOCHS, Math.max(100, two.stepsPerSecond * 3)) : null;
    const round2 = (v) => (v === null ? null : Math.round(v * 100) / 100);
    const ms = (run) => 1000 / run.stepsPerSecond;
    measured[setup.name] = {
      steps_per_second: Math.round(two.stepsPerSecond * 10) / 10,
      one_worker_steps_per_second: Math.round(one.stepsPerSecond * 10) / 10,
      pair_speedup: round2(two.stepsPerSecond / one.stepsPerSecond),
      browser_ms_per_step: round2(ms(two)),
      one_worker_ms_per_step: round2(ms(one)),
      native_ms_per_step: round2(native),
      browser_to_native: native === null ? null : round2(ms(two) / native),
      one_worker_to_native: native === null ? null : round2(ms(one) / native),
      view_refreshes_per_second: Math.round(two.viewsPerSecond * 10) / 10,
      longest_main_thread_task_ms: two.tasks.length ? Math.max(...two.tasks) : 0,
      main_thread_tasks_over_50ms: two.tasks.length,
      ...two.loaded,
    };
  }
} finally {
  await browser.close();
  server.close();
}

// The table: each figure beside its baseline.
const columns = ['steps_per_second', 'one_worker_steps_per_second', 'pair_speedup', 'browser_ms_per_step', 'one_worker_ms_per_step', 'native_ms_per_step', 'browser_to_native', 'one_worker_to_native', 'view_refreshes_per_second', 'longest_main_thread_task_ms', 'main_thread_tasks_over_50ms', 'first_contentful_paint_ms', 'app_ready_ms', 'trainer_ready_ms'];
const cell = (now, then) => (then === undefined || then === null ? `${now}` : `${now} (${then})`);
console.log(`\nbrowser benchmark, CPU backend (baseline in parentheses, recorded ${baseline.recorded ?? 'never'}${baseline.machine ? ` on ${baseline.machine}` : ''})`);
console.log(['setup', ...columns].join(' | '));
for (const [name, figures] of Object.entries(measured)) {
  const then = baseline.setups[name] ?? {};
  console.log([name, ...columns.map((c) => cell(figures[c], then[c]))].join(' | '));
}
fs.writeFileSync(path.join(artifacts, 'bench.json'), JSON.stringify(measured, null, 2));
if (record) {
  const machine = `${(await import('node:os')).cpus()[0]?.model ?? 'unknown CPU'}, ${(await import('node:os')).cpus().length} cores`;
  fs.writeFileSync(baselineFile, JSON.stringify({ recorded: new Date().toISOString().slice(0, 10), machine, setups: measured }, null, 2) + '\n');
  console.log(`baseline recorded in ${baselineFile}`);
}
