// End-to-end test of a heterogeneous graph in the page (CPU backend), checked against native
// nsl.
//
//   NSL_BIN=path/to/nsl node tests/e2e/heterogeneous.mjs DIST_DIR ARTIFACT_DIR
//
// A learner picks "Heterogeneous graph: MAG-like": the graph is drawn with its four node sets
// and five edge sets, and the legend's boxes hide and show each set (the canvas reports what
// it drew). The model card names MtAlbis; "What each round updates" lists every node set each
// round updates and marks the updates that never reach the papers; a round picked is lit on the
// graph. The explorer opens the graph (and its JSON export) and samples it over every edge
// set, hop by hop. Trained to the last epoch, the page's test accuracy is `nsl train --spec`'s
// `last_test_acc` on the exported spec. Then Deep Graph Infomax beside, with the classification
// alone beside it: the loss chart gains DGI's curve, the accuracy chart DGI's accuracy, the
// what-if table both models, all as nsl computes them; and the GCN template updates the papers
// alone, over the citations.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { nslBinary, nslJson, browserPrefix, download, inked, launchBrowser, openPage, serve, settled, sleep, until, waitFor } from './lib.mjs';

const [dist, artifacts] = process.argv.slice(2);
if (!dist || !artifacts) throw new Error('usage: NSL_BIN=… node heterogeneous.mjs DIST_DIR ARTIFACT_DIR');
nslBinary();
fs.mkdirSync(artifacts, { recursive: true });
const { server, origin } = await serve(dist);
const prefix = browserPrefix();

/** What the canvas drew: nodes, edges, the lit round. */
const drawn = (page) => page.$eval('#typed-canvas', (c) => ({
  nodes: Number(c.dataset.drawnNodes), edges: Number(c.dataset.drawnEdges), round: c.dataset.round ?? null, lit: c.dataset.lit ?? null,
}));

/** The test accuracy the accuracy chart's caption gives, in percent. */
const captionAccuracy = async (page) => {
  const caption = await page.$$eval('.chart-values', (c) => c.at(-1).textContent);
  return { caption, test: Number(caption.match(/test ([\d.]+)%/)[1]) };
};

const browser = await launchBrowser();
try {
  const problems = [];
  const { page } = await openPage(browser, problems, origin + '/', { viewport: { width: 1280, height: 1800 } });
  await waitFor(page, 'first load', (p) => p.status === 'idle' && p.loaded === 'moons', 60_000);
  await page.selectOption('#family', 'mag');
  await settled(page, 'mag');
  assert.equal(await page.$('#data-canvas'), null, 'a heterogeneous graph has a view of its own');
  const label = await page.getAttribute('#typed-canvas', 'aria-label');
  const [, nodes, edges] = label.match(/^(\d+) nodes of 4 node sets, (\d+) edges of 5 edge sets$/).map(Number);
  assert.equal(nodes, 1000 + 600 + 30 + 60);
  assert.match(await page.textContent('#hetero-model'), /MtAlbis, 2 rounds of 32 units/);
  const all = await until('drawn', () => drawn(page), (d) => d.nodes === nodes, 10_000);
  assert.ok((await inked(page, '#typed-canvas')).inked > 0.05, 'the graph is drawn');
  // `written` reverses `writes` edge for edge: drawn once, as the lines of `writes`.
  const count = async (set) => Number((await page.textContent(`label:has(#edge-set-${set})`)).match(/, (\d+)/)[1]);
  const [writes, cites, affiliated] = [await count('writes'), await count('cites'), await count('affiliated_with')];
  assert.match(await page.textContent('label:has(#edge-set-written)'), /the lines of writes, reversed/);
  assert.equal(all.edges, edges - writes, 'every edge set drawn, `written` over `writes`');

  // The legend filters: authors hidden take their nodes and every edge set that touches them.
  await page.click('#node-set-author');
  const noAuthors = await until('authors hidden', () => drawn(page), (d) => d.nodes === nodes - 600, 5_000);
  assert.equal(noAuthors.edges, all.edges - writes - affiliated, 'writes and affiliated_with go with the authors');
  await page.click('#edge-set-cites');
  const noCites = await until('citations hidden', () => drawn(page), (d) => d.edges === noAuthors.edges - cites, 5_000);
  await page.screenshot({ path: path.join(artifacts, `${prefix}typed-filtered.png`), clip: await page.locator('#typed-graph').boundingBox() });
  await page.click('#node-set-author');
  await page.click('#edge-set-cites');
  await until('all shown again', () => drawn(page), (d) => d.nodes === all.nodes && d.edges === all.edges, 5_000);

  // The rounds: every node set that receives messages is updated in each round; updates that
  // cannot reach the papers are marked.
  const rounds = await page.$$eval('#rounds-view ol.rounds > li', (items) => items.map((li) => ({
    updated: [...li.querySelectorAll('li strong')].map((s) => s.textContent),
    unread: [...li.querySelectorAll('li.unread strong')].map((s) => s.textContent),
  })));
  assert.deepEqual(rounds.map((r) => r.updated), [['author', 'field_of_study', 'institution', 'paper'], ['author', 'field_of_study', 'institution', 'paper']]);
  assert.deepEqual(rounds[0].unread, ['field_of_study', 'institution'], 'round 1: fields and institutions send nothing on to papers');
  assert.deepEqual(rounds[1].unread, ['author', 'field_of_study', 'institution'], 'after the last round only the papers are read');
  await page.click('#rounds-view button.round >> nth=0');
  // A round lit shows its updates that reach the papers: in round 1 the authors' and the
  // papers', in round 2 the papers' alone.
  await until('round 1 lit', () => drawn(page), (d) => d.round === '1' && d.lit === 'author,paper', 5_000);
  await page.screenshot({ path: path.join(artifacts, `${prefix}typed-round-1.png`), clip: await page.locator('#typed-graph').boundingBox() });
  await page.click('#rounds-view button.round >> nth=1');
  await until('round 2 lit', () => drawn(page), (d) => d.round === '2' && d.lit === 'paper', 5_000);
  await page.click('#rounds-view button.round >> nth=1');
  await until('no round lit', () => drawn(page), (d) => d.round === null, 5_000);

  // The explorer opens the heterogeneous graph and samples it with TF-GNN's spec over several
  // edge sets, hop by hop, each edge set in its own colour; its JSON opens again from the file.
  await page.click('#graph-open-current');
  await until('explorer: opened', () => page.$eval('#graph-info', (e) => Number(e.dataset.nodes)).catch(() => 0), (n) => n === nodes, 60_000);
  assert.equal(await page.textContent('#sampling-summary'),
    'Seed op over node set "paper"; each hop samples every edge set that leaves a node set the hop before reached: hop 1: cites, has_topic, written; hop 2: affiliated_with, cites, has_topic, writes, written.');
  const [firstPaper] = (await page.textContent('label[for="sample-root-input"]')).match(/paper nodes: (\d+) to (\d+)/).slice(1).map(Number);
  assert.equal(firstPaper, 600 + 30 + 60, 'papers follow authors, fields and institutions');
  for (const root of [firstPaper + 5, firstPaper + 700]) {
    await page.fill('#sample-root-input', String(root));
    await page.press('#sample-root-input', 'Enter');
  }
  await until('two roots', () => page.getAttribute('#sample-roots', 'data-roots'), (r) => r === `${firstPaper + 5},${firstPaper + 700}`, 5_000);
  await page.click('#sample-run');
  const sampledSets = await until('sampled', () => page.$$eval('#sample-edge-sets span', (s) => Object.fromEntries(s.map((e) => [e.dataset.edgeSet, Number(e.dataset.sampled)]))),
    (s) => Object.keys(s).length === 5, 10_000);
  // Two roots, fanouts of 5 and 5: each root's citations, topics and authors, then theirs.
  for (const set of ['cites', 'has_topic', 'written', 'writes', 'affiliated_with']) assert.ok(sampledSets[set] > 0, `${set} sampled: ${JSON.stringify(sampledSets)}`);
  await until('every hop shown', () => page.$eval('#sample-summary', (e) => Number(e.dataset.hop)), (h) => h === 2, 5_000);
  await page.locator('section.explorer').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${prefix}typed-explorer.png`), clip: await page.locator('section.explorer').boundingBox() });
  const exported = await download(page, '#graph-export-json', artifacts, 'mag.json');
  await page.setInputFiles('#graph-files', exported);
  await until('explorer: JSON reopened', () => page.$eval('#graph-info', (e) => [e.textContent, Number(e.dataset.nodes)]).catch(() => ['', 0]),
    ([text, n]) => n === nodes && /^mag:/.test(text), 60_000);
  assert.match(await page.textContent('#sampling-summary'), /hop 1: cites, has_topic, written/);

  // Trained to the last epoch, as nsl trains it.
  await page.selectOption('#speed', '10');
  await page.click('#play');
  await waitFor(page, 'MtAlbis: trained', (p) => p.status === 'finished', 300_000);
  await page.locator('#typed-graph').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${prefix}typed-trained.png`), fullPage: true });
  const plain = await captionAccuracy(page);
  const specPath = await download(page, '#export-spec', artifacts, 'heterogeneous-spec.json');
  const native = nslJson(['train', '--spec', specPath]);
  // 500 test papers: the same training in wasm and natively, sums in another order may flip one.
  assert.ok(Math.abs(plain.test - 100 * native.base.last_test_acc) <= 0.41, `page ${plain.test}% vs nsl ${native.base.last_test_acc}`);
  assert.ok(plain.test > 60, `MtAlbis learns the venues: ${plain.test}% (chance 12.5%)`);

  // Deep Graph Infomax beside: its loss and accuracy charted, as nsl computes them; the
  // classification alone trains beside it (the what-if), as nsl trains the pair.
  await page.click('#dgi');
  await settled(page, 'DGI beside');
  assert.match(await page.textContent('label[for="compare"]'), /classification alone beside it/);
  // On unless the learner turned it off (the page keeps the choice across data sets).
  if (!(await page.isChecked('#compare'))) {
    await page.click('#compare');
    await settled(page, 'the classification alone beside');
  }
  await page.click('#play');
  await waitFor(page, 'MtAlbis with DGI: trained', (p) => p.status === 'finished', 300_000);
  const lossCaption = await page.$$eval('.chart-values', (c) => c.at(-2).textContent);
  const dgiLoss = Number(lossCaption.match(/Deep Graph Infomax ([\d.]+) \(unweighted\)/)[1]);
  assert.match(lossCaption, /\(classification alone: [\d.]+\)/, 'the base is named for what it lacks');
  const joint = await captionAccuracy(page);
  const dgiAcc = Number(joint.caption.match(/shuffled copy ([\d.]+)%/)[1]);
  const whatIf = Object.fromEntries(await page.$$eval('#whatif tbody tr', (rows) => rows.map((r) => [r.dataset.model, Number(r.querySelector('td').dataset.testAcc)])));
  assert.match(await page.textContent('#whatif caption'), /without and with Deep Graph Infomax beside/);
  const jointSpec = await download(page, '#export-spec', artifacts, 'heterogeneous-dgi-spec.json');
  const exportedJoint = JSON.parse(fs.readFileSync(jointSpec, 'utf8'));
  assert.deepEqual([exportedJoint.task, exportedJoint.compare_with_base], [{ kind: 'joint', classification_weight: 1, with: [{ kind: 'dgi', weight: 0.1 }] }, true]);
  const nativeJoint = nslJson(['train', '--spec', jointSpec]);
  assert.ok(Math.abs(dgiAcc - 100 * nativeJoint.dgi.last_dgi_acc) <= 0.2, `DGI accuracy: page ${dgiAcc}% vs nsl ${nativeJoint.dgi.last_dgi_acc}`);
  assert.ok(Math.abs(joint.test - 100 * nativeJoint.dgi.last_test_acc) <= 0.41, `page ${joint.test}% vs nsl ${nativeJoint.dgi.last_test_acc}`);
  assert.ok(Math.abs(whatIf.dgi - nativeJoint.dgi.last_test_acc) <= 0.0041, `what-if, with DGI: page ${whatIf.dgi} vs nsl ${nativeJoint.dgi.last_test_acc}`);
  assert.ok(Math.abs(whatIf.base - nativeJoint.base.last_test_acc) <= 0.0041, `what-if, alone: page ${whatIf.base} vs nsl ${nativeJoint.base.last_test_acc}`);
  assert.ok(Math.abs(whatIf.base - plain.test / 100) <= 0.0041, `the classification alone is the first run again: ${whatIf.base} vs ${plain.test}%`);
  assert.ok(dgiLoss < 0.69, `DGI's loss fell below ln 2 (telling real from shuffled by chance): ${dgiLoss}`);
  await page.screenshot({ path: path.join(artifacts, `${prefix}typed-dgi.png`), fullPage: true });

  // The GCN template: papers alone, over the citations.
  await page.selectOption('#hetero-template', 'GcnOnCitations');
  await settled(page, 'GCN template');
  const gcnRounds = await page.$$eval('#rounds-view ol.rounds > li li', (items) => items.map((li) => li.textContent));
  assert.deepEqual(gcnRounds, ['paper ← messages over cites', 'paper ← messages over cites']);
  const results = { drawn: { all, noAuthors, noCites }, rounds, sampledSets, plain: { page: plain, native: native.base }, dgi: { test: joint.test, dgiAcc, dgiLoss, whatIf, native: nativeJoint } };
  fs.writeFileSync(path.join(artifacts, `${prefix}heterogeneous.json`), JSON.stringify(results, null, 2));
  console.log(`ok - MAG-like: ${nodes} nodes, ${edges} edges drawn and filtered; sampled over ${Object.keys(sampledSets).length} edge sets (${JSON.stringify(sampledSets)}); MtAlbis test ${plain.test}% (nsl last epoch ${(100 * native.base.last_test_acc).toFixed(1)}%); with DGI ${joint.test}% (nsl ${(100 * nativeJoint.dgi.last_test_acc).toFixed(1)}%) beside the classification alone ${(100 * whatIf.base).toFixed(1)}% (nsl ${(100 * nativeJoint.base.last_test_acc).toFixed(1)}%), DGI accuracy ${dgiAcc}% (nsl ${(100 * nativeJoint.dgi.last_dgi_acc).toFixed(2)}%)`);
  assert.deepEqual(problems, [], `no page problems: ${problems.join('\n')}`);
} finally {
  await sleep(0);
  await browser.close();
  server.close();
}
