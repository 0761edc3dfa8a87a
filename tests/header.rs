//! The C surface as a C programmer sees it: the header compiles on its own as C99 and C++,
//! twice included; the shared library exports exactly the functions the header declares; the
//! version macros match Cargo.toml. (`make check-header` checks the header is what cbindgen
//! makes of src/ now.)
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn header_text() -> String {
    std::fs::read_to_string(root().join("include/pnng.h")).expect("include/pnng.h")
}

/// The release library next to this test binary's profile (tests run with --release in CI).
fn shared_library() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/header-xxxx -> target/<profile>/libpnng.so
    let lib = exe.parent().unwrap().parent().unwrap().join("libpnng.so");
    assert!(
        lib.exists(),
        "{} not built (cargo builds the cdylib with the tests)",
        lib.display()
    );
    lib
}

/// Names of the functions the header declares: `pnng_name(` at the start of a declaration.
fn declared_functions(h: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut in_comment = false;
    for line in h.lines() {
        let t = line.trim();
        if in_comment {
            in_comment = !t.contains("*/");
            continue;
        }
        if t.starts_with("/*") {
            in_comment = !t.contains("*/");
            continue;
        }
        if t.starts_with("//") || t.starts_with('#') || t.starts_with("typedef") {
            continue;
        }
        // A declaration: the identifier right before the first "(" is the function's name
        // (`pnng_result pnng_socket_send(struct pnng_socket s, ...);`).
        if let Some(paren) = t.find('(') {
            let before = &t[..paren];
            let name = before
                .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("");
            if name.starts_with("pnng_") && name.len() < before.len() {
                out.insert(name.to_string());
            }
        }
    }
    out
}

fn exported_functions(lib: &Path) -> BTreeSet<String> {
    let out = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(lib)
        .output()
        .expect("run nm");
    assert!(
        out.status.success(),
        "nm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (_addr, kind, name) = (f.next()?, f.next()?, f.next()?);
            (kind == "T").then(|| name.to_string())
        })
        .collect()
}

#[test]
fn the_library_exports_exactly_the_header_functions() {
    let declared = declared_functions(&header_text());
    let exported = exported_functions(&shared_library());
    assert!(
        declared.len() > 150,
        "parsed only {} declarations",
        declared.len()
    );
    let not_exported: Vec<_> = declared.difference(&exported).collect();
    let undeclared: Vec<_> = exported.difference(&declared).collect();
    assert!(
        not_exported.is_empty(),
        "declared in pnng.h but not exported: {not_exported:?}"
    );
    assert!(
        undeclared.is_empty(),
        "exported but not in pnng.h (only pnng_* may be): {undeclared:?}"
    );
    assert!(exported.iter().all(|n| n.starts_with("pnng_")));
}

/// Compiles a file that includes pnng.h twice with `compiler` and `flags`.
fn compile_twice_included(compiler: &str, ext: &str, flags: &[&str]) {
    let dir = std::env::temp_dir().join(format!("pnng-header-{}-{ext}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join(format!("twice.{ext}"));
    std::fs::write(
        &src,
        "#include <pnng.h>\n#include <pnng.h>\n\
         int main(void) { pnng_socket s = PNNG_SOCKET_INITIALIZER; (void) s;\n\
         return PNNG_VERSION_NUMBER >= 0 ? 0 : 1; }\n",
    )
    .unwrap();
    let out = Command::new(compiler)
        .args(flags)
        .arg("-I")
        .arg(root().join("include"))
        .args(["-fsyntax-only", "-Wall", "-Wextra", "-Werror"])
        .arg(&src)
        .output()
        .unwrap_or_else(|e| panic!("run {compiler}: {e}"));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{compiler} {flags:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_header_compiles_alone_as_c99_and_twice_included() {
    compile_twice_included("cc", "c", &["-std=c99", "-Wpedantic"]);
}

#[test]
fn the_header_compiles_as_cpp() {
    compile_twice_included("c++", "cpp", &["-std=c++11", "-Wpedantic"]);
}

fn macro_value(h: &str, name: &str) -> String {
    let prefix = format!("#define {name} ");
    h.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("{name} not in pnng.h"))
        .trim()
        .to_string()
}

#[test]
fn version_macros_match_cargo_toml() {
    let h = header_text();
    assert_eq!(
        macro_value(&h, "PNNG_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MAJOR")
    );
    assert_eq!(
        macro_value(&h, "PNNG_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_MINOR")
    );
    assert_eq!(
        macro_value(&h, "PNNG_VERSION_PATCH"),
        env!("CARGO_PKG_VERSION_PATCH")
    );
}
