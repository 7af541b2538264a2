// End-to-end test of the adversary and robustness cards in headless Chromium (CPU backend).
//
//   NSL_BIN=path/to/nsl node tests/e2e/adversary.mjs DIST_DIR ARTIFACT_DIR
//
// 2D: trains the two moons, checks the arrows to the adversarial points are drawn and that a
// larger ε (dragging the slider with the mouse) moves more test points to the other class.
// Digits: trains the MLP beside its base model, drags the ε slider to 0 (the adversarial digit
// is the original, predictions equal) and to its end (the prediction changes), tries PGD and the
// VAT direction, measures the robustness curves in the worker (progress bar, chart drawn),
// exports them as CSV and PNG and the spec as JSON, then runs `nsl train --spec` on that spec
// natively and checks every point of the browser's curves equals the native one.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserPrefix, download, drag, inked, launchBrowser, openPage, serve, setNumber, until, waitFor } from './lib.mjs';

const [dist, artifacts] = process.argv.slice(2);
if (!dist || !artifacts) throw new Error('usage: NSL_BIN=… node adversary.mjs DIST_DIR ARTIFACT_DIR');
const nsl = process.env.NSL_BIN;
if (!nsl || !fs.existsSync(nsl)) throw new Error(`NSL_BIN must name the nsl binary (got ${nsl})`);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
fs.mkdirSync(artifacts, { recursive: true });
const { server, origin } = await serve(dist);
const results = {};


/** What the adversary card shows for one model's digit. */
const digitProbe = (page, variant) => page.evaluate((v) => {
  const top = (id) => document.querySelector(`#probe-${v}-${id}`)?.dataset.top ?? null;
  return {
    original: top('original-top'),
    adversarial: top('adversarial-top'),
    deltaNorm: Number(document.querySelector(`#probe-${v}-delta-figure`)?.dataset.deltaNorm ?? NaN),
  };
}, variant);


const browser = await launchBrowser();
try {
  const problems = [];
  const { page } = await openPage(browser, problems, origin + '/', { viewport: { width: 1280, height: 1400 } });
  await waitFor(page, 'moons: first load', (p) => p.status === 'idle' && p.loaded === 'moons', 60_000);

  // ---- 2D: arrows to the adversarial points ------------------------------------------------
  await page.selectOption('#speed', '50');
  await page.click('#play');
  await waitFor(page, 'moons: training', (p) => p.step >= 400, 120_000);
  await page.click('#play');
  // On a loaded machine the run may reach its last step (800) before the click lands: a
  // finished run is as still as a paused one for what follows.
  await waitFor(page, 'moons: pause', (p) => p.status === 'paused' || p.status === 'finished', 30_000);
  const flipped = () => page.$eval('#probe-regularized-summary', (e) => Number(e.dataset.flipped));
  await setNumber(page, 'probe-epsilon', 0.05);
  const small = await until('moons: probe at ε 0.05', async () => (await page.$('#probe-regularized-summary')) && flipped(), (n) => n !== null && n !== false, 30_000);
  await drag(page, 'probe-epsilon', 0.6);
  const epsilon = Number(await page.inputValue('#probe-epsilon'));
  assert.ok(epsilon > 0.5, `the slider moved (ε ${epsilon})`);
  const large = await until('moons: probe at the larger ε', flipped, (n) => n > small, 30_000);
  const view = await inked(page, '#data-canvas');
  assert.ok(view.colours > 8, 'moons: the decision boundary with arrows is drawn');
  await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}adversary-moons.png`), fullPage: true });
  results.moons = { flipped_at_0_05: small, epsilon, flipped_at_epsilon: large };
  console.log(`ok - moons arrows: ${JSON.stringify(results.moons)}`);

  // ---- digits: the perturbation, live -------------------------------------------------------
  await page.selectOption('#family', 'digits');
  await waitFor(page, 'digits: load', (p) => p.loaded === 'digits' && p.status === 'idle' && p.step === 0, 60_000);
  await setNumber(page, 'epochs', 3);
  await page.selectOption('#speed', '20');
  await page.click('#play');
  const trained = await waitFor(page, 'digits: training', (p) => p.status === 'finished', 180_000);
  assert.ok(trained.last < trained.first, `digits: loss fell (${trained.first} → ${trained.last})`);

  await drag(page, 'probe-epsilon', 0);
  assert.equal(Number(await page.inputValue('#probe-epsilon')), 0, 'the slider reached 0');
  const still = await until('digits: probe at ε 0', () => digitProbe(page, 'base'), (p) => p.deltaNorm === 0, 30_000);
  assert.equal(still.adversarial, still.original, 'ε = 0: the adversarial digit is the original');
  assert.ok((await inked(page, '#probe-base-delta')).inked < 0.01, 'ε = 0: δ is blank');

  await drag(page, 'probe-epsilon', 1);
  const top = Number(await page.inputValue('#probe-epsilon'));
  assert.equal(top, 0.5, 'the slider reached its end');
  const base = await until('digits: probe at the slider end', () => digitProbe(page, 'base'), (p) => Math.abs(p.deltaNorm - top) < 1e-3, 30_000);
  const regularized = await digitProbe(page, 'regularized');
  assert.notEqual(base.adversarial, base.original, `ε = ${top}: the base model's prediction changes (${base.original} → ${base.adversarial})`);
  for (const part of ['original', 'delta', 'adversarial', 'saliency']) {
    assert.ok((await inked(page, `#probe-regularized-${part}`)).inked > 0.05, `${part} drawn`);
  }
  await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}adversary-digits-fgsm.png`), fullPage: true });

  // PGD (projected onto a ball of 0.1) and the VAT direction are drawn too.
  await page.selectOption('#probe-method', 'pgd');
  await setNumber(page, 'probe-ball', 0.1);
  await until('digits: PGD inside its ball', () => digitProbe(page, 'base'), (p) => Math.abs(p.deltaNorm - 0.1) < 1e-3, 30_000);
  await page.selectOption('#probe-method', 'vat');
  await setNumber(page, 'probe-epsilon', 2);
  await page.selectOption('#probe-norm', 'l2');
  // Clipping to [0, 1] can only shorten the step of L2 size 2.
  const vat = await until('digits: VAT direction', () => digitProbe(page, 'regularized'), (p) => p.deltaNorm > 0.5 && p.deltaNorm <= 2.0001, 30_000);
  assert.ok((await inked(page, '#probe-regularized-delta')).inked > 0.05, 'the VAT direction is drawn');
  await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}adversary-digits-vat.png`), fullPage: true });
  results.digits = { base_at_max: base, regularized_at_max: regularized, vat_l2_norm: vat.deltaNorm };
  console.log(`ok - digits probe: ${JSON.stringify(results.digits)}`);

  // ---- robustness curves, in the worker ------------------------------------------------------
  const t0 = Date.now();
  await page.click('#robustness-run');
  const status = await until('robustness', () => page.textContent('#robustness-status'), (t) => /points at step/.test(t) || /failed/.test(t), 180_000);
  assert.match(status, /28 points at step 96/, 'two models × FGSM and PGD × 7 sizes, at the last step');
  const bar = await page.$eval('#robustness-progress', (p) => [p.value, p.max]);
  assert.deepEqual(bar, [28, 28], 'the progress bar is full');
  assert.ok((await inked(page, '#robustness-chart')).inked > 0.02, 'the robustness chart is drawn');
  const seconds = (Date.now() - t0) / 1000;
  await page.locator('#robustness-chart').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}adversary-robustness.png`), fullPage: true });
  const csvPath = await download(page, '#robustness-csv', artifacts, 'robustness-browser.csv');
  const pngPath = await download(page, '#robustness-png', artifacts, 'robustness-browser.png');
  assert.deepEqual([...fs.readFileSync(pngPath).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'the PNG export is a PNG');
  const specPath = await download(page, '#export-spec', artifacts, 'robustness-spec.json');
  assert.deepEqual(problems, [], 'no console errors, no requests off 127.0.0.1');

  // ---- the same spec natively ----------------------------------------------------------------
  const nativeCsv = path.join(artifacts, `${browserPrefix()}robustness-native.csv`);
  const run = spawnSync(nsl, ['train', '--spec', specPath, '--robustness-csv', nativeCsv], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, `nsl train failed: ${run.stderr}`);
  const rows = (file) => new Map(fs.readFileSync(file, 'utf8').trim().split('\n').slice(1).map((line) => {
    const [model, attack, eps, accuracy] = line.split(',');
    return [`${model} ${attack} ${eps}`, Number(accuracy)];
  }));
  const browserRows = rows(csvPath);
  const nativeRows = rows(nativeCsv);
  assert.deepEqual([...browserRows.keys()], [...nativeRows.keys()], 'the same points');
  let worst = 0;
  for (const [key, accuracy] of browserRows) {
    const gap = Math.abs(accuracy - nativeRows.get(key));
    worst = Math.max(worst, gap);
    // The session takes nsl train's batches, weights and attacks: the same numbers, not close ones.
    assert.equal(accuracy, nativeRows.get(key), `${key}: browser ${accuracy} vs native ${nativeRows.get(key)}`);
  }
  results.robustness = { seconds, points: browserRows.size, largest_gap_to_native: worst, browser: Object.fromEntries(browserRows), native: Object.fromEntries(nativeRows) };
  console.log(`ok - robustness: ${browserRows.size} points in ${seconds} s, largest gap to native ${worst}`);
} finally {
  await browser.close();
  server.close();
}
fs.writeFileSync(path.join(artifacts, `${browserPrefix()}adversary-results.json`), JSON.stringify(results, null, 2));
console.log('e2e adversary: all checks passed');
