//! Entry point of the page's wasm module.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(prisme_app::ui::App);
}
