// End-to-end test of link prediction in the page (CPU backend), checked against native nsl.
//
//   NSL_BIN=path/to/nsl node tests/e2e/link_prediction.mjs DIST_DIR ARTIFACT_DIR
//
// On the synthetic citation network a learner picks a GCN, ticks "Predict links instead", sets
// the embedding width with the keyboard and trains. Checked: the held-out test edges (solid)
// and as many non-edges (dashed) are drawn over the graph coloured by the model's probability of
// a link, and the colours move from the undecided middle toward blue and red as it trains; the
// ROC curve is drawn from (0, 0) to (1, 1) with its area shown; the AUC chart and the
// edge/non-edge confusion are there; the test AUC after the last epoch equals `nsl train --spec`
// on the exported spec (`last_test_auc`), and is above chance.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { nslBinary, nslJson, browserPrefix, download, launchBrowser, openPage, serve, setNumber, settled, sleep, until, waitFor } from './lib.mjs';

const [dist, artifacts] = process.argv.slice(2);
if (!dist || !artifacts) throw new Error('usage: NSL_BIN=… node link_prediction.mjs DIST_DIR ARTIFACT_DIR');
nslBinary();
fs.mkdirSync(artifacts, { recursive: true });
const { server, origin } = await serve(dist);
const prefix = browserPrefix();

/** Pixels of `#id` in each of the eleven link colours (`palette::link_colour`: probability 0
 *  blue … 1 red, in steps of 0.1), counted as low (≤ 0.3), middle (0.4–0.6) and high (≥ 0.7). */
const linkInk = (page, id) => page.$eval(`#${id}`, (c) => {
  const [low, high] = [[26, 115, 232], [217, 48, 37]];
  const steps = Array.from({ length: 11 }, (_, k) => low.map((l, d) => Math.round(l + (high[d] - l) * k / 10)));
  const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
  const counts = { low: 0, mid: 0, high: 0 };
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] < 250) continue;
    const k = steps.findIndex((rgb) => Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) <= 6);
    if (k >= 0) counts[k <= 3 ? 'low' : k <= 6 ? 'mid' : 'high'] += 1;
  }
  return counts;
});

/** The ROC curve's points and the AUC shown. */
const roc = (page) => page.evaluate(() => {
  const line = document.querySelector('#roc-curve .roc-line');
  if (!line) return null;
  const points = line.getAttribute('points').split(' ').map((p) => p.split(',').map(Number));
  return { points, auc: Number(document.querySelector('#test-auc').dataset.value) };
});

const browser = await launchBrowser();
try {
  const problems = [];
  const { page } = await openPage(browser, problems, origin + '/', { viewport: { width: 1280, height: 1600 } });
  await waitFor(page, 'first load', (p) => p.status === 'idle' && p.loaded === 'moons', 60_000);
  await page.selectOption('#family', 'citation');
  await settled(page, 'citation');
  await page.selectOption('#model', 'Gcn');
  await settled(page, 'GCN');
  await page.click('#link-prediction');
  await settled(page, 'link prediction');
  assert.equal(await page.inputValue('#reg-kind'), 'None', 'link prediction is unregularized');
  assert.equal(await page.$('#base-canvas'), null, 'one model: nothing to compare it with');
  await setNumber(page, 'link-embedding', 8);
  await settled(page, 'embedding 8');
  const before = await until('the held-out pairs drawn', () => roc(page), (r) => r !== null, 20_000);
  const inkBefore = await linkInk(page, 'data-canvas');
  assert.ok(inkBefore.mid > 50 && inkBefore.mid > 10 * (inkBefore.low + inkBefore.high), `untrained, the pairs are undecided: ${JSON.stringify(inkBefore)}`);
  assert.match(await page.getAttribute('#data-canvas', 'aria-label'), /held-out test edges solid/);

  await page.selectOption('#speed', '10');
  await page.click('#play');
  await waitFor(page, 'links: trained', (p) => p.status === 'finished', 180_000);
  const after = await until('the last ROC', () => roc(page), (r) => r !== null && r.auc !== before.auc, 10_000);
  await page.locator('#link-view').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${prefix}link-prediction.png`), fullPage: true });
  const inkAfter = await linkInk(page, 'data-canvas');
  assert.ok(inkAfter.high > 50 && inkAfter.low > 50 && inkAfter.mid < inkBefore.mid, `trained, the pairs are told apart: ${JSON.stringify({ inkBefore, inkAfter })}`);
  const [first, last] = [after.points[0], after.points.at(-1)];
  assert.deepEqual([first, last], [[0, 200], [200, 0]], 'the curve runs from (0, 0) to (1, 1)');
  assert.ok(after.points.length > 10, `a point per threshold: ${after.points.length}`);
  assert.ok(after.auc > 0.65, `above chance (0.5): ${after.auc}`);
  const caption = await page.textContent('.chart-values');
  assert.match(await page.getAttribute('#accuracy-chart', 'aria-label'), /ROC AUC per step/);
  const confusion = await page.$$eval('#confusion tbody th', (h) => h.map((x) => x.textContent));
  assert.deepEqual(confusion, ['non-edge', 'edge'], 'the confusion is of edges and non-edges');

  const specPath = await download(page, '#export-spec', artifacts, 'link-prediction-spec.json');
  const native = nslJson(['train', '--spec', specPath]);
  assert.equal(after.auc, native.base.last_test_auc, 'the page\'s AUC after the last epoch is nsl train\'s');
  const results = { browser: { auc: after.auc, points: after.points.length, before: before.auc, ink: inkAfter }, native, caption };
  fs.writeFileSync(path.join(artifacts, `${prefix}link-prediction.json`), JSON.stringify(results, null, 2));
  console.log(`ok - link prediction on the citation network: page AUC ${after.auc} = nsl ${native.base.last_test_auc} (best-validation epoch's: ${native.base.test_auc})`);
  assert.deepEqual(problems, [], `no page problems: ${problems.join('\n')}`);
} finally {
  await sleep(0);
  await browser.close();
  server.close();
}
