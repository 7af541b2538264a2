// End-to-end test of graphs built from the data and of bundled Cora, in headless Chromium (CPU
// backend), checked against native nsl.
//
//   NSL_BIN=path/to/nsl node tests/e2e/graphs_from_data.mjs DIST_DIR ARTIFACT_DIR
//
// Digits: turns on "Build a graph from the data", moves the similarity threshold with the mouse
// (the edge count, homophily and build time follow), trains with 10 labels per class beside
// the base model and sees the graph-regularized model ahead; the nodes drawn as the digits
// themselves, the build's progress line heard; exports the spec and runs
// `nsl synthesize` and `nsl train` on it natively: the same edges (fingerprint) and the same
// test accuracies; with a PCA embedding and with a base model's hidden layer the same edges
// too. 2D: the kNN graph drawn over the moons. A threshold that joins nothing gets its message. Cora: picked from the data menu, trained, and equal to
// `nsl train --builtin cora-graph-reg` at the same seed; then its papers joined by their words
// (a node table's rows), the same edges as `nsl synthesize`.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserPrefix, download, drag, inked, launchBrowser, openPage, progress, serve, settled, setNumber, until, waitFor } from './lib.mjs';

const [dist, artifacts] = process.argv.slice(2);
if (!dist || !artifacts) throw new Error('usage: NSL_BIN=… node graphs_from_data.mjs DIST_DIR ARTIFACT_DIR');
const nsl = process.env.NSL_BIN;
if (!nsl || !fs.existsSync(nsl)) throw new Error(`NSL_BIN must name the nsl binary (got ${nsl})`);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
fs.mkdirSync(artifacts, { recursive: true });
const { server, origin } = await serve(dist);
const results = {};


/** The built graph's figures as the page shows them (`null` while it builds). */
const figures = (page) => page.evaluate(() => {
  const f = document.querySelector('#graph-figures');
  if (!f?.dataset.fingerprint) return null;
  return {
    edges: Number(f.dataset.edges),
    fingerprint: f.dataset.fingerprint,
    buildMs: Number(f.dataset.buildMs),
    homophily: document.querySelector('#graph-homophily').textContent,
    isolated: Number(document.querySelector('#graph-isolated').textContent.replace(/,/g, '')),
  };
});

/** Share of the canvas `selector` in near-black ink (a digit's strokes, a ring). */
const darkShare = (page, selector) => page.$eval(selector, (c) => {
  const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 200 && data[i] < 70 && data[i + 1] < 70 && data[i + 2] < 70) dark += 1;
  }
  return dark / (data.length / 4);
});

/** Starts recording what the build's progress line says whenever it appears. */
const watchBuilding = (page) => page.evaluate(() => {
  window.__building = [];
  window.__buildingObserver?.disconnect();
  window.__buildingObserver = new MutationObserver(() => {
    const line = document.querySelector('#graph-building');
    const text = line?.textContent.trim();
    if (text && window.__building.at(-1) !== text) window.__building.push(text);
  });
  window.__buildingObserver.observe(document.body, { childList: true, subtree: true, characterData: true });
});

/** Test accuracy of each model row of the what-if table. */
const accuracies = (page) => page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#whatif tr[data-model]')]
  .map((row) => [row.dataset.model, Number(row.querySelector('td[data-test-acc]').dataset.testAcc)])));


const native = (args) => {
  const run = spawnSync(nsl, args, { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, `nsl ${args.join(' ')} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop());
};

/** Exports the page's spec as `file`, checks its data is built from `rows` rows embedded as
 *  `embedding`, and runs `nsl synthesize` on it: the same edges with the same weights as the
 *  graph the page shows (`shown`). Returns the spec's path and nsl's figures. */
async function builtAlikeNatively(page, shown, file, { rows, embedding }) {
  const specPath = await download(page, '#export-spec', artifacts, file);
  const { data } = JSON.parse(fs.readFileSync(specPath, 'utf8'));
  assert.deepEqual([data.rows.kind, data.embedding.kind], [rows, embedding], `${file}: the spec says how the graph is built`);
  const built = native(['synthesize', '--spec', specPath]);
  assert.equal(built.fingerprint, shown.fingerprint, `${file}: nsl builds the same edges with the same weights`);
  assert.equal(built.edges, shown.edges);
  return { specPath, built };
}

/** Each run's test accuracy in `nsl train`'s summary, by variant (`clean_acc` where an attack
 *  is measured too). */
const nativeAccuracies = (summary) => Object.fromEntries(Object.entries(summary)
  .map(([k, v]) => [k, v?.test_acc ?? v?.clean_acc]).filter(([, acc]) => typeof acc === 'number'));

const browser = await launchBrowser();
try {
  const problems = [];
  const { page } = await openPage(browser, problems, origin + '/', { viewport: { width: 1280, height: 1500 } });
  await waitFor(page, 'first load', (p) => p.status === 'idle' && p.loaded === 'moons', 60_000);

  // ---- 2D: a kNN graph over the points -----------------------------------------------------
  await page.check('#build-graph');
  const moons = await until('moons: the kNN graph', () => figures(page), (f) => f !== null, 60_000);
  assert.equal(moons.isolated, 0, 'k nearest neighbors leave nobody alone');
  assert.ok(moons.edges >= 200, `every point has its 5 nearest: ${moons.edges} edges`);
  assert.ok((await inked(page, '#data-canvas')).inked > 0.03, 'the graph is drawn over the plane');
  await page.locator('#graph-builder').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}graphs-moons-knn.png`), fullPage: true });
  results.moons = moons;
  console.log(`ok - moons kNN graph: ${JSON.stringify(moons)}`);

  // ---- digits: move the threshold, train with 10 labels per class ---------------------------
  await page.selectOption('#family', 'digits');
  await waitFor(page, 'digits: load', (p) => p.loaded === 'digits' && p.status === 'idle', 60_000);
  await watchBuilding(page);
  await page.check('#build-graph');
  const first = await until('digits: graph built', () => figures(page), (f) => f !== null, 60_000);
  // Drawn as digits: each node the digit itself, on its prediction's colour.
  const caption = await page.getAttribute('#data-canvas', 'aria-label');
  assert.match(caption, /each digit drawn where the layout puts it/, 'the caption says the nodes are the digits');
  const ink = await until('digits: pictures drawn', () => darkShare(page, '#data-canvas'), (d) => d > 0.04, 10_000);
  const heard = await page.evaluate(() => window.__building);
  assert.ok(heard.some((t) => /Comparing pairs/.test(t)), `the first build showed its progress: ${JSON.stringify(heard)}`);
  await page.locator('#data-canvas').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}graphs-digits-built.png`), fullPage: true });
  console.log(`ok - digits graph built in ${first.buildMs} ms, drawn as digits (${(100 * ink).toFixed(1)}% dark ink), progress heard: ${JSON.stringify(heard)}`);
  // The slider spans 0.5 … 1: down to about 0.65, then back up to about 0.75.
  await drag(page, 'graph-threshold', 0.3);
  const lower = Number(await page.inputValue('#graph-threshold'));
  assert.ok(lower < 0.7, `the slider moved down (${lower})`);
  // The worker builds only the last of the edits a drag sends: wait for the one in force.
  await settled(page, 'digits: rebuilt lower');
  const loose = await figures(page);
  assert.ok(loose.edges > first.edges, `a lower threshold joins more pairs: ${loose.edges} vs ${first.edges}`);
  await drag(page, 'graph-threshold', 0.5);
  const threshold = Number(await page.inputValue('#graph-threshold'));
  await settled(page, 'digits: rebuilt higher');
  const graph = await figures(page);
  assert.ok(graph.edges < loose.edges, `a higher threshold joins fewer: ${graph.edges} vs ${loose.edges}`);
  assert.match(graph.homophily, /^\d+\.\d%$/, 'the homophily is shown');
  await page.selectOption('#speed', '50');
  await page.click('#play');
  await waitFor(page, 'digits graph: training', (p) => p.status === 'finished', 240_000);
  const browserAcc = await until('digits: the what-if table', () => accuracies(page), (a) => Object.keys(a).length === 2, 10_000);
  assert.ok(browserAcc.graph_reg > browserAcc.base, `the graph lets 100 labels spread: ${JSON.stringify(browserAcc)}`);
  await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}graphs-digits.png`), fullPage: true });
  const { specPath, built } = await builtAlikeNatively(page, graph, 'graphs-digits-spec.json', { rows: 'mnist', embedding: 'raw' });
  const trained = nativeAccuracies(native(['train', '--spec', specPath]));
  assert.deepEqual(browserAcc, trained, 'the same test accuracies natively');
  results.digits = { threshold, first, loose, graph, ink, browser: browserAcc, native: trained, native_graph: built };
  console.log(`ok - digits graph: ${JSON.stringify(results.digits)}`);

  // ---- a PCA embedding: the same bits in wasm as natively -----------------------------------
  await watchBuilding(page);
  await page.selectOption('#graph-embedding', 'pca');
  await settled(page, 'digits: PCA embedding');
  const pcaHeard = await page.evaluate(() => window.__building);
  assert.ok(pcaHeard.some((t) => /Embedding the rows/.test(t)), `the PCA showed its step: ${JSON.stringify(pcaHeard)}`);
  const pca = await figures(page);
  assert.notEqual(pca.fingerprint, graph.fingerprint, 'another embedding, another graph');
  const pcaNative = (await builtAlikeNatively(page, pca, 'graphs-digits-pca-spec.json', { rows: 'mnist', embedding: 'pca' })).built;
  results.pca = { browser: pca, native: pcaNative };
  console.log(`ok - PCA graph: ${JSON.stringify(results.pca)}`);

  // ---- a base model's hidden layer: trained on the kept labels, the same bits natively -------
  // Hidden activations are all alike at lower thresholds (the page refuses so many edges).
  await setNumber(page, 'graph-threshold', 0.95);
  await settled(page, 'digits: threshold for the base model');
  await watchBuilding(page);
  await page.selectOption('#graph-embedding', 'base_model');
  await settled(page, 'digits: base-model embedding');
  const learned = await figures(page);
  assert.notEqual(learned.fingerprint, pca.fingerprint, 'a learned embedding, another graph');
  // nsl trains the base model to the same bits: the same graph.
  const learnedNative = (await builtAlikeNatively(page, learned, 'graphs-digits-base-model-spec.json', { rows: 'mnist', embedding: 'base_model' })).built;
  await page.locator('#graph-builder').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}graphs-digits-base-model.png`), fullPage: true });
  await page.selectOption('#graph-embedding', 'raw');
  await settled(page, 'digits: raw pixels again');
  results.base_model = { browser: learned, native: learnedNative, heard: await page.evaluate(() => window.__building) };
  console.log(`ok - base-model graph: ${JSON.stringify(results.base_model)}`);

  // ---- a threshold that joins nothing -------------------------------------------------------
  await setNumber(page, 'graph-threshold', 1);
  const message = await until('digits: no edges', () => page.textContent('#status'), (t) => /joined/.test(t ?? ''), 60_000);
  assert.match(message, /no two of the 1500 examples are joined: lower the similarity threshold/);
  await setNumber(page, 'graph-threshold', 0.9);
  // Until then the failure stands (and the figures of the last graph that built).
  await until('digits: built again', () => progress(page), (p) => p.status === 'idle' && p.synced, 60_000);
  assert.equal((await figures(page)).edges, 508, 'at 0.9: the 508 pairs of nearly identical digits');
  results.no_edges = message.trim();
  console.log(`ok - no edges: ${results.no_edges}`);

  // ---- Cora, bundled ------------------------------------------------------------------------
  await page.selectOption('#family', 'cora');
  await waitFor(page, 'cora: load', (p) => p.loaded === 'cora' && p.status === 'idle', 120_000);
  await page.click('#play');
  await waitFor(page, 'cora: training', (p) => p.status === 'finished', 300_000);
  const cora = await until('cora: the what-if table', () => accuracies(page), (a) => a.graph_reg > 0, 10_000);
  await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}graphs-cora.png`), fullPage: true });
  const coraNative = nativeAccuracies(native(['train', '--builtin', 'cora-graph-reg', '--data-dir', '../shared/data/cora', '--seed', '0']));
  assert.deepEqual(cora, coraNative, 'Cora in the browser is nsl train --builtin cora-graph-reg');
  results.cora = { browser: cora, native: coraNative };
  console.log(`ok - cora: ${JSON.stringify(results.cora)}`);

  // ---- Cora's papers joined by their words (a node table's rows) ----------------------------
  await watchBuilding(page);
  await page.check('#build-graph');
  const words = await until('cora: the words graph', () => figures(page), (f) => f !== null, 120_000);
  assert.ok(words.edges > 1000, `papers sharing their vocabulary: ${words.edges} edges`);
  const wordsNative = (await builtAlikeNatively(page, words, 'graphs-cora-words-spec.json', { rows: 'planetoid', embedding: 'raw' })).built;
  await page.locator('#graph-builder').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}graphs-cora-words.png`), fullPage: true });
  results.cora_words = { browser: words, native: wordsNative, heard: await page.evaluate(() => window.__building) };
  console.log(`ok - cora words graph: ${JSON.stringify(results.cora_words)}`);
  assert.deepEqual(problems, [], 'no console errors, no requests off 127.0.0.1');
} finally {
  await browser.close();
  server.close();
}
fs.writeFileSync(path.join(artifacts, `${browserPrefix()}graphs-results.json`), JSON.stringify(results, null, 2));
console.log('e2e graphs from data: all checks passed');
