//! The page's module is split into lazily loaded parts after linking (xtask's bundler, with
//! `wasm_split_cli_support`): the splitter reads the linker's relocations, which only the
//! final link of that bin needs to keep.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-bin=prisme-app=--emit-relocs");
    }
}
