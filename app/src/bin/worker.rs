//! Entry point of the worker's wasm module (loaded by Trunk's `worker_loader.js`).

fn main() {
    prisme_app::worker::run();
}
