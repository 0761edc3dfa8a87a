//! Sets the shared library's soname and, on request, regenerates the committed header.
//! A normal build never writes into the source tree: `include/pnng.h` is regenerated only
//! with `PNNG_REGEN_HEADER=1` (see `make header`), and a test diffs it.

use std::env;
use std::path::PathBuf;

fn main() {
    let major = env::var("CARGO_PKG_VERSION_MAJOR").unwrap();
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpnng.so.{major}");
    // NNG's threads outlive any socket; unloading the library under them would crash, so the
    // library stays mapped once loaded (dlclose is a no-op), as runtimes like Node unload at exit.
    println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
    soname_link(&major);
    println!("cargo:rerun-if-env-changed=PNNG_REGEN_HEADER");
    println!("cargo:rerun-if-env-changed=PNNG_HEADER_OUT");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    if env::var_os("PNNG_REGEN_HEADER").is_some() {
        let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
        let out = env::var_os("PNNG_HEADER_OUT")
            .map(PathBuf::from)
            .unwrap_or_else(|| dir.join("include/pnng.h"));
        let mut config =
            cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml");
        // The header's version macros are Cargo.toml's version (@CARGO_PKG_VERSION_MAJOR@ etc.).
        config.after_includes = config.after_includes.map(|text| {
            ["MAJOR", "MINOR", "PATCH"].iter().fold(text, |t, part| {
                let var = format!("CARGO_PKG_VERSION_{part}");
                t.replace(&format!("@{var}@"), &env::var(&var).unwrap())
            })
        });
        cbindgen::generate_with_config(&dir, config)
            .expect("cbindgen failed")
            .write_to_file(out);
    }
}

/// Programs linked in-tree with `-L target/<profile> -lpnng` record the soname `libpnng.so.0`;
/// a symlink next to the library lets them run from the build directory (the C examples, the
/// Go binding). It may dangle until rustc writes the library.
fn soname_link(major: &str) {
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    // OUT_DIR is target/<profile>/build/pnng-<hash>/out.
    if let Some(profile_dir) = out.ancestors().nth(3) {
        let link = profile_dir.join(format!("libpnng.so.{major}"));
        if std::fs::symlink_metadata(&link).is_err() {
            let _ = std::os::unix::fs::symlink("libpnng.so", &link);
        }
    }
}
