//! Install-if-missing for every tool the build and the tests need.
//!
//! Each check prints one line saying what it found or what it is installing, so a slow
//! first run on a fresh machine explains itself.

use std::path::{Path, PathBuf};

use crate::shell::{self, command, probe, run};

/// The Trunk release that builds the widget (0.22 needs a newer rustc than ours).
pub const TRUNK_VERSION: &str = "0.21.14";

/// The wasm-bindgen CLI release; must equal the `wasm-bindgen` crate pin in Cargo.toml.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";

/// The Rust target the widget compiles to.
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Oldest Node.js major version that playwright-core and `node --test` support here.
const MIN_NODE_MAJOR: u32 = 20;

/// Where Debian puts Chromium; the browser tests and the end-to-end test drive it.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Which optional groups of tools a command needs.
#[derive(Debug, Clone, Copy)]
pub struct Needs {
    /// Chromium and chromedriver, for the browser and end-to-end tests.
    pub browser: bool,
    /// `redis-server`, which the proxy's scale-out tests start.
    pub redis: bool,
}

/// Makes every needed tool present at the pinned version, installing what is missing.
pub fn ensure(repo: &Path, needs: Needs) -> Result<(), String> {
    ensure_rust_components(repo)?;
    ensure_wasm_target(repo)?;
    ensure_trunk(repo)?;
    ensure_wasm_bindgen(repo)?;
    ensure_node_packages(repo)?;
    if needs.browser {
        ensure_chromium(repo)?;
    }
    if needs.redis {
        ensure_redis(repo)?;
    }
    fetch_crates(repo)
}

/// Prepares this process's environment for the tools it starts.
///
/// Cargo's install directory and the npm tools (wasm-opt) go first on `PATH`; Trunk's
/// update check is switched off; a `NO_COLOR` value Trunk cannot parse is normalised.
pub fn prepare_environment(repo: &Path) {
    let mut dirs = vec![repo.join("node_modules").join(".bin"), cargo_bin_dir()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    if let Ok(joined) = std::env::join_paths(dirs) {
        std::env::set_var("PATH", joined);
    }

    std::env::set_var("TRUNK_SKIP_VERSION_CHECK", "true");

    // Trunk parses NO_COLOR as a boolean and refuses to start on anything else (e.g. "1").
    if let Some(value) = std::env::var_os("NO_COLOR") {
        if value != "true" && value != "false" {
            std::env::set_var("NO_COLOR", "true");
        }
    }
}

/// The directory `cargo install` puts binaries in.
fn cargo_bin_dir() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

/// The `cargo` that started xtask, so the same toolchain does the building.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

fn ensure_rust_components(repo: &Path) -> Result<(), String> {
    let missing: Vec<&str> = [("rustfmt", "fmt"), ("clippy", "clippy")]
        .into_iter()
        .filter(|(_, subcommand)| probe(&cargo(), &[subcommand, "--version"]).is_none())
        .map(|(component, _)| component)
        .collect();

    if missing.is_empty() {
        println!("tools: rustfmt and clippy found");
        return Ok(());
    }

    println!("tools: adding Rust components {}", missing.join(", "));
    let mut args = vec!["component", "add"];
    args.extend(&missing);
    run(&mut command("rustup", &args, repo)).map_err(|err| {
        format!(
            "{err}; install the Rust components {} and rerun",
            missing.join(" and ")
        )
    })
}

fn ensure_wasm_target(repo: &Path) -> Result<(), String> {
    let installed = probe("rustc", &["--print", "sysroot"])
        .map(|sysroot| {
            Path::new(&sysroot)
                .join("lib/rustlib")
                .join(WASM_TARGET)
                .is_dir()
        })
        .unwrap_or(false);

    if installed {
        println!("tools: Rust target {WASM_TARGET} found");
        return Ok(());
    }

    println!("tools: adding Rust target {WASM_TARGET}");
    run(&mut command(
        "rustup",
        &["target", "add", WASM_TARGET],
        repo,
    ))
    .map_err(|err| {
        format!("{err}; install the {WASM_TARGET} standard library for your toolchain and rerun")
    })
}

fn ensure_trunk(repo: &Path) -> Result<(), String> {
    let wanted = format!("trunk {TRUNK_VERSION}");
    if probe("trunk", &["--version"]).as_deref() == Some(wanted.as_str()) {
        println!("tools: {wanted} found");
        return Ok(());
    }

    println!("tools: installing {wanted} with cargo install (about 6 minutes the first time)");
    let args = ["install", "--locked", "trunk", "--version", TRUNK_VERSION];
    run(&mut command(&cargo(), &args, repo))
        .map_err(|err| format!("{err}; check network access to crates.io and rerun"))?;

    expect_version("trunk", &wanted)
}

fn ensure_wasm_bindgen(repo: &Path) -> Result<(), String> {
    let wanted = format!("wasm-bindgen {WASM_BINDGEN_VERSION}");
    let runner = format!("wasm-bindgen-test-runner {WASM_BINDGEN_VERSION}");
    let bindgen_ok = probe("wasm-bindgen", &["--version"]).as_deref() == Some(wanted.as_str());
    let runner_ok =
        probe("wasm-bindgen-test-runner", &["--version"]).as_deref() == Some(runner.as_str());
    if bindgen_ok && runner_ok {
        println!("tools: {wanted} and its test runner found");
        return Ok(());
    }

    // Not --locked: a dependency version locked by this release is gone from crates.io.
    println!("tools: installing wasm-bindgen-cli {WASM_BINDGEN_VERSION} (about 2 minutes)");
    let args = [
        "install",
        "wasm-bindgen-cli",
        "--version",
        WASM_BINDGEN_VERSION,
    ];
    run(&mut command(&cargo(), &args, repo))
        .map_err(|err| format!("{err}; check network access to crates.io and rerun"))?;

    expect_version("wasm-bindgen", &wanted)?;
    expect_version("wasm-bindgen-test-runner", &runner)
}

/// After an install, checks that the program on `PATH` is the one just installed.
fn expect_version(program: &str, wanted: &str) -> Result<(), String> {
    match probe(program, &["--version"]) {
        Some(found) if found == wanted => Ok(()),
        found => Err(format!(
            "installed {wanted}, but `{program} --version` says {}; put {} first on PATH",
            found.unwrap_or_else(|| "nothing".to_string()),
            cargo_bin_dir().display()
        )),
    }
}

fn ensure_node_packages(repo: &Path) -> Result<(), String> {
    let version = probe("node", &["--version"]).ok_or_else(|| {
        format!(
            "Node.js is not installed; install Node.js {MIN_NODE_MAJOR} or newer with npm \
             (Debian: apt-get install nodejs npm) and rerun"
        )
    })?;
    match node_major(&version) {
        Some(major) if major >= MIN_NODE_MAJOR => {}
        _ => {
            return Err(format!(
                "Node.js {version} is too old; install Node.js {MIN_NODE_MAJOR} or newer and rerun"
            ))
        }
    }

    let lock = repo.join("package-lock.json");
    let installed = repo.join("node_modules").join(".package-lock.json");
    if !is_older(&installed, &lock) && repo.join("node_modules/.bin/wasm-opt").is_file() {
        println!("tools: npm packages up to date (node {version})");
        return Ok(());
    }

    println!("tools: installing npm packages with npm ci (wasm-opt, playwright-core, axe-core)");
    run(&mut command(
        "npm",
        &["ci", "--no-audit", "--no-fund"],
        repo,
    ))
    .map_err(|err| format!("{err}; check network access to the npm registry and rerun"))
}

/// The major version from `node --version` output such as `v20.20.2`.
fn node_major(version: &str) -> Option<u32> {
    version
        .trim_start_matches('v')
        .split('.')
        .next()?
        .parse()
        .ok()
}

/// True when `path` is missing or was modified before `reference`.
fn is_older(path: &Path, reference: &Path) -> bool {
    let modified = |p: &Path| p.metadata().and_then(|m| m.modified()).ok();
    match (modified(path), modified(reference)) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(ours), Some(theirs)) => ours < theirs,
    }
}

/// The chromedriver to hand to wasm-bindgen-test-runner.
pub fn chromedriver() -> Option<PathBuf> {
    shell::which("chromedriver").or_else(|| {
        let debian = PathBuf::from("/usr/bin/chromedriver");
        debian.is_file().then_some(debian)
    })
}

fn ensure_chromium(repo: &Path) -> Result<(), String> {
    if Path::new(CHROMIUM).is_file() && chromedriver().is_some() {
        println!("tools: chromium and chromedriver found");
        return Ok(());
    }

    let install = "apt-get install -y --no-install-recommends chromium chromium-driver";
    if probe("id", &["-u"]).as_deref() != Some("0") {
        return Err(format!(
            "Chromium or chromedriver is missing and installing them needs root; \
             run `sudo apt-get update && sudo {install}` and rerun"
        ));
    }

    println!("tools: installing Debian packages chromium and chromium-driver");
    let apt = |args: &[&str]| {
        let mut cmd = command("apt-get", args, repo);
        cmd.env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut cmd)
    };
    apt(&["update"])
        .and_then(|()| {
            apt(&[
                "install",
                "-y",
                "--no-install-recommends",
                "chromium",
                "chromium-driver",
            ])
        })
        .map_err(|err| format!("{err}; run `{install}` yourself and rerun"))?;

    if Path::new(CHROMIUM).is_file() && chromedriver().is_some() {
        Ok(())
    } else {
        Err(format!(
            "after `{install}`, {CHROMIUM} or chromedriver is still missing"
        ))
    }
}

/// Where Debian puts the Redis server.
const REDIS_SERVER: &str = "/usr/bin/redis-server";

fn ensure_redis(repo: &Path) -> Result<(), String> {
    if Path::new(REDIS_SERVER).is_file() || shell::which("redis-server").is_some() {
        println!("tools: redis-server found");
        return Ok(());
    }

    let install = "apt-get install -y --no-install-recommends redis-server";
    if probe("id", &["-u"]).as_deref() != Some("0") {
        return Err(format!(
            "redis-server is missing and installing it needs root; \
             run `sudo apt-get update && sudo {install}` and rerun"
        ));
    }

    println!("tools: installing Debian package redis-server");
    let apt = |args: &[&str]| {
        let mut cmd = command("apt-get", args, repo);
        cmd.env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut cmd)
    };
    apt(&["update"])
        .and_then(|()| apt(&["install", "-y", "--no-install-recommends", "redis-server"]))
        .map_err(|err| format!("{err}; run `{install}` yourself and rerun"))?;

    if Path::new(REDIS_SERVER).is_file() {
        Ok(())
    } else {
        Err(format!(
            "after `{install}`, {REDIS_SERVER} is still missing"
        ))
    }
}

/// Downloads every crate up front: Trunk runs cargo with `--offline`.
fn fetch_crates(repo: &Path) -> Result<(), String> {
    println!("tools: fetching crates listed in Cargo.lock");
    run(&mut command(
        &cargo(),
        &["fetch", "--locked", "--quiet"],
        repo,
    ))
    .map_err(|err| {
        format!(
            "{err}; if Cargo.lock is out of date, run `cargo build` to update it, commit it, \
             and rerun"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_major_reads_the_leading_number_of_node_version_output() {
        let cases = [
            ("v20.20.2", Some(20)),
            ("v8.0.0", Some(8)),
            ("22.1.0", Some(22)),
        ];

        for (input, expected) in cases {
            assert_eq!(node_major(input), expected, "input {input}");
        }
    }

    #[test]
    fn node_major_is_none_for_output_that_is_not_a_version() {
        assert_eq!(node_major("command not found"), None);
    }

    #[test]
    fn a_missing_file_counts_as_older_than_anything() {
        let missing = Path::new("/surely/not/here/.package-lock.json");

        assert!(is_older(missing, Path::new("Cargo.toml")));
    }
}
