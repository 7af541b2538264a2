// The training worker: its own wasm module (playground-worker.js / playground-worker_bg.wasm,
// built by Trunk beside the page's), whose `start` registers the trainer.
import('./playground-worker.js').then((module) => module.default({ module_or_path: './playground-worker_bg.wasm' }));
