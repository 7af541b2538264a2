// End-to-end test of the graph editor in headless Chromium (CPU backend), with real mouse and
// keyboard events.
//
//   node tests/e2e/graph_editor.mjs DIST_DIR ARTIFACT_DIR
//
// Picks "Graph: draw your own", clears the starter drawing and draws two clusters of four
// nodes joined by one edge: clicks add nodes, Shift-drags connect them, keys 1/2 label one node
// per cluster for training and H holds one more per cluster out; the other four stay unlabeled.
// Checks undo/redo, delete, the help overlay and zoom, that the URL alone reproduces the
// drawing, then trains with graph regularization (one-hot features: only the graph tells the
// unlabeled nodes apart) and checks that every unlabeled node is predicted its cluster's class.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { browserPrefix, inked, launchBrowser, openPage, progress, serve, until } from './lib.mjs';

const [dist, artifacts] = process.argv.slice(2);
if (!dist || !artifacts) throw new Error('usage: node graph_editor.mjs DIST_DIR ARTIFACT_DIR');
fs.mkdirSync(artifacts, { recursive: true });
const { server, origin } = await serve(dist);

/** Every node of the node table: its role, label and prediction. */
const nodes = (page) => page.$$eval('#graph-nodes tbody tr', (rows) => rows.map((r) => ({
  node: Number(r.dataset.node), role: r.dataset.role, label: r.dataset.label, predicted: r.dataset.predicted,
})));

/** The editor canvas's box and a function from canvas pixels to page coordinates. */
async function canvasAt(page) {
  const canvas = page.locator('#graph-editor');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  const width = await canvas.evaluate((c) => c.width);
  const k = box.width / width;
  return (x, y) => [box.x + x * k, box.y + y * k];
}

const browser = await launchBrowser();
const results = {};
try {
  const problems = [];
  const { page } = await openPage(browser, problems, origin + '/', { viewport: { width: 1280, height: 1300 } });
  await until('first load', () => progress(page), (p) => p.status === 'idle', 60_000);
  await page.selectOption('#family', 'drawn');
  await until('the starter drawing', () => progress(page), (p) => p.loaded === 'drawn' && p.status === 'idle', 60_000);
  assert.equal((await nodes(page)).length, 8, 'the starter drawing has 8 nodes');

  await page.click('#graph-clear');
  await until('cleared', () => nodes(page), (n) => n.length === 0, 10_000);
  // The canvas moves when messages above it change: find it again before each gesture.
  const click = async (x, y) => page.mouse.click(...(await canvasAt(page))(x, y));
  // Two clusters: A = 0..3 on the left, B = 4..7 on the right (canvas pixels).
  const spots = [[90, 110], [170, 80], [130, 190], [220, 170], [380, 170], [460, 90], [430, 230], [520, 180]];
  // Each click must have added its node before the next one (the canvas may move).
  for (const [i, [x, y]] of spots.entries()) {
    await click(x, y);
    await until(`node ${i} drawn`, () => nodes(page), (n) => n.length === i + 1, 10_000);
  }
  const edgeCount = async () => Number((await page.textContent('#graph-counts')).match(/(\d+) edges/)[1]);
  const connect = async (a, b) => {
    const before = await edgeCount();
    const at = await canvasAt(page);
    await page.keyboard.down('Shift');
    await page.mouse.move(...at(...spots[a]));
    await page.mouse.down();
    await page.mouse.move(...at(...spots[b]), { steps: 6 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await until(`edge ${a}–${b} drawn`, edgeCount, (n) => n === before + 1, 10_000);
  };
  const edges = [[0, 1], [1, 2], [0, 2], [2, 3], [1, 3], [4, 5], [5, 6], [4, 6], [6, 7], [5, 7], [3, 4]];
  for (const [a, b] of edges) await connect(a, b);
  assert.equal(await edgeCount(), 11, '11 edges drawn');

  // Labels: click a node, then press keys (the canvas has the focus); wait for the role.
  const label = async (node, keys, role) => {
    await click(...spots[node]);
    for (const key of keys) await page.keyboard.press(key);
    await until(`node ${node} is ${role}`, () => nodes(page), (n) => n[node]?.role === role, 10_000);
  };
  await label(0, ['1'], 'train');
  await label(3, ['1', 'h'], 'test');
  await label(7, ['2'], 'train');
  await label(4, ['2', 'h'], 'test');
  const drawn = await until('labels given', () => nodes(page), (n) => n.filter((x) => x.role !== 'unlabeled').length === 4, 10_000);
  assert.deepEqual(drawn.map((n) => n.role), ['train', 'unlabeled', 'unlabeled', 'test', 'test', 'unlabeled', 'unlabeled', 'train']);
  assert.deepEqual(drawn.map((n) => n.label), ['0', '', '', '0', '1', '', '', '1']);

  // Undo, redo and delete on a ninth node; the help overlay; zoom and fit.
  await click(300, 350);
  await until('a ninth node', () => nodes(page), (n) => n.length === 9, 10_000);
  await page.keyboard.press('Control+z');
  await until('undone', () => nodes(page), (n) => n.length === 8, 10_000);
  await page.keyboard.press('Control+y');
  await until('redone', () => nodes(page), (n) => n.length === 9, 10_000);
  await click(300, 350);
  await page.keyboard.press('Delete');
  await until('deleted', () => nodes(page), (n) => n.length === 8, 10_000);
  await page.keyboard.press('?');
  assert.ok(await page.isVisible('#graph-help'), 'the help overlay opens with ?');
  assert.match(await page.textContent('#graph-help'), /Shift \+ drag/);
  await page.keyboard.press('Escape');
  assert.ok(!(await page.isVisible('#graph-help')), 'Escape closes it');
  await page.mouse.move(...(await canvasAt(page))(300, 200));
  const zoom = () => page.$eval('#graph-editor', (c) => c.dataset.zoom ?? null);
  const zoomBefore = await zoom();
  await page.mouse.wheel(0, -400);
  if (zoomBefore !== null) await until('zoomed in', zoom, (z) => z !== zoomBefore, 10_000);
  await page.click('#graph-fit');

  // The URL alone reproduces the drawing.
  const url = page.url();
  const again = await openPage(browser, problems, url);
  await until('reload', () => progress(again.page), (p) => p.loaded === 'drawn' && p.status === 'idle', 60_000);
  assert.deepEqual((await nodes(again.page)).map((n) => [n.role, n.label]), drawn.map((n) => [n.role, n.label]));
  await again.context.close();

  // Inspect node 0 (a training node) while it trains: its graph term's neighbors are 1 and 2.
  await page.mouse.click(...(await canvasAt(page))(...spots[0]));
  await until('inspector on node 0', () => page.getAttribute('#inspect-summary', 'data-node').catch(() => null), (n) => n === '0', 10_000);

  // Train with graph regularization until the epochs are done.
  await until('ready', () => progress(page), (p) => p.status === 'idle' && p.step === 0, 60_000);
  await page.selectOption('#speed', '10');
  await page.click('#play');
  const done = await until('trained', () => progress(page), (p) => p.status === 'finished' || p.status === 'failed', 120_000);
  assert.equal(done.status, 'finished', await page.textContent('#status'));
  assert.ok(done.last < done.first, `the loss fell (${done.first} → ${done.last})`);
  const trained = await nodes(page);
  const cluster = (n) => (n < 4 ? '0' : '1');
  for (const n of trained.filter((x) => x.role === 'unlabeled')) {
    assert.equal(n.predicted, cluster(n.node), `unlabeled node ${n.node} follows its cluster`);
  }
  const terms = await page.$$eval('#inspect-neighbors tbody tr', (rows) => rows.map((r) => [Number(r.dataset.node), Number(r.dataset.term)]));
  assert.deepEqual(terms.map((t) => t[0]).sort(), [1, 2], 'node 0\'s graph term holds its two neighbors');
  assert.ok(terms.every((t) => Number.isFinite(t[1]) && t[1] >= 0), JSON.stringify(terms));
  assert.ok((await inked(page, '#inspect-chart')).inked > 0.01, 'the terms over training are charted');
  results.inspected_terms = terms;
  await page.click('.node-table summary');
  await page.locator('#graph-editor').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}graph-editor.png`), fullPage: true });
  await page.locator('#inspector-title').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}graph-inspector.png`), fullPage: true });
  results.drawn = { steps: done.step, first_loss: done.first, last_loss: done.last, predictions: trained.map((n) => `${n.node}:${n.role}:${n.predicted}`) };
  console.log(`ok - drawn graph: ${JSON.stringify(results.drawn)}; node 0's terms ${JSON.stringify(terms)}`);

  // A GAT on the karate club: attribution heat and attention for an inspected node.
  await page.selectOption('#family', 'karate');
  await until('karate', () => progress(page), (p) => p.loaded === 'karate' && p.status === 'idle', 60_000);
  await page.selectOption('#model', 'Gat');
  await until('GAT ready', () => progress(page), (p) => p.status === 'idle' && p.step === 0, 60_000);
  await page.fill('#inspect-node', '33');
  await page.press('#inspect-node', 'Enter');
  await until('inspector on node 33', () => page.getAttribute('#inspect-summary', 'data-node').catch(() => null), (n) => n === '33', 10_000);
  await page.click('#play');
  await until('GAT trained a little', () => progress(page), (p) => p.step >= 40, 120_000);
  await page.click('#play');
  const explained = await until('attention explained', () => page.textContent('.inspector'), (t) => /attention/.test(t) && /integrated gradients/.test(t), 30_000);
  assert.match(explained, /Node 33/);
  await page.locator('#inspector-title').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}graph-gat-inspected.png`), fullPage: true });
  assert.deepEqual(problems, [], 'no console errors, no requests off 127.0.0.1');
  console.log('ok - GAT on the karate club: node 33 attributed, attention drawn');
} catch (e) {
  for (const context of browser.contexts()) {
    for (const [i, p] of context.pages().entries()) await p.screenshot({ path: path.join(artifacts, `${browserPrefix()}graph-editor-failure-${i}.png`), fullPage: true });
  }
  throw e;
} finally {
  await browser.close();
  server.close();
}
fs.writeFileSync(path.join(artifacts, `${browserPrefix()}graph-results.json`), JSON.stringify(results, null, 2));
console.log('e2e graph editor: all checks passed');
