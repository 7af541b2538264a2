// The training worker: the page's own wasm module (playground.js / playground_bg.wasm, served
// beside this file), started in a dedicated worker where its `start` registers the trainer.
import('./playground.js').then((module) => module.default({ module_or_path: './playground_bg.wasm' }));
