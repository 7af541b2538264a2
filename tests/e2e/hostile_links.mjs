// Hostile links in headless Chromium: each opens in a fresh context (no storage), and for each
// the page must say what is wrong (or, for a valid spec with markup in its strings, show the
// markup as text), run no script of the link's, add no element of it, and still train the
// default setup afterwards.
//
//   node tests/e2e/hostile_links.mjs DIST_DIR ARTIFACT_DIR
//
// The links are built here as the page builds them: `v1.` + base64url(raw deflate(spec JSON)),
// from the opening setup's spec (read from a clean visit's own URL) with one thing changed.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { browserPrefix, launchBrowser, openPage, progress, serve, until, waitFor } from './lib.mjs';

const [dist, artifacts] = process.argv.slice(2);
if (!dist || !artifacts) throw new Error('usage: node hostile_links.mjs DIST_DIR ARTIFACT_DIR');
fs.mkdirSync(artifacts, { recursive: true });
const { server, origin } = await serve(dist);

const fragmentOf = (json) => 'v1.' + zlib.deflateRawSync(Buffer.from(json)).toString('base64url');
const specOf = (hash) => JSON.parse(zlib.inflateRawSync(Buffer.from(hash.replace(/^#?v1\./, '').split('~')[0], 'base64url')).toString());

// Markup that would show itself if any string reached the page as HTML: an element with an id,
// an image whose error handler sets a flag, and a script that sets it too.
const MARKUP = '<b id="pwned">x</b><img src="x" onerror="window.__pwned=1"><script>window.__pwned=2</script>';

/** A lesson file with `text` in every string a page shows (title, summary, step title, prose, a
 *  formula, the task, its feedback, the reveal), of `steps` steps. */
const lesson = (text, steps = 1) => `id = "hostile"
title = '''${text}'''
summary = '''${text}'''
level = "beginner"
${Array.from({ length: steps }, (_, i) => `
[[step]]
title = '''${text} ${i}'''
minutes = 1
text = '''${text} and a formula $\\text{${text}}$ and [a link](javascript:window.__pwned=5)'''
reveal = '''${text}'''
[step.setup]
from = "karate"
set = { compare_with_base = true }
[step.task]
prompt = '''${text}'''
success = '''${text}'''
[[step.task.check]]
metric = "step"
at_least = 0
`).join('')}`;
/** The link that carries a lesson file (as the page writes it: raw deflate, base64url). */
const lessonLink = (file) => 'lesson-file=' + zlib.deflateRawSync(Buffer.from(`hostile.toml\n${file}`)).toString('base64url') + '&step=1';

const browser = await launchBrowser();
const report = [];
let failed = false;
try {
  // The opening setup, as the page encodes it.
  const clean = [];
  const first = await openPage(browser, clean, origin + '/');
  await waitFor(first.page, 'clean visit', (p) => p.status === 'idle', 60_000);
  const opening = await progress(first.page);
  const hash = await until('the opening setup in the URL', () => first.page.evaluate(() => location.hash), (h) => h.startsWith('#v1.'), 10_000);
  await first.context.close();
  const base = specOf(hash);
  const edit = (change) => { const spec = structuredClone(base); change(spec); return fragmentOf(JSON.stringify(spec)); };
  const raw = (text) => fragmentOf(text);
  const baseJson = JSON.stringify(base);

  // [name, fragment, the message the page must show (a substring), or null: valid, shown as text]
  const links = [
    ['hidden widths of 200,000', edit((s) => { s.model.hidden = [200000, 200000]; }), 'model.hidden[0]: 200000 units, over the limit of 2048'],
    ['5,000 hidden layers', edit((s) => { s.model.hidden = Array(5000).fill(8); }), 'model.hidden: 5000 layers, over the limit of 8'],
    ['10⁹ points', edit((s) => { s.data.points = 1e9; }), 'data.points: 1000000000 points, over the limit of 20000'],
    ['10⁹ PGD iterations', edit((s) => { s.regularization.adversarial.adv_neighbor_config.pgd_iterations = 1e9; }), 'pgd_iterations: 1000000000 iterations, over the limit of 100'],
    ['10⁹ epochs', edit((s) => { s.epochs = 1e9; }), 'epochs: 1000000000 epochs, over the limit of 10000'],
    ['a batch of 10⁹', edit((s) => { s.optimizer.batch_size = 1e9; }), 'optimizer.batch_size: 1000000000 samples'],
    ['a robustness curve of 10⁶ points', edit((s) => { s.evaluation = { robustness: { points: 1e6 } }; }), 'evaluation.robustness.points: 1000000 points'],
    ['a GAT with 10⁶ heads', edit((s) => { s.model = { kind: 'gnn', gnn: { layer: 'gat', heads: 1e6 }, hidden: [8] }; }), 'model.gnn.heads: 1000000 heads'],
    ['sampling fanouts of 10⁹', edit((s) => { s.model = { kind: 'gnn', gnn: { layer: 'gcn' }, hidden: [8], sampling: { fanouts: [1e9], batch_size: 8 } }; }), 'model.sampling.fanouts[0]: 1000000000 neighbors'],
    ['a drawn graph of 1,000 classes', edit((s) => { s.data = { kind: 'graph', graph: { drawn: { classes: 1000, nodes: [{ x: 0, y: 0, class: 0 }] } } }; }), 'data.graph.drawn.classes: 1000 classes'],
    ['a motif set of 10⁹ graphs per class', edit((s) => {
      s.data = { kind: 'motifs', graphs_per_class: 1e9, min_nodes: 14, max_nodes: 22, extra_edges: 2, train_fraction: 0.6, val_fraction: 0.2, seed: 0 };
    }), 'data.graphs_per_class: 1000000000 graphs, over the limit of 20000'],
    ['a heterogeneous graph too large for the page (a valid spec)', edit((s) => {
      s.data = { kind: 'mag', venues: 8, papers: 200000, authors: 1200, institutions: 60, fields: 150, authors_per_paper: 3, citations_per_paper: 4, topics_per_paper: 2, affiliations_per_author: 1, homophily: 0.7, feature_dim: 32, paper_signal: 0.25, other_signal: 0.6, train_fraction: 0.3, val_fraction: 0.2, seed: 0 };
      s.model = { kind: 'hetero', encoder: { node_set: 'paper', hidden: 8, rounds: 1, model: 'mlp' }, readout: 'sum' };
      s.regularization = {};
      s.evaluation = {};
    }), 'has 201410 nodes (the page lays out and trains up to 20000): run it with `nsl train --spec`'],
    ['a name of 10,000 characters', edit((s) => { s.name = 'n'.repeat(10000); }), 'name: 10000 characters, over the limit of 200'],
    ['NaN in a number', raw(baseJson.replace(/"epochs":\d+/, '"epochs":NaN')), 'not an experiment spec'],
    ['∞ in a number', raw(baseJson.replace(/"learning_rate":[0-9.e-]+/, '"learning_rate":1e999')), 'not an experiment spec'],
    ['a negative count', raw(baseJson.replace(/"epochs":\d+/, '"epochs":-1')), 'not an experiment spec'],
    ['deeply nested JSON', raw('{"data":{"points":' + '['.repeat(20000) + ']'.repeat(20000) + ',"kind":"toy"}}'), 'recursion limit exceeded'],
    ['a wrong type', raw(baseJson.replace(/"epochs":\d+/, '"epochs":"many"')), 'not an experiment spec'],
    ['an unknown field', raw(baseJson.replace('{', '{"script":"<script>window.__pwned=3</script>",')), 'not an experiment spec'],
    ['a fragment of 1.5 megabytes', 'v1.' + 'A'.repeat(1_500_000), 'characters long; a setup\'s link has at most'],
    ['a zip bomb', 'v1.' + zlib.deflateRawSync(Buffer.alloc(50 << 20, 32)).toString('base64url'), 'over 65536 bytes'],
    ['not base64', 'v1.<img src=x onerror=window.__pwned=4>', 'not base64url'],
    ['an unknown version', 'v9.' + MARKUP, 'does not start with v1.'],
    ['markup in a hidden section', edit(() => {}) + '~hide=' + MARKUP, 'the link hides an unknown section'],
    ['markup in the name (a valid spec)', edit((s) => { s.name = MARKUP.slice(0, 200); }), null],
    ['markup in a loaded graph\'s name (a valid spec)', edit((s) => {
      s.data = { kind: 'graph', graph: { loaded: { name: MARKUP.slice(0, 200), nodes: 10, edges: 20 } } };
      s.model = { kind: 'gnn', gnn: { layer: 'gcn' }, hidden: [8] };
      s.regularization = {};
      s.evaluation = {};
    }), null],
    // Lessons carried by links: a teacher's file is as untrusted as any link.
    ['markup in every string of a lesson (a valid lesson)', lessonLink(lesson(MARKUP)), null],
    ['a lesson naming a metric that does not exist', lessonLink(lesson('x').replace('"step"', '"steps_taken"')), 'Lesson file “hostile.toml”, step 1: check 1: metric “steps_taken”'],
    ['a lesson of 41 steps', lessonLink(lesson('x', 41)), 'the number of steps is 41, over the limit of 40'],
    ['a lesson whose setup is 10⁹ epochs', lessonLink(lesson('x').replace('compare_with_base = true', 'epochs = 1000000000')), 'step 1: its setup: epochs: 1000000000 epochs'],
    ['a lesson link of 1.5 megabytes', 'lesson-file=' + 'A'.repeat(1_500_000), 'characters long; one carrying a lesson has at most'],
    ['a lesson zip bomb', 'lesson-file=' + zlib.deflateRawSync(Buffer.alloc(50 << 20, 32)).toString('base64url'), 'over 65536 bytes'],
    ['markup as a lesson id', 'lesson=' + MARKUP, 'names no lesson id'],
  ];
  assert.ok(links.length >= 20, 'at least 20 hostile links');

  for (const [name, fragment, message] of links) {
    if (browserPrefix() && fragment.length > 1_000_000) {
      // Firefox refuses to navigate to an address this long (NS_ERROR_MALFORMED_URI): the page
      // never sees it.
      report.push(`skip ${name}: Firefox refuses the address before the page sees it`);
      continue;
    }
    const problems = [];
    const { context, page } = await openPage(browser, problems, `${origin}/#${fragment}`);
    try {
      // A valid spec that needs files settles on asking for them, not on idle.
      await until(`${name}: the page opened`, () => progress(page), (p) => !['absent', 'loading'].includes(p.status), 60_000);
      const notice = (await page.$('#notice')) ? await page.textContent('#notice') : null;
      const bodyText = await page.evaluate(() => document.body.innerText);
      if (message !== null) {
        assert.ok(notice?.includes(message), `${name}: the notice says ${JSON.stringify(message)}; it says ${JSON.stringify(notice)}`);
      }
      const injected = await page.evaluate(() => ({
        flag: window.__pwned ?? null,
        element: document.getElementById('pwned') !== null,
        image: document.querySelector('img[src="x"]') !== null,
      }));
      assert.deepEqual(injected, { flag: null, element: false, image: false }, `${name}: nothing of the link ran or was added`);
      const at = await progress(page);
      if (message !== null) {
        // Refused: the default setup is open, and it trains.
        assert.equal(at.loaded, opening.loaded, `${name}: the default setup is open`);
        await page.click('#play');
        await waitFor(page, `${name}: trains the default setup`, (p) => p.step >= 5, 60_000);
        await page.click('#play');
      }
      const stray = problems.filter((p) => !p.includes('HTTP 404'));
      assert.deepEqual(stray, [], `${name}: no errors`);
      assert.ok(!problems.some((p) => p.includes('HTTP 404')), `${name}: no request for the link's image`);
      let shown = message;
      if (message === null) {
        assert.ok(!notice?.includes('opened the default setup'), `${name}: a valid spec is not refused (${notice})`);
        // Valid: where the page shows the string, it shows it as text.
        await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}hostile-valid-${report.length}.png`) });
        const status = (await page.textContent('#status')).trim().slice(0, 160);
        shown = `${bodyText.includes('<b id="pwned">') ? 'markup shown as text' : 'markup not shown'}; status ${JSON.stringify(status)}`;
      }
      report.push(`ok   ${name}: ${message === null ? shown : JSON.stringify(notice.slice(0, 140))}`);
    } catch (e) {
      failed = true;
      report.push(`FAIL ${name}: ${e.message.slice(0, 400)}`);
      await page.screenshot({ path: path.join(artifacts, `${browserPrefix()}hostile-${report.length}.png`) }).catch(() => {});
    } finally {
      await context.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
console.log(report.join('\n'));
fs.writeFileSync(path.join(artifacts, `${browserPrefix()}hostile-links.txt`), report.join('\n') + '\n');
if (failed) process.exit(1);
const skipped = report.filter((r) => r.startsWith('skip')).length;
console.log(`${report.length - skipped} hostile links opened${skipped ? ` (${skipped} the browser itself refuses)` : ''}: each refused with its reason or shown as text; nothing injected; the default setup trains after each refusal`);
