// End-to-end test of the views inside the models and of the learner's own points, in a headless
// browser (CPU backend).
//
//   node tests/e2e/inside_models.mjs DIST_DIR ARTIFACT_DIR
//
// On the opening two moons: adds two points of a third class with the mouse, drags one
// elsewhere, erases the other (the exported spec has them where they were put); turns on x₁²;
// the network view draws every neuron (3 + 8 + 8 + 3 for x₁, x₂, x₁², two hidden layers of 8
// and three classes) with ink, hovering one shows it large with its formula; training changes
// the hidden neurons' maps. Then a CSV of x,y,label pasted (and a bad one, whose message names
// the line), blobs with four classes. Cost: the 2D training rate with the network view drawn
// and the longest main-thread task while it trains are printed, held to a third of the
// issue's figures (300 steps/s, 50 ms) so a three-times-slower machine still passes. Digits:
// an MLP's first 16 hidden units drawn as their weight images, all changing as it trains; a
// CNN's feature maps (8 and 16 channels), following the digit picked. (The images show what
// training changed in the weights — blank before the first step — or, unticked, the weights.) A GCN on the karate club:
// its node embeddings after each layer drawn and moving as it trains; node 0's step-through of
// each layer — every coefficient w / √(d̂ᵤ d̂ᵥ) from the weights and degrees shown, the terms
// adding up to the state the model computed.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { browserPrefix, download, inked, launchBrowser, openPage, progress, serve, setNumber, settled, sleep, until, waitFor } from './lib.mjs';

const [dist, artifacts] = process.argv.slice(2);
if (!dist || !artifacts) throw new Error('usage: node inside_models.mjs DIST_DIR ARTIFACT_DIR');
fs.mkdirSync(artifacts, { recursive: true });
const { server, origin } = await serve(dist);
const prefix = browserPrefix();

/** The point of the plane (x, y in [-1.25, 1.25]) on the canvas `#id`, in page pixels. */
async function at(page, id, x, y) {
  const box = await page.locator(`#${id}`).boundingBox();
  return { x: box.x + ((x + 1.25) / 2.5) * box.width, y: box.y + ((1.25 - y) / 2.5) * box.height };
}

/** Every neuron tile's pixels, as one fingerprint per tile (sum of channels). */
const tiles = (page) => page.$$eval('#network-diagram button.neuron canvas', (canvases) => canvases.map((c) => {
  const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
  let sum = 0;
  let ink = 0;
  for (let i = 0; i < data.length; i += 4) {
    sum += data[i] + data[i + 1] + data[i + 2];
    if (data[i] + data[i + 1] + data[i + 2] < 720) ink += 1;
  }
  return { sum, ink: ink / (data.length / 4) };
}));

/** One fingerprint per canvas matching `selector` (a weighted sum of its pixels). */
const pictures = (page, selector) => page.$$eval(selector, (canvases) => canvases.map((c) => {
  const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += data[i] * 3 + data[i + 1] * 5 + data[i + 2] * 7;
  return sum;
}));

/** The spec the page exports. */
async function exported(page, file) {
  return JSON.parse(fs.readFileSync(await download(page, '#export-spec', artifacts, file), 'utf8'));
}

const browser = await launchBrowser();
const results = {};
try {
  const problems = [];
  const { page } = await openPage(browser, problems, origin + '/', { viewport: { width: 1280, height: 1600 } });
  await waitFor(page, 'first load', (p) => p.status === 'idle' && p.loaded === 'moons', 60_000);

  // ---- your own points: add, move, erase with the mouse ----------------------------------
  await page.click('#point-add');
  await page.click('#point-class-2');
  const a = await at(page, 'data-canvas', 0.9, 0.9);
  await page.mouse.click(a.x, a.y);
  await settled(page, 'first added point');
  assert.equal(await page.inputValue('#family'), 'points', 'the first edit makes the moons your own points');
  await page.click('#point-class-2');
  const b = await at(page, 'data-canvas', -0.9, -0.9);
  await page.mouse.click(b.x, b.y);
  await settled(page, 'second added point');
  let count = await page.textContent('#own-points-count');
  assert.match(count, /^202 training and 200 test points of 3 classes/, count);

  await page.click('#point-move');
  const to = await at(page, 'data-canvas', 0.6, -1.0);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 10 });
  await page.mouse.up();
  await settled(page, 'moved point');
  await page.click('#point-erase');
  await page.mouse.click(b.x, b.y);
  await settled(page, 'erased point');
  count = await page.textContent('#own-points-count');
  assert.match(count, /^201 training and 200 test points of 3 classes/, count);
  const placed = (await exported(page, `${prefix}inside-points.json`)).data;
  assert.equal(placed.kind, 'points');
  const third = placed.train.filter((p) => p[2] === 2);
  assert.equal(third.length, 1, `one point of the third class is left: ${JSON.stringify(third)}`);
  assert.ok(Math.abs(third[0][0] - 0.6) < 0.03 && Math.abs(third[0][1] + 1.0) < 0.03, `moved where it was dropped: ${third[0]}`);
  results.points = { train: placed.train.length, test: placed.test.length, moved: third[0] };
  console.log(`ok - points added, moved and erased with the mouse: ${JSON.stringify(results.points)}`);

  // ---- x₁² on, the network drawn ----------------------------------------------------------
  await page.click('#point-look');
  await page.check('#input-x1_squared');
  await settled(page, 'x₁² on');
  const spec = await exported(page, `${prefix}inside-x1-squared.json`);
  assert.deepEqual(spec.model.inputs, ['x1', 'x2', 'x1_squared']);
  const neurons = await until('the network view', () => page.$$eval('#network-diagram button.neuron', (b) => b.length), (n) => n === 3 + 8 + 8 + 3, 30_000);
  const before = await until('neuron maps painted', () => tiles(page), (t) => t.length === neurons && t.every((x) => x.ink > 0), 10_000);
  const labels = await page.$$eval('#network-diagram button.neuron', (b) => b.map((x) => x.getAttribute('aria-label')));
  assert.equal(labels[2], 'Input feature x₁²');
  assert.equal(labels.at(-1), 'Output: probability of green');
  await page.hover('#network-diagram button.neuron >> nth=5');
  const detail = await until('hovered neuron shown large', () => page.textContent('#neuron-detail h3'), (t) => t === 'Hidden layer 1, neuron 3', 5_000);
  const formula = await page.textContent('#neuron-detail');
  assert.match(formula, /tanh\(Σⱼ wⱼ·inⱼ \+ b\)/, formula);
  assert.match(formula, /Strongest inputs: (x₁|x₂|x₁²) \([+-]\d/, formula);
  assert.ok((await inked(page, '#neuron-detail canvas')).inked > 0.2, 'the large map is painted');
  console.log(`ok - network drawn: ${neurons} neurons, each with ink; hovered: ${detail}`);

  // ---- train: the hidden maps change; cost of the views ------------------------------------
  // Epochs enough that the measuring window ends long before the run does (201 points in
  // batches of 32: 7 steps an epoch; 7,000 steps once took under 3 s).
  await setNumber(page, 'epochs', 5000);
  await page.selectOption('#speed', '10');
  await settled(page, 'a long run');
  const start = await page.evaluate(() => {
    // Gaps between animation frames while it trains (a frame the page could not paint shows
    // as a long gap).
    window.__frames = [];
    const frame = (t) => { window.__frames.push(t); if (window.__frames.length < 100_000) requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
    return performance.now();
  });
  await page.click('#play');
  await waitFor(page, 'warm-up', (p) => p.step >= 100, 60_000);
  const w = { p: await progress(page), t: Date.now(), at: await page.evaluate(() => performance.now()) };
  await sleep(3000);
  const later = await progress(page);
  const windowEnd = await page.evaluate(() => performance.now());
  assert.equal(later.status, 'running', 'still training when the window closes');
  const stepsPerSecond = ((later.step - w.p.step) * 1000) / (Date.now() - w.t);
  await page.click('#play');
  await waitFor(page, 'pause', (p) => ['paused', 'finished'].includes(p.status), 30_000);
  const end = await page.evaluate(() => performance.now());
  const longest = await page.evaluate(([s, e]) => Math.max(0, ...window.__longTasks.filter((t) => t.start >= s && t.start <= e).map((t) => t.duration)), [start, end]);
  // Frames over the measuring window, while it trains steadily.
  const frameGap = await page.evaluate(([s, e]) => {
    const times = window.__frames.filter((t) => t >= s && t <= e);
    const gaps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
    return { frames: times.length, p95: gaps[Math.floor(gaps.length * 0.95)] ?? 0, max: gaps.at(-1) ?? 0 };
  }, [w.at, windowEnd]);
  const after = await tiles(page);
  const hidden = after.slice(3, 3 + 16);
  const changed = hidden.filter((t, i) => t.sum !== before[3 + i].sum).length;
  assert.ok(changed >= 12, `hidden maps change with training: ${changed} of 16`);
  assert.deepEqual(after.slice(0, 3).map((t) => t.sum), before.slice(0, 3).map((t) => t.sum), 'the input features do not train');
  results.cost = { stepsPerSecond: Math.round(stepsPerSecond), longestTaskMs: Math.round(longest), frameGapMs: frameGap };
  console.log(`measured - 2D training with the network view: ${stepsPerSecond.toFixed(0)} steps/s; longest main-thread task ${longest.toFixed(0)} ms (tasks over 50 ms only are reported; 0: none); frames ${frameGap.frames}, gap p95 ${frameGap.p95.toFixed(1)} ms, longest ${frameGap.max.toFixed(1)} ms`);
  assert.ok(stepsPerSecond >= 100, `2D rate with the views: ${stepsPerSecond.toFixed(0)} steps/s (issue: ≥ 300 on this machine; floor a third of it)`);
  assert.ok(longest <= 150, `longest frame while training: ${longest.toFixed(0)} ms (issue: ≤ 50 ms on this machine; ceiling three times it)`);
  await page.locator('#network-title').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${prefix}inside-network.png`), fullPage: true });

  // ---- a CSV pasted; a bad one named --------------------------------------------------------
  await page.click('#points-csv-open');
  await page.fill('#points-csv', 'x,y,label\n0.5,0.5,0\n-0.5,-0.5,1\n0.5,-0.5,2\n-0.5,0.5,3\n0.6,0.6,0\n');
  await page.click('#points-csv-read');
  await settled(page, 'CSV points');
  count = await page.textContent('#own-points-count');
  assert.match(count, /^4 training and 1 test points of 4 classes/, count);
  await page.fill('#points-csv', '0,0,0\n1,oops,1\n');
  await page.click('#points-csv-read');
  const error = await until('CSV error', () => page.textContent('#points-csv-error').catch(() => ''), (t) => t.length > 0, 5_000);
  assert.equal(error, 'pasted points: line 2: x and y are numbers, not "1" and "oops"');
  assert.match(await page.textContent('#own-points-count'), /^4 training/, 'a bad CSV changes nothing');
  console.log(`ok - CSV read (4 classes); a bad one: ${error}`);

  // ---- blobs with four classes -------------------------------------------------------------
  await page.selectOption('#family', 'blobs');
  await settled(page, 'blobs');
  await page.fill('#classes', '4');
  await page.press('#classes', 'Enter');
  await settled(page, 'four blobs');
  await page.click('#play');
  await waitFor(page, 'four blobs train', (p) => p.step >= 200 || p.status === 'finished', 60_000);
  await page.click('#play');
  const outputs = await page.$$eval('#network-diagram button.neuron', (b) => b.filter((x) => x.getAttribute('aria-label').startsWith('Output')).length);
  assert.equal(outputs, 4, 'four classes, four outputs');
  const rows = await page.$$eval('#confusion tbody tr', (r) => r.length);
  assert.equal(rows, 4, 'a 4 × 4 confusion matrix');
  await page.screenshot({ path: path.join(artifacts, `${prefix}inside-blobs-4.png`), fullPage: true });
  console.log('ok - blobs with four classes: four outputs, a 4 × 4 confusion matrix');

  // ---- a GCN: embeddings layer by layer; one layer at a node, term by term ---------------------
  await page.selectOption('#family', 'karate');
  await settled(page, 'karate');
  await page.selectOption('#model', 'Gcn');
  await settled(page, 'GCN on karate');
  await until('embeddings drawn', () => page.$$eval('.embedding-layers canvas', (c) => c.length), (n) => n === 2, 30_000);
  const scatter = () => pictures(page, '.embedding-layers canvas');
  const spread = await scatter();
  assert.ok((await inked(page, '#embedding-layer-1')).inked > 0.01, 'layer 1 embeddings drawn');
  await page.fill('#inspect-node', '0');
  await page.press('#inspect-node', 'Enter');
  await until('the step-through', () => page.$('#layer-step'), (e) => e !== null, 20_000);
  /** The step-through as shown: the receiver's degree, every term's figures, both h′ᵥ. */
  const shown = () => page.evaluate(() => {
    const step = document.querySelector('#layer-step');
    const values = (id) => document.querySelector(id).dataset.values.split(' ').map(Number);
    return {
      layer: Number(step.dataset.layer),
      degree: Number(step.dataset.degree),
      terms: [...step.querySelectorAll('tr.term')].map((r) => ({
        from: Number(r.dataset.from), weight: Number(r.dataset.weight),
        senderDegree: Number(r.dataset.senderDegree), coefficient: Number(r.dataset.coefficient),
      })),
      update: values('#step-update'),
      state: values('#step-state'),
      more: step.textContent.includes('more neighbors'),
    };
  });
  const checkStep = (step, what) => {
    // Mr. Hi has 16 friends: his self loop and 11 friends are rows, the rest are in the sums.
    assert.equal(step.terms.length, 12, `${what}: the first 12 terms shown`);
    assert.ok(step.more, `${what}: the other friends are named as in the sums`);
    assert.deepEqual([step.terms[0].from, step.terms[0].weight], [0, 1], `${what}: the self loop first`);
    // Every coefficient is w / √(d̂ᵤ d̂ᵥ), and d̂ᵥ is the self loop plus the 16 edge weights.
    assert.ok(Math.abs(step.degree - 17) < 1e-4, `${what}: d̂ᵥ = 1 + 16 = ${step.degree}`);
    for (const t of step.terms) {
      const expected = t.weight / Math.sqrt(t.senderDegree * step.degree);
      assert.ok(Math.abs(t.coefficient - expected) < 1e-6, `${what}: coefficient from ${t.from}: ${t.coefficient} vs ${expected}`);
    }
    // The terms' sum, bias and activation are what the model computed.
    assert.equal(step.update.length, step.state.length);
    step.update.forEach((u, k) => assert.ok(Math.abs(u - step.state[k]) < 1e-4 * (1 + Math.abs(u)), `${what}: unit ${k}: ${u} vs ${step.state[k]}`));
  };
  const layer1 = await shown();
  assert.equal(layer1.layer, 0);
  checkStep(layer1, 'layer 1');
  await page.click('#step-layer-2');
  const layer2 = await until('layer 2 shown', shown, (s) => s.layer === 1, 5_000);
  checkStep(layer2, 'layer 2');
  assert.equal(layer2.state.length, 2, 'the output layer: two factions');
  await page.click('#play');
  await waitFor(page, 'GCN trains', (p) => p.step >= 60 || p.status === 'finished', 60_000);
  await page.click('#play');
  await waitFor(page, 'GCN pause', (p) => ['paused', 'finished'].includes(p.status), 30_000);
  const layersMoved = await until('embeddings move', scatter, (now) => now.some((v, i) => v !== spread[i]), 10_000);
  checkStep(await shown(), 'layer 2 after training');
  results.gcn = { degree: layer1.degree, terms: layer1.terms.length, selfLoop: layer1.terms[0].coefficient, embeddingsMoved: layersMoved.length };
  await page.locator('#layer-step').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${prefix}inside-gcn-step.png`), fullPage: true });
  console.log(`ok - GCN on karate: embeddings of ${layersMoved.length} layers move; node 0's terms add up to the model's state in both layers (d̂ = ${layer1.degree})`);

  // ---- digits: an MLP's first layer as images, a CNN's feature maps of a chosen digit --------
  await page.selectOption('#family', 'digits');
  await settled(page, 'digits');
  await until('first-layer images', () => page.$$eval('.first-layer canvas', (c) => c.length), (n) => n === 16, 30_000);
  const untrained = await pictures(page, '.first-layer canvas');
  assert.equal((await inked(page, '.first-layer canvas >> nth=0')).inked, 0, 'nothing changed before the first step: blank');
  await page.click('#play');
  await waitFor(page, 'digits train', (p) => p.step >= 40, 60_000);
  await page.click('#play');
  await waitFor(page, 'digits pause', (p) => p.status === 'paused', 30_000);
  const trained = await until('first-layer images redrawn', () => pictures(page, '.first-layer canvas'), (t) => t.some((v, i) => v !== untrained[i]), 10_000);
  const moved = trained.filter((v, i) => v !== untrained[i]).length;
  assert.equal(moved, 16, `every unit's image changes as it learns: ${moved}`);
  const strokes = (await inked(page, '.first-layer canvas >> nth=0')).inked;
  assert.ok(strokes > 0.2, `what training changed is drawn: ${strokes}`);
  await page.locator('#digit-views-title').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${prefix}inside-mlp-digits.png`), fullPage: true });
  await page.click('#first-layer-changes');
  await until('the weights as they are', () => page.textContent('#digit-views-title'), (t) => t.includes('weights'), 5_000);
  const raw = await until('raw weights drawn', () => pictures(page, '.first-layer canvas'), (t) => t.every((v, i) => v !== trained[i]), 5_000);
  assert.ok((await inked(page, '.first-layer canvas >> nth=0')).inked > 0.5, 'the weights themselves: noise-like ink everywhere');
  await page.click('#first-layer-changes');
  assert.equal(raw.length, 16);

  await page.selectOption('#model', 'Cnn');
  await settled(page, 'CNN');
  const blocks = await until('feature maps', () => page.evaluate(() => [1, 2].map((b) => document.querySelectorAll(`#block-${b} canvas`).length)),
    (n) => n[0] > 0 && n[1] > 0, 60_000);
  assert.deepEqual(blocks, [8, 16], 'the preset CNN: 8 then 16 channels');
  const first = await pictures(page, '#block-1 canvas, #block-2 canvas');
  assert.ok(first.filter((v, i) => v !== first[0]).length > 4, 'the channels respond differently');
  assert.equal(await page.getAttribute('#digit-0', 'aria-checked'), 'true');
  await page.click('#digit-3');
  const other = await until('maps of digit 4', () => pictures(page, '#block-1 canvas, #block-2 canvas'), (m) => m.some((v, i) => v !== first[i]), 10_000);
  assert.equal(await page.getAttribute('#digit-3', 'aria-checked'), 'true');
  results.digits = { firstLayerChanged: moved, blocks, mapsChangedWithDigit: other.filter((v, i) => v !== first[i]).length };
  await page.locator('#digit-views-title').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${prefix}inside-cnn-maps.png`), fullPage: true });
  console.log(`ok - digits: ${moved} first-layer images changed by training; CNN blocks ${blocks}, maps follow the chosen digit`);

  assert.deepEqual(problems, [], 'no console errors, failed requests or page errors');
  fs.writeFileSync(path.join(artifacts, `${prefix}inside-models.json`), JSON.stringify(results, null, 2));
} finally {
  await browser.close();
  server.close();
}
