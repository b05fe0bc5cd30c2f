//! The two builds that `demo` and `test` share: the widget's release bundle and the proxy.

use std::path::{Path, PathBuf};

use crate::shell::{command, run};
use crate::tools::cargo;

/// Cargo package name of the proxy.
pub const PROXY_PACKAGE: &str = "addon-usage-proxy";

/// Builds the widget with Trunk into `<repo>/dist` (release profile, wasm-opt applied).
pub fn widget(repo: &Path) -> Result<(), String> {
    // The file argument must come before --release for Trunk 0.21.
    run(&mut command(
        "trunk",
        &["build", "index.html", "--release"],
        repo,
    ))
    .map_err(|err| {
        format!("{err}; the Trunk output above says what broke (a compile error or a missing tool)")
    })
}

/// The directory Trunk writes the built widget to (`[build] dist` in Trunk.toml).
pub fn widget_dir(repo: &Path) -> PathBuf {
    repo.join("dist")
}

/// Builds the proxy binary in the dev profile, which compiles much faster than release.
pub fn proxy(repo: &Path) -> Result<(), String> {
    run(&mut command(
        &cargo(),
        &["build", "-p", PROXY_PACKAGE],
        repo,
    ))
    .map_err(|err| format!("{err}; see the compiler output above"))
}

/// Path of the proxy binary that [`proxy`] builds.
pub fn proxy_binary(repo: &Path) -> PathBuf {
    let target_dir = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => repo.join(dir),
        None => repo.join("target"),
    };
    target_dir.join("debug").join(PROXY_PACKAGE)
}
