// End-to-end test of graph classification in the page (CPU backend), checked against native
// nsl.
//
//   NSL_BIN=path/to/nsl node tests/e2e/graph_classification.mjs DIST_DIR ARTIFACT_DIR
//
// A learner picks "Graphs to classify: motifs": the model card says what TF-GNN's model is and
// offers the read-out; the 120 test graphs are drawn in a grid, grey until the model predicts.
// Checked while training: the graphs take their predicted classes' colours; the misclassified
// are framed, and "Misclassified graphs first" moves them to the front of the grid; the read-out
// is explained with the model's figures. After the last epoch the page's test accuracy is
// `nsl train --spec`'s `last_test_acc` on the exported spec (within four graphs: wasm sums in
// another order than native code); a mean read-out trains too, and so do MtAlbis' knobs moved
// (two rounds of GATv2 attention, a residual next state), again as `nsl train` trains them.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { nslBinary, nslJson, browserPrefix, download, inked, launchBrowser, openPage, serve, setNumber, settled, sleep, until, waitFor } from './lib.mjs';

const [dist, artifacts] = process.argv.slice(2);
if (!dist || !artifacts) throw new Error('usage: NSL_BIN=… node graph_classification.mjs DIST_DIR ARTIFACT_DIR');
nslBinary();
fs.mkdirSync(artifacts, { recursive: true });
const { server, origin } = await serve(dist);
const prefix = browserPrefix();

/** Pixels of the grid in a class colour (`palette::CLASS_RGB`'s first three), and framed red. */
const gridInk = (page) => page.$eval('#graph-grid-canvas', (c) => {
  const colours = [[0xe6, 0x9f, 0x00], [0x00, 0x72, 0xb2], [0x00, 0x9e, 0x73]];
  const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
  const counts = [0, 0, 0];
  for (let i = 0; i < data.length; i += 4) {
    colours.forEach((rgb, k) => {
      if (Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < 40) counts[k] += 1;
    });
  }
  return counts;
});

/** How many of the first `cells` cells of the grid are framed red (misclassified). */
const framedRed = (page, cells) => page.$eval('#graph-grid-canvas', (c, cells) => {
  const ctx = c.getContext('2d');
  let red = 0;
  for (let k = 0; k < cells; k++) {
    const [x, y] = [(k % 12) * 52 + 1, Math.floor(k / 12) * 52 + 26];
    const [r, g, b] = ctx.getImageData(x, y, 1, 1).data;
    if (r > 180 && g < 90 && b < 90) red += 1;
  }
  return red;
}, cells);

const browser = await launchBrowser();
try {
  const problems = [];
  const { page } = await openPage(browser, problems, origin + '/', { viewport: { width: 1280, height: 1600 } });
  await waitFor(page, 'first load', (p) => p.status === 'idle' && p.loaded === 'moons', 60_000);
  await page.selectOption('#family', 'motifs');
  await settled(page, 'motifs');
  assert.match(await page.textContent('#hetero-model'), /MtAlbis, 3 rounds of 32 units/);
  assert.equal(await page.inputValue('#readout'), 'sum');
  assert.equal(await page.$('#data-canvas'), null, 'a set of graphs is drawn as a grid, not as one graph');
  const label = await page.getAttribute('#graph-grid-canvas', 'aria-label');
  assert.match(label, /^120 test graphs/);
  assert.ok((await inked(page, '#graph-grid-canvas')).inked > 0.02, 'the graphs are drawn');
  assert.match(await page.textContent('#graph-readout'), /3 rounds of MtAlbis .* state of 32 numbers.* sum — into the graph's context vector \(32 numbers\).* 3 classes/s);

  await page.selectOption('#speed', '10');
  await page.click('#play');
  await waitFor(page, 'motifs: trained', (p) => p.status === 'finished', 240_000);
  const ink = await until('coloured by prediction', () => gridInk(page), (c) => c.filter((n) => n > 100).length >= 2, 10_000);
  const wrong = Number(await page.getAttribute('#graph-grid-canvas', 'data-wrong'));
  const caption = await page.$$eval('.chart-values', (c) => c.at(-1).textContent);
  assert.match(caption, new RegExp(`test ${(100 * (120 - wrong) / 120).toFixed(1)}%`), `the chart's test accuracy is the grid's: ${caption}`);
  assert.ok(wrong < 60, `most test graphs are right: ${wrong} of 120 wrong`);
  await page.locator('#graph-grid').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${prefix}graphs-grid.png`), fullPage: true });
  // Misclassified first: the first `wrong` cells are the framed ones.
  await page.click('#wrong-first');
  await until('misclassified first', () => framedRed(page, wrong), (n) => n === wrong, 5_000);
  assert.equal(await framedRed(page, Math.min(120, wrong + 12)), wrong, 'and none after them');
  await page.screenshot({ path: path.join(artifacts, `${prefix}graphs-grid-wrong-first.png`), fullPage: true });

  const specPath = await download(page, '#export-spec', artifacts, 'graph-classification-spec.json');
  const native = nslJson(['train', '--spec', specPath]);
  // The same training in wasm and natively: the SIMD kernels of each (SIMD128 in wasm, AVX2
  // natively) sum in other orders, and over 40 epochs of 3 rounds the rounding moves a few
  // graphs on the edge (82 against 79 right once).
  const nativeRight = Math.round(native.base.last_test_acc * 120);
  assert.ok(Math.abs(120 - wrong - nativeRight) <= 4, `the page's test graphs right after the last epoch (${120 - wrong}) are nsl train's (${nativeRight}) within four`);

  // Another read-out trains too.
  await page.selectOption('#readout', 'mean');
  await settled(page, 'mean read-out');
  assert.match(await page.textContent('#graph-readout'), /mean — into/);
  await page.click('#play');
  await waitFor(page, 'mean read-out: trained', (p) => p.status === 'finished', 240_000);
  const meanWrong = Number(await page.getAttribute('#graph-grid-canvas', 'data-wrong'));

  // MtAlbis' knobs: two rounds of GATv2 attention with a residual next state, as nsl trains it.
  await setNumber(page, 'rounds', 2);
  await settled(page, 'two rounds');
  await page.selectOption('#mt-attention', 'gat_v2');
  await settled(page, 'GATv2 attention');
  await page.selectOption('#mt-next-state', 'residual');
  await settled(page, 'residual next state');
  assert.match(await page.textContent('#graph-readout'), /^The read-out.*2 rounds of MtAlbis/s);
  await page.click('#play');
  await waitFor(page, 'GATv2 MtAlbis: trained', (p) => p.status === 'finished', 240_000);
  const gatWrong = Number(await page.getAttribute('#graph-grid-canvas', 'data-wrong'));
  const gatSpec = JSON.parse(fs.readFileSync(await download(page, '#export-spec', artifacts, 'graph-classification-gatv2-spec.json'), 'utf8'));
  assert.deepEqual([gatSpec.model.encoder.rounds, gatSpec.model.encoder.model.mt_albis.attention_type, gatSpec.model.encoder.model.mt_albis.next_state_type], [2, 'gat_v2', 'residual']);
  const gatNative = nslJson(['train', '--spec', path.join(artifacts, 'graph-classification-gatv2-spec.json')]);
  assert.ok(Math.abs(120 - gatWrong - Math.round(gatNative.base.last_test_acc * 120)) <= 4, `GATv2: page ${120 - gatWrong} right, nsl ${gatNative.base.last_test_acc * 120}`);
  const results = { sum: { wrong, ink, native, caption }, mean: { wrong: meanWrong }, gatv2: { wrong: gatWrong, native: gatNative } };
  fs.writeFileSync(path.join(artifacts, `${prefix}graph-classification.json`), JSON.stringify(results, null, 2));
  console.log(`ok - motifs: ${120 - wrong} of 120 test graphs right with a sum read-out (nsl: last epoch ${native.base.last_test_acc}, best validation epoch ${native.base.test_acc}); mean read-out: ${120 - meanWrong} right; 2 rounds of GATv2, residual: ${120 - gatWrong} (nsl ${Math.round(gatNative.base.last_test_acc * 120)})`);
  assert.deepEqual(problems, [], `no page problems: ${problems.join('\n')}`);
} finally {
  await sleep(0);
  await browser.close();
  server.close();
}
