// End-to-end test of the graph explorer in headless Chromium, on Cora from ../shared.
//
//   node tests/e2e/explorer.mjs DIST_DIR ARTIFACT_DIR CORA_DIR
//
// Loads cora.content, cora.cites and cora.split through the file input; measures how long the
// worker took to read and lay the graph out (Barnes–Hut) and how smoothly the page pans and zooms
// it (animation frames per second while the mouse drags and the wheel turns); builds a 2-hop
// sampling spec (10 and 10 neighbors), adds a root, samples, waits for the hop-by-hop animation
// to reach hop 2 and checks the extracted subgraph is drawn; checks the URL carries the sampling
// and a fresh page restores it; trains on the opened graph and then builds a graph from its
// node table (the papers joined by their words); exports TSV; and checks that a bad file set
// names file, line and reason and leaves Cora open.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { browserPrefix, inked, launchBrowser, openPage, progress, serve, setNumber, until } from './lib.mjs';

const [dist, artifacts, cora] = process.argv.slice(2);
if (!dist || !artifacts || !cora) throw new Error('usage: node explorer.mjs DIST_DIR ARTIFACT_DIR CORA_DIR');
fs.mkdirSync(artifacts, { recursive: true });
const coraFiles = ['cora.content', 'cora.cites', 'cora.split'].map((f) => path.join(cora, f));
const { server, origin } = await serve(dist);
const results = {};

const info = (page) => page.$eval('#graph-info', (e) => ({
  nodes: Number(e.dataset.nodes), edges: Number(e.dataset.edges), parseMs: Number(e.dataset.parseMs), layoutMs: Number(e.dataset.layoutMs),
})).catch(() => null);

async function openCora(page) {
  const t0 = Date.now();
  await page.setInputFiles('#graph-files', coraFiles);
  const opened = await until('Cora opened', () => info(page), (i) => i !== null && i.nodes === 2708, 60_000);
  await until('Cora drawn', () => page.$eval('#graph-viewer', (c) => Number(c.dataset.draws ?? 0)), (n) => n > 0, 10_000);
  return { ...opened, openSeconds: (Date.now() - t0) / 1000 };
}

const browser = await launchBrowser();
try {
  const problems = [];
  const { page } = await openPage(browser, problems, origin + '/', { viewport: { width: 1280, height: 1400 } });
  await until('first load', () => progress(page), (p) => p.status === 'idle', 60_000);

  // ---- open Cora --------------------------------------------------------------------------------
  const opened = await openCora(page);
  assert.equal(opened.edges, 5278, 'Cora has 5,278 distinct undirected edges');
  // A floor only (measured 0.7 s on a fast machine of this kind): speed is the benchmark's.
  assert.ok(opened.layoutMs <= 30_000, `the layout settles (${opened.layoutMs} ms)`);
  await page.locator('#graph-viewer').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}explorer-cora.png`), fullPage: true });
  const drawn = await inked(page, '#graph-viewer');
  assert.ok(drawn.inked > 0.05, `the graph is drawn ${JSON.stringify(drawn)} ${JSON.stringify(opened)}`);
  results.open = opened;
  console.log(`ok - Cora opened: ${JSON.stringify(opened)}`);

  // ---- pan and zoom: frames per second while the mouse drags and the wheel turns ---------------
  const viewer = page.locator('#graph-viewer');
  await viewer.scrollIntoViewIfNeeded();
  const box = await viewer.boundingBox();
  await page.evaluate(() => {
    window.__frames = [];
    const tick = (t) => { window.__frames.push(t); if (window.__frames.length < 100000) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const draws0 = Number(await viewer.getAttribute('data-draws'));
  const start = await page.evaluate(() => performance.now());
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 0; i < 90; i++) {
    const a = (i / 90) * 2 * Math.PI;
    await page.mouse.move(cx + 120 * Math.sin(a), cy + 80 * Math.sin(2 * a));
  }
  await page.mouse.up();
  for (let i = 0; i < 30; i++) await page.mouse.wheel(0, i < 15 ? -60 : 60);
  const end = await page.evaluate(() => performance.now());
  const frames = await page.evaluate(([s, e]) => window.__frames.filter((t) => t >= s && t <= e), [start, end]);
  const gaps = frames.slice(1).map((t, i) => t - frames[i]).sort((x, y) => x - y);
  const fps = ((frames.length - 1) * 1000) / (frames[frames.length - 1] - frames[0]);
  const draws = Number(await viewer.getAttribute('data-draws')) - draws0;
  const lastDrawMs = Number(await viewer.getAttribute('data-draw-ms'));
  results.pan_zoom = {
    seconds: (end - start) / 1000, frames_per_second: Math.round(fps * 10) / 10, redraws: draws,
    redraws_per_second: Math.round((draws * 1000) / (end - start)), p95_frame_ms: Math.round(gaps[Math.floor(gaps.length * 0.95)] ?? 0),
    longest_frame_ms: Math.round(gaps[gaps.length - 1] ?? 0), last_draw_ms: lastDrawMs,
  };
  console.log(`ok - pan/zoom on Cora: ${JSON.stringify(results.pan_zoom)}`);
  assert.ok(draws > 50, `the view followed the mouse (${draws} redraws)`);
  // A floor only (60 frames/s measured): a view that stops following the mouse fails it.
  assert.ok(fps >= 5, `the view keeps up while panning and zooming Cora (${fps.toFixed(1)} frames/s)`);
  await page.click('#viewer-fit');

  // ---- a 2-hop sampling spec, one root, the animation -----------------------------------------
  await setNumber(page, 'hop-1-size', 10);
  await setNumber(page, 'hop-2-size', 10);
  // The root: Cora's best-connected paper (its index is its line in cora.content).
  const ids = fs.readFileSync(coraFiles[0], 'utf8').trim().split('\n').map((l) => l.split('\t')[0]);
  const degree = new Map();
  for (const line of fs.readFileSync(coraFiles[1], 'utf8').trim().split('\n')) {
    for (const id of line.split('\t').slice(0, 2)) degree.set(id, (degree.get(id) ?? 0) + 1);
  }
  const hub = [...degree.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const root = String(ids.indexOf(hub));
  await page.fill('#sample-root-input', root);
  await page.press('#sample-root-input', 'Enter');
  await until('root added', () => page.getAttribute('#sample-roots', 'data-roots'), (r) => r === root, 10_000);
  const spec = JSON.parse(await page.textContent('#sampling-spec'));
  assert.deepEqual(spec.sampling_ops.map((o) => [o.op_name, o.input_op_names[0], o.sample_size, o.edge_set_name]),
    [['hop1', 'seed', 10, 'edges'], ['hop2', 'hop1', 10, 'edges']], 'TF-GNN spec, two hops of 10');
  await page.click('#sample-run');
  const summary = () => page.$eval('#sample-summary', (e) => ({ hop: Number(e.dataset.hop), maxHop: Number(e.dataset.maxHop), nodes: Number(e.dataset.nodes) })).catch(() => null);
  const first = await until('sampled', summary, (s) => s !== null, 10_000);
  assert.ok(first.hop < 2, 'the animation starts at the root');
  const sampled = await until('hop 2 shown', summary, (s) => s.hop === 2, 10_000);
  assert.equal(sampled.maxHop, 2, 'nodes reached at hop 2');
  assert.ok(sampled.nodes > 11 && sampled.nodes <= 1 + 10 + 100, `2-hop sample size ${sampled.nodes}: 10 first-hop neighbors of the hub and theirs`);
  assert.ok((await inked(page, '#subgraph-view')).inked > 0.01, 'the extracted subgraph is drawn');
  await page.locator('#explorer-title').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}explorer-cora-sampled.png`), fullPage: true });
  results.sample = { root: Number(root), root_degree: degree.get(hub), ...sampled };
  console.log(`ok - 2-hop sample of Cora: ${JSON.stringify(sampled)}`);

  // ---- the URL carries the sampling -------------------------------------------------------------
  const url = page.url();
  assert.ok(url.endsWith(`~hops=10r.10r~seeds=${root}~rng=0`), url);
  const again = await openPage(browser, problems, url);
  await until('reload', () => progress(again.page), (p) => p.status === 'idle', 60_000);
  await openCora(again.page);
  assert.equal(await again.page.getAttribute('#sample-roots', 'data-roots'), root, 'roots restored from the URL');
  assert.equal(Number(await again.page.inputValue('#hop-2-size')), 10, 'hops restored from the URL');
  await again.context.close();

  // ---- train on Cora: an MLP with graph regularization beside the same MLP without ------------
  await page.click('#graph-train');
  await until('Cora setup ready', () => progress(page), (p) => p.loaded === 'cora (loaded)' && p.status === 'idle' && p.step === 0, 120_000);
  await page.selectOption('#speed', '20');
  await page.click('#play');
  const trained = await until('Cora trained', () => progress(page), (p) => p.step >= 100 || ['failed', 'finished'].includes(p.status), 240_000);
  if (trained.status === 'running') await page.click('#play');
  const after = await until('Cora paused', () => progress(page), (p) => ['paused', 'finished'].includes(p.status), 60_000);
  assert.ok(after.last < after.first, `Cora: the loss fell (${after.first} → ${after.last})`);
  assert.ok((await inked(page, '#data-canvas')).colours > 8, 'Cora: the graph view shows predictions');
  await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}explorer-cora-trained.png`), fullPage: true });
  results.train = { steps: after.step, first_loss: after.first, last_loss: after.last };
  console.log(`ok - trained on the loaded Cora: ${JSON.stringify(results.train)}`);

  // ---- the opened table's papers joined by their words instead of their citations ------------
  await page.click('#build-graph');
  const words = await until('Cora: a graph from the words', () => page.evaluate(() => {
    const f = document.querySelector('#graph-figures');
    return f?.dataset.fingerprint ? {
      edges: Number(f.dataset.edges),
      homophily: document.querySelector('#graph-homophily').textContent,
      isolated: Number(document.querySelector('#graph-isolated').textContent.replace(/,/g, '')),
    } : null;
  }), (f) => f !== null, 120_000);
  // What an exact count over the 1,433-word rows gives at cosine ≥ 0.35 (the page's default).
  assert.deepEqual(words, { edges: 2653, homophily: '64.3%', isolated: 1180 }, 'the pairs of papers sharing their vocabulary');
  await page.locator('#graph-builder').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}explorer-cora-words.png`), fullPage: true });
  results.words = words;
  console.log(`ok - a graph built from the opened table: ${JSON.stringify(words)}`);

  // ---- export TSV; a bad file set keeps Cora open -------------------------------------------------
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#graph-export-tsv')]);
  const tsv = path.join(artifacts, `${browserPrefix()}cora-export.tsv`);
  await download.saveAs(tsv);
  const lines = fs.readFileSync(tsv, 'utf8').trim().split('\n');
  assert.ok(lines.length >= 5278 && /^\d+\t\d+/.test(lines[0]), `TSV export: ${lines.length} lines, first ${lines[0]}`);
  const bad = path.join(artifacts, `${browserPrefix()}bad`);
  fs.mkdirSync(bad, { recursive: true });
  fs.writeFileSync(path.join(bad, 'tiny.content'), 'a\t1\tx\nb\t0\ty\n');
  fs.writeFileSync(path.join(bad, 'tiny.cites'), 'a\tb\nb\tzz\n');
  await page.setInputFiles('#graph-files', [path.join(bad, 'tiny.content'), path.join(bad, 'tiny.cites')]);
  const error = await until('bad files refused', () => page.textContent('#graph-load-error').catch(() => null), (t) => t !== null, 30_000);
  assert.match(error, /tiny\.cites: line 2: unknown node id "zz"/);
  assert.equal((await info(page)).nodes, 2708, 'Cora stays open');
  results.bad_file_message = error;

  // ---- drag and drop: a small NSL graph TSV dropped on the card, then exported as JSON ---------
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.items.add(new File(['a\tb\t0.5\nb\tc\nc\ta\t2\n'], 'triangle.tsv', { type: 'text/tab-separated-values' }));
    const zone = document.querySelector('.dropzone');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  const dropped = await until('dropped file opened', () => info(page), (i) => i !== null && i.nodes === 3, 30_000);
  assert.equal(dropped.edges, 3);
  assert.match(await page.textContent('#graph-info'), /^triangle:/);
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('#graph-export-json')]);
  const jsonPath = path.join(artifacts, `${browserPrefix()}triangle-export.json`);
  await json.saveAs(jsonPath);
  const exported = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  assert.ok(JSON.stringify(exported).includes('"nodes"'), 'the JSON export holds the node set');

  // ---- markup as node ids: shown as text, never run -----------------------------------------------
  const markup = '<img src=x onerror="window.__pwned=1"><b id=pwned>x</b>';
  await page.evaluate((ids) => {
    const data = new DataTransfer();
    data.items.add(new File([`${ids[0]}\t${ids[1]}\t1\n${ids[1]}\tplain\n`], 'markup.tsv', { type: 'text/tab-separated-values' }));
    const zone = document.querySelector('.dropzone');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, [markup, `${markup}2`]);
  await until('markup ids opened', () => info(page), (i) => i !== null && i.nodes === 3, 30_000);
  await page.click('#graph-viewer', { position: { x: 20, y: 20 } });
  const injected = await page.evaluate(() => ({ flag: window.__pwned ?? null, element: document.getElementById('pwned') !== null, image: document.querySelector('img[src="x"]') !== null }));
  assert.deepEqual(injected, { flag: null, element: false, image: false }, 'node ids with markup are data, not markup');
  results.markup_ids = injected;
  assert.deepEqual(problems, [], 'no console errors, no requests off 127.0.0.1');
} finally {
  await browser.close();
  server.close();
}
fs.writeFileSync(path.join(artifacts, `${browserPrefix()}explorer-results.json`), JSON.stringify(results, null, 2));
console.log('e2e explorer: all checks passed');
