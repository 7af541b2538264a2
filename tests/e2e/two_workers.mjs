// End-to-end test of the what-if pair on two cores, in headless Chromium (CPU backend), or
// Firefox ESR with NSL_BROWSER=firefox:
//
//   node tests/e2e/two_workers.mjs DIST_DIR ARTIFACT_DIR
//
// The page trains the base model of a what-if pair in a second worker (the trainer's twin)
// where the browser reports two cores or more; `?workers=1` keeps both models in one worker.
// For three setups — the 2D set and the digits MLP, adversarially regularized, and karate,
// graph-regularized — a learner in each kind of page steps ten times by hand, then trains to
// the end of a short run. The header says which way the page trains (two workers or one), and
// both pages must show the same numbers: the ten steps' curves of both models, bit for bit as
// the results export writes them, and the accuracies the run ends with. A screenshot of each.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { browserPrefix, download, launchBrowser, openPage, progress, serve, settled, waitFor } from './lib.mjs';

const [dist, artifacts] = process.argv.slice(2);
if (!dist || !artifacts) throw new Error('usage: node two_workers.mjs DIST_DIR ARTIFACT_DIR');
fs.mkdirSync(artifacts, { recursive: true });
const artifact = (name) => path.join(artifacts, browserPrefix() + name);

/** Setups and their short runs (epochs): a few dozen steps each. */
const SETUPS = [
  { name: '2d-adversarial', family: 'circles', epochs: 2 },
  { name: 'digits-adversarial', family: 'digits', epochs: 1 },
  { name: 'karate-graph', family: 'karate', epochs: 40 },
];

/** Steps taken by hand before the run goes on by itself. */
const BY_HAND = 10;

/** The results export's rows, by model: its curve points, as written. */
function curves(csv) {
  const [header, ...rows] = fs.readFileSync(csv, 'utf8').trim().split('\n');
  assert.match(header, /^model,step,total_loss/);
  const byModel = {};
  for (const row of rows) (byModel[row.split(',')[0]] ??= []).push(row);
  return byModel;
}

/** The test accuracy each model's curve ends with (its last measured one). */
function finalAccuracies(byModel) {
  return Object.fromEntries(Object.entries(byModel).map(([model, rows]) => {
    const measured = rows.map((r) => r.split(',')).filter((cells) => cells[9] !== '');
    const last = measured[measured.length - 1];
    return [model, { step: Number(last[1]), train_acc: Number(last[8]), test_acc: Number(last[9]) }];
  }));
}

/** Opens `setup` in a fresh page at `query`, with the base model beside the regularized one;
 *  steps by hand, exports the curves, trains to the end, exports again. */
async function trainPair(browser, setup, query) {
  const problems = [];
  const label = `${setup.name}${query}`;
  const { context, page } = await openPage(browser, problems, `${origin}/${query}`);
  await waitFor(page, `${label}: first load`, (p) => p.status === 'idle', 120_000);
  await page.selectOption('#family', setup.family);
  await waitFor(page, `${label}: load`, (p) => p.loaded === setup.family && p.status === 'idle', 120_000);
  if (!(await page.$eval('#compare', (box) => box.checked))) {
    await page.click('#compare');
    await settled(page, `${label}: the base model beside it`);
  }
  await page.fill('#epochs', String(setup.epochs));
  await page.press('#epochs', 'Enter');
  await settled(page, `${label}: epochs`);
  for (let step = 1; step <= BY_HAND; step += 1) {
    await page.click('#step');
    await waitFor(page, `${label}: step ${step}`, (p) => p.step === step && p.status !== 'loading', 60_000);
  }
  // The first step brought the second worker in (a page only opened starts none).
  const badge = await page.textContent('#backend-badge');
  const stepped = curves(await download(page, '#export-results', artifacts, `${browserPrefix()}two-workers-${setup.name}-${query ? 'one' : 'two'}-stepped.csv`));
  await page.click('#play');
  const end = await waitFor(page, `${label}: the run's end`, (p) => p.status === 'finished', 240_000);
  const finished = finalAccuracies(curves(await download(page, '#export-results', artifacts, `${browserPrefix()}two-workers-${setup.name}-${query ? 'one' : 'two'}-finished.csv`)));
  await page.screenshot({ path: artifact(`two-workers-${setup.name}-${query ? 'one' : 'two'}.png`), fullPage: true });
  await context.close();
  assert.deepEqual(problems, [], `${label}: no console errors, no requests off 127.0.0.1`);
  return { badge, stepped, finished, steps: end.step };
}

const { server, origin } = await serve(dist);
const browser = await launchBrowser();
const results = {};
try {
  for (const setup of SETUPS) {
    const two = await trainPair(browser, setup, '');
    const one = await trainPair(browser, setup, '?workers=1');
    assert.match(two.badge, /CPU, 2 workers/, `${setup.name}: the header says the pair trains in two workers`);
    assert.doesNotMatch(one.badge, /2 workers/, `${setup.name}: with ?workers=1 one worker trains both`);
    const models = Object.keys(two.stepped);
    assert.equal(models.length, 2, `${setup.name}: the base model beside the regularized one: ${models}`);
    for (const model of models) {
      assert.equal(two.stepped[model].length, BY_HAND, `${setup.name} ${model}: a point for each of the ${BY_HAND} steps`);
      assert.deepEqual(two.stepped[model], one.stepped[model], `${setup.name} ${model}: the same curve in two workers as in one`);
    }
    assert.equal(two.steps, one.steps, `${setup.name}: the same run`);
    assert.deepEqual(two.finished, one.finished, `${setup.name}: the same accuracies at the end`);
    assert.ok(Object.values(two.finished).every((f) => f.step === two.steps), `${setup.name}: measured at the last step`);
    results[setup.name] = { steps: two.steps, finished: two.finished };
    console.log(`ok - ${setup.name}: ${BY_HAND} steps by hand and a run of ${two.steps} steps give the same numbers in two workers as in one ${JSON.stringify(two.finished)}`);
  }
} finally {
  await browser.close();
  server.close();
}
fs.writeFileSync(artifact('two-workers-results.json'), JSON.stringify(results, null, 2));
