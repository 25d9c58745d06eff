//! Entry point of the worker's wasm module (started by `worker_loader.js`, which
//! xtask's bundler writes).

fn main() {
    prisme_app::worker::run();
}
