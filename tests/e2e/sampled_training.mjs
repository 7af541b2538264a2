// End-to-end test of sampled-subgraph training in the page (CPU backend), checked against
// native nsl.
//
//   NSL_BIN=path/to/nsl node tests/e2e/sampled_training.mjs DIST_DIR ARTIFACT_DIR
//
// On the synthetic citation network a learner picks a GCN, ticks "Train on sampled subgraphs",
// sets the second hop's fanout and the roots per step with the keyboard, and trains: the same
// GCN trains full batch beside it. Checked: each step's batch is drawn over the sampled model's
// graph (its roots in the roots' colour, none on the full-batch model's graph) and changes from
// step to step; the cost table gives a sampled step's nodes and messages within what the
// fanouts allow and below the whole graph's, steps per epoch as ⌈training nodes / roots⌉, a
// time per step for both models, and both models learn. On the karate club (no validation
// nodes, so `nsl train` reports the last epoch, as the page shows it) both models' test
// accuracies equal `nsl train --spec` on the exported spec. Times per step are printed beside
// native ones.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { nslBinary, nslJson, browserPrefix, download, launchBrowser, openPage, serve, setNumber, settled, sleep, until, waitFor } from './lib.mjs';

const [dist, artifacts] = process.argv.slice(2);
if (!dist || !artifacts) throw new Error('usage: NSL_BIN=… node sampled_training.mjs DIST_DIR ARTIFACT_DIR');
nslBinary();
fs.mkdirSync(artifacts, { recursive: true });
const { server, origin } = await serve(dist);
const prefix = browserPrefix();
const results = {};

/** The cost table as shown: per model, nodes and messages a step, time, steps an epoch, test accuracy. */
const table = (page) => page.evaluate(() => {
  const rows = [...document.querySelectorAll('#sampled-table tr[data-model]')];
  if (rows.length !== 2) return null;
  return Object.fromEntries(rows.map((r) => {
    const cells = r.querySelectorAll('td');
    return [r.dataset.model, {
      nodes: Number(r.querySelector('td[data-nodes]').dataset.nodes),
      messages: Number(r.querySelector('td[data-messages]').dataset.messages),
      time: cells[2].textContent.trim(),
      steps: Number(cells[3].textContent.trim()),
      acc: r.querySelector('td[data-test-acc]').dataset.testAcc === '' ? null : Number(r.querySelector('td[data-test-acc]').dataset.testAcc),
    }];
  }));
});

/** Pixels of `#id` within a few levels of the colour `[r, g, b]`. */
const pixelsOf = (page, id, rgb) => page.$eval(`#${id}`, (c, rgb) => {
  const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < 12 && data[i + 3] > 200) n += 1;
  }
  return n;
}, rgb);
const ROOT_RED = [0xd9, 0x30, 0x25];
const HOP_ORANGE = [0xf2, 0x99, 0x00];

/** The batch legend's figures: the roots and the nodes at each hop. */
const legend = (page) => page.$eval('#batch-legend', (p) => p.textContent.trim());

const browser = await launchBrowser();
try {
  const problems = [];
  const { page } = await openPage(browser, problems, origin + '/', { viewport: { width: 1280, height: 1600 } });
  await waitFor(page, 'first load', (p) => p.status === 'idle' && p.loaded === 'moons', 60_000);

  // ---- the citation network: a GCN on sampled subgraphs beside the GCN full batch ----------
  await page.selectOption('#family', 'citation');
  await settled(page, 'citation');
  await page.selectOption('#model', 'Gcn');
  await settled(page, 'GCN');
  assert.equal(await page.$('#fanout-0'), null, 'no sampling knobs before it is turned on');
  await page.click('#sampled');
  await settled(page, 'sampled');
  assert.equal(await page.inputValue('#reg-kind'), 'None', 'sampled training is unregularized');
  assert.ok(await page.isChecked('#compare'), 'the full-batch model beside it');
  assert.deepEqual([Number(await page.inputValue('#fanout-0')), Number(await page.inputValue('#fanout-1'))], [5, 5], 'a hop per layer, 5 each');
  await setNumber(page, 'fanout-1', 3);
  await settled(page, 'second hop 3');
  await setNumber(page, 'sampled-roots', 8);
  await settled(page, '8 roots');
  const titles = await page.$$eval('.views h3', (h) => h.map((x) => x.textContent));
  assert.deepEqual(titles, ['full-batch model', 'sampled model'], 'the two models are named by how they train');
  assert.match(await page.textContent('#sampled-cost'), /Press play/, 'before the first step the table says what it will show');

  // A few single steps: each draws its own batch.
  await page.click('#step');
  const first = await until('first batch', () => table(page), (t) => t !== null, 20_000);
  const firstLegend = await legend(page);
  await page.click('#step');
  const second = await until('second batch', () => legend(page), (l) => l !== firstLegend, 20_000);
  assert.notEqual(second, firstLegend, 'each step samples another batch');
  assert.ok(await pixelsOf(page, 'data-canvas', ROOT_RED) > 20, 'the roots are ringed on the sampled model\'s graph');
  assert.ok(await pixelsOf(page, 'data-canvas', HOP_ORANGE) > 20, 'its first hop is drawn');
  assert.equal(await pixelsOf(page, 'base-canvas', ROOT_RED), 0, 'the full-batch model reads no batch');
  assert.match(firstLegend, /^The last step's batch, drawn on the graph:\s*8 roots\s*hop 1: \d+ nodes\s*hop 2: \d+ nodes$/);
  assert.equal(first.full.nodes, 300, 'a full-batch step runs every node');
  assert.ok(first.sampled.nodes > 8 && first.sampled.nodes <= 8 * (1 + 5 + 5 * 3), `fanouts 5 and 3 bound 8 subgraphs: ${first.sampled.nodes}`);
  assert.ok(first.sampled.messages < first.full.messages, `a sampled step passes fewer messages: ${first.sampled.messages} vs ${first.full.messages}`);
  const trainNodes = await page.evaluate(() => Number(document.querySelector('#sampled-table tr[data-model="sampled"] td:nth-child(5)').textContent));
  assert.equal(trainNodes, Math.ceil(15 / 8), 'an epoch is ⌈15 training nodes / 8 roots⌉ steps');
  await page.locator('#data-canvas').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${prefix}sampled-batch.png`), fullPage: true });

  await page.selectOption('#speed', '10');
  await page.click('#play');
  await waitFor(page, 'citation: trained', (p) => p.status === 'finished', 180_000);
  const trained = await until('citation: accuracies', () => table(page), (t) => t?.full.acc !== null && t?.sampled.acc !== null, 10_000);
  assert.ok(trained.full.acc >= 0.7 && trained.sampled.acc >= 0.7, `both learn: ${JSON.stringify(trained)}`);
  assert.match(trained.full.time, /ms$/);
  assert.match(trained.sampled.time, /ms$/);
  await page.locator('#sampled-cost').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${prefix}sampled-citation.png`), fullPage: true });
  const citationSpec = await download(page, '#export-spec', artifacts, 'sampled-citation-spec.json');
  const native = (specPath) => nslJson(['train', '--spec', specPath]);
  const spec = JSON.parse(fs.readFileSync(citationSpec, 'utf8'));
  const citationNative = native(citationSpec);
  const perStep = (seconds, steps) => `${(1e3 * seconds / steps).toFixed(2)} ms`;
  results.citation = {
    browser: trained,
    native: {
      full: { acc: citationNative.base.test_acc, time: perStep(citationNative.train_seconds.base, spec.epochs) },
      sampled: { acc: citationNative.sampled.test_acc, time: perStep(citationNative.train_seconds.sampled, spec.epochs * trainNodes) },
    },
  };
  console.log(`ok - citation network, GCN sampled [5, 3] × 8 roots beside full batch: ${JSON.stringify(results.citation)}`);

  // ---- the karate club: the page's figures are nsl train's ----------------------------------
  await page.selectOption('#family', 'karate');
  await settled(page, 'karate');
  await page.selectOption('#model', 'Gcn');
  await settled(page, 'karate GCN');
  await page.click('#sampled');
  await settled(page, 'karate sampled');
  await setNumber(page, 'fanout-0', 3);
  await settled(page, 'karate fanout 3');
  await setNumber(page, 'sampled-roots', 1);
  await settled(page, 'karate 1 root');
  await page.click('#play');
  await waitFor(page, 'karate: trained', (p) => p.status === 'finished', 120_000);
  const karate = await until('karate: accuracies', () => table(page), (t) => t?.full.acc !== null && t?.sampled.acc !== null, 10_000);
  assert.equal(karate.sampled.steps, 2, 'two labeled members, one root a step');
  const karateSpec = await download(page, '#export-spec', artifacts, 'sampled-karate-spec.json');
  const karateNative = native(karateSpec);
  assert.deepEqual(
    { full: karate.full.acc, sampled: karate.sampled.acc },
    { full: karateNative.base.test_acc, sampled: karateNative.sampled.test_acc },
    'the same test accuracies natively',
  );
  results.karate = { browser: karate, native: karateNative };
  console.log(`ok - karate club sampled, page = nsl train: ${JSON.stringify(results.karate)}`);

  assert.deepEqual(problems, [], `no page problems: ${problems.join('\n')}`);
  fs.writeFileSync(path.join(artifacts, `${prefix}sampled-training.json`), JSON.stringify(results, null, 2));
} finally {
  await sleep(0);
  await browser.close();
  server.close();
}
