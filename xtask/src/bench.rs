//! `cargo xtask bench`: where the widget and the proxy stand on size, first paint,
//! rendering and throughput, each figure beside a baseline measured in the same run and its
//! budget. Prints one Markdown table with notes and writes the same, with the machine it
//! ran on, to BENCHMARKS.md. Nothing here passes or fails on a figure.
//!
//! Every load targets 127.0.0.1, is bounded in requests or seconds, and every server it
//! starts (the proxy, nginx) is stopped by process id when the step ends, also on errors.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::build;
use crate::shell::{self, command, describe, probe, which};
use crate::tools::{self, cargo};

/// The compressed-size budget of everything the page loads for the widget.
const SIZE_BUDGET_BYTES: u64 = 180_000;
/// Concurrent connections of the throughput runs.
const CONNECTIONS: u32 = 64;
/// Length of each throughput run.
const LOAD_SECS: u32 = 10;
/// Throughput runs per server, alternating proxy and nginx; the best of each is kept.
const LOAD_ROUNDS: usize = 2;
/// Requests of the cold-cache burst.
const BURST_REQUESTS: u32 = 1_000;
/// Cached endpoints for the memory figure.
const CACHED_ENDPOINTS: u32 = 100_000;
/// Longest the cache may be filled for the memory figure.
const FILL_SECS: u32 = 60;
/// How long a started server may take to listen.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// The wasm-opt flags of index.html, for the size-profile build that keeps names.
const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];
/// Debian packages the benchmarks run: load generator, static server, compressor.
const DEBIAN_TOOLS: &[(&str, &str)] = &[
    ("wrk", "wrk"),
    ("nginx", "nginx-light"),
    ("brotli", "brotli"),
];
/// The size profiler from crates.io.
const TWIGGY_VERSION: &str = "0.8.0";

/// One line of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    area: &'static str,
    figure: String,
    value: String,
    baseline: String,
    ratio: String,
    goal: String,
}

/// Everything the run found, in the order it is shown.
#[derive(Debug, Default)]
struct Report {
    rows: Vec<Row>,
    notes: Vec<String>,
    contributors: Vec<String>,
}

impl Report {
    fn row(
        &mut self,
        area: &'static str,
        figure: &str,
        value: String,
        baseline: String,
    ) -> &mut Row {
        self.rows.push(Row {
            area,
            figure: figure.to_string(),
            value,
            baseline,
            ratio: String::new(),
            goal: String::new(),
        });
        self.rows.last_mut().expect("a row was just pushed")
    }
}

impl Row {
    fn ratio(&mut self, ratio: Option<f64>) -> &mut Self {
        self.ratio = ratio.map_or_else(|| "n/a".into(), |r| format!("{r:.2}x"));
        self
    }

    fn goal(&mut self, goal: &str) {
        self.goal = goal.to_string();
    }
}

/// Where the run keeps its files.
struct Paths {
    repo: PathBuf,
    bench: PathBuf,
    widget_dist: PathBuf,
    www: PathBuf,
    baseline: PathBuf,
    release: PathBuf,
}

impl Paths {
    fn new(repo: &Path) -> Self {
        let target = target_dir(repo);
        let bench = target.join("bench");
        Self {
            repo: repo.to_path_buf(),
            widget_dist: bench.join("dist"),
            www: bench.join("www"),
            baseline: target.join("bench-baseline"),
            release: target.join("release"),
            bench,
        }
    }
}

/// Installs what is missing, builds, measures, prints the table and writes BENCHMARKS.md.
pub fn run(repo: &Path) -> Result<(), String> {
    let paths = Paths::new(repo);
    tools::ensure(
        repo,
        tools::Needs {
            browser: true,
            redis: false,
        },
    )?;
    ensure_bench_tools(repo)?;
    fs::create_dir_all(&paths.bench).map_err(|e| format!("{}: {e}", paths.bench.display()))?;

    build_everything(&paths)?;

    let load_at_start = load_average();
    let mut report = Report::default();
    section("size");
    size(&paths, &mut report)?;
    section("proxy");
    let mut proxy = Report::default();
    let browser_figures = with_proxy(&paths, &mut proxy)?;
    browser_rows(&browser_figures, &mut report);
    report.rows.extend(proxy.rows);
    report.notes.extend(proxy.notes);

    let loads = (load_at_start, load_average());
    let machine = machine(&browser_figures, loads);
    let text = markdown(&report, &machine);
    println!();
    print!("{text}");
    let out = repo.join("BENCHMARKS.md");
    fs::write(&out, &text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!("\nwrote {}", out.display());
    Ok(())
}

fn section(name: &str) {
    println!();
    println!("==> bench: {name}");
}

/// `CARGO_TARGET_DIR` (relative to the repository) or `<repo>/target`.
fn target_dir(repo: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => repo.join(dir),
        None => repo.join("target"),
    }
}

// ---------------------------------------------------------------------------------------
// Tools and builds

fn ensure_bench_tools(repo: &Path) -> Result<(), String> {
    let missing: Vec<&str> = DEBIAN_TOOLS
        .iter()
        .filter(|(program, _)| {
            which(program).is_none() && !Path::new("/usr/sbin").join(program).is_file()
        })
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        println!("tools: wrk, nginx and brotli found");
    } else {
        let install = format!(
            "apt-get install -y --no-install-recommends {}",
            missing.join(" ")
        );
        if probe("id", &["-u"]).as_deref() != Some("0") {
            return Err(format!(
                "the Debian packages {} are missing and installing them needs root; run \
                 `sudo apt-get update && sudo {install}` and rerun",
                missing.join(", ")
            ));
        }
        println!("tools: installing Debian packages {}", missing.join(", "));
        let apt = |args: &[&str]| {
            let mut cmd = command("apt-get", args, repo);
            cmd.env("DEBIAN_FRONTEND", "noninteractive");
            shell::run(&mut cmd)
        };
        let mut args = vec!["install", "-y", "--no-install-recommends"];
        args.extend(&missing);
        apt(&["update"])
            .and_then(|()| apt(&args))
            .map_err(|err| format!("{err}; run `{install}` yourself and rerun"))?;
    }

    let wanted = format!("twiggy {TWIGGY_VERSION}");
    if probe("twiggy", &["--version"]).as_deref() == Some(wanted.as_str()) {
        println!("tools: {wanted} found");
        return Ok(());
    }
    println!("tools: installing {wanted} with cargo install (about 1 minute)");
    let args = ["install", "--locked", "twiggy", "--version", TWIGGY_VERSION];
    shell::run(&mut command(&cargo(), &args, repo))
        .map_err(|err| format!("{err}; check network access to crates.io and rerun"))
}

/// The widget (into its own dist, so `dist/` of other commands is left alone), the size
/// baseline, and the release proxy with its cache-memory example.
fn build_everything(paths: &Paths) -> Result<(), String> {
    section("builds");
    let dist = paths.widget_dist.display().to_string();
    shell::run(&mut command(
        "trunk",
        &["build", "index.html", "--release", "--dist", &dist],
        &paths.repo,
    ))
    .map_err(|err| format!("{err}; the Trunk output above says what broke"))?;

    prepare_baseline(paths)?;
    let mut trunk = command(
        "trunk",
        &["build", "index.html", "--release"],
        &paths.baseline,
    );
    trunk.env("CARGO_TARGET_DIR", paths.baseline.join("target"));
    shell::run(&mut trunk).map_err(|err| format!("{err}; the size baseline did not build"))?;

    let args = [
        "build",
        "--release",
        "-p",
        build::PROXY_PACKAGE,
        "--bin",
        build::PROXY_PACKAGE,
        "--example",
        "cache_memory",
    ];
    shell::run(&mut command(&cargo(), &args, &paths.repo))
        .map_err(|err| format!("{err}; see the compiler output above"))
}

/// Copies tests/bench/baseline (and the repository's Cargo.lock, so that it builds the
/// same crate versions offline) to target/bench-baseline.
fn prepare_baseline(paths: &Paths) -> Result<(), String> {
    let template = paths.repo.join("tests/bench/baseline");
    copy_tree(&template, &paths.baseline)?;
    let lock = paths.baseline.join("Cargo.lock");
    fs::copy(paths.repo.join("Cargo.lock"), &lock)
        .map(|_| ())
        .map_err(|e| format!("cannot copy Cargo.lock to {}: {e}", lock.display()))
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", from.display()))?;
        let (source, dest) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            copy_tree(&source, &dest)?;
        } else {
            fs::copy(&source, &dest).map_err(|e| format!("{}: {e}", dest.display()))?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Size

/// Raw, gzip -9 and brotli -q 11 bytes of some files together.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Sizes {
    raw: u64,
    gzip: u64,
    brotli: u64,
}

impl std::ops::Add for Sizes {
    type Output = Sizes;
    fn add(self, other: Sizes) -> Sizes {
        Sizes {
            raw: self.raw + other.raw,
            gzip: self.gzip + other.gzip,
            brotli: self.brotli + other.brotli,
        }
    }
}

impl Sizes {
    fn of_files(files: &[PathBuf]) -> Result<Sizes, String> {
        let mut total = Sizes::default();
        for file in files {
            let raw = fs::metadata(file)
                .map_err(|e| format!("{}: {e}", file.display()))?
                .len();
            let path = file.display().to_string();
            let gzip = compressed_len("gzip", &["-9", "-c", &path])?;
            let brotli = compressed_len("brotli", &["-q", "11", "-c", &path])?;
            total = total + Sizes { raw, gzip, brotli };
        }
        Ok(total)
    }

    fn cell(self) -> String {
        format!("{} / {} / {}", kb(self.raw), kb(self.gzip), kb(self.brotli))
    }
}

fn compressed_len(program: &str, args: &[&str]) -> Result<u64, String> {
    let out = Command::new(program)
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`{program} {}` ended with {}",
            args.join(" "),
            out.status
        ));
    }
    Ok(out.stdout.len() as u64)
}

/// The files a page loads for a Trunk build in `dist`, by kind.
struct Bundle {
    wasm: Vec<PathBuf>,
    js: Vec<PathBuf>,
    snippets: Vec<PathBuf>,
    css: Vec<PathBuf>,
    other: Vec<PathBuf>,
}

impl Bundle {
    /// Sorts the files of `dist`: the content-hashed wasm, JS glue and CSS (what the page
    /// loads), the wasm-bindgen snippets, and anything else (service worker, embed loader,
    /// demo pages), which is listed but not counted.
    fn read(dist: &Path) -> Result<Bundle, String> {
        let mut bundle = Bundle {
            wasm: Vec::new(),
            js: Vec::new(),
            snippets: Vec::new(),
            css: Vec::new(),
            other: Vec::new(),
        };
        for file in files_under(dist)? {
            let relative = file.strip_prefix(dist).unwrap_or(&file).to_path_buf();
            let name = relative.to_string_lossy().to_string();
            let hashed = file_is_hashed(&name);
            if name.starts_with('.') || name.ends_with(".html") {
                continue;
            } else if name.starts_with("snippets/") {
                bundle.snippets.push(file);
            } else if hashed && name.ends_with(".wasm") {
                bundle.wasm.push(file);
            } else if hashed && name.ends_with(".js") {
                bundle.js.push(file);
            } else if hashed && name.ends_with(".css") {
                bundle.css.push(file);
            } else {
                bundle.other.push(file);
            }
        }
        if bundle.wasm.is_empty() || bundle.js.is_empty() {
            return Err(format!("no wasm or JS glue in {}", dist.display()));
        }
        Ok(bundle)
    }
}

/// Trunk's file hash: a `-` and 15 or 16 hex digits before the extension (or `_bg`).
fn file_is_hashed(name: &str) -> bool {
    let stem = name.split(['.', '/']).next().unwrap_or_default();
    let stem = stem.trim_end_matches("_bg");
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (15..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn files_under(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_dir() {
            files.extend(files_under(&path)?);
        } else {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn size(paths: &Paths, report: &mut Report) -> Result<(), String> {
    let widget = Bundle::read(&paths.widget_dist)?;
    let baseline = Bundle::read(&paths.baseline.join("dist"))?;
    let w_wasm = Sizes::of_files(&widget.wasm)?;
    let w_js = Sizes::of_files(&[widget.js.clone(), widget.snippets.clone()].concat())?;
    let w_css = Sizes::of_files(&widget.css)?;
    let b_wasm = Sizes::of_files(&baseline.wasm)?;
    let b_js = Sizes::of_files(&[baseline.js.clone(), baseline.snippets.clone()].concat())?;
    let b_css = Sizes::of_files(&baseline.css)?;
    let (w_total, b_total) = (w_wasm + w_js + w_css, b_wasm + b_js + b_css);
    let brotli_ratio = |w: Sizes, b: Sizes| ratio(w.brotli as f64, b.brotli as f64);

    report
        .row(
            "Size",
            "wasm, raw / gzip -9 / brotli -q 11",
            w_wasm.cell(),
            b_wasm.cell(),
        )
        .ratio(brotli_ratio(w_wasm, b_wasm));
    let snippets = widget.snippets.len();
    report
        .row(
            "Size",
            &format!("JS glue + {snippets} snippet(s), raw / gzip / brotli"),
            w_js.cell(),
            b_js.cell(),
        )
        .ratio(brotli_ratio(w_js, b_js));
    report
        .row(
            "Size",
            "CSS, raw / gzip / brotli",
            w_css.cell(),
            b_css.cell(),
        )
        .ratio(None);
    report
        .row(
            "Size",
            "**total brotli** (what a page loads)",
            kb(w_total.brotli),
            kb(b_total.brotli),
        )
        .ratio(brotli_ratio(w_total, b_total))
        .goal(&format!("≤ {} KB brotli", SIZE_BUDGET_BYTES / 1_000));

    let others: Vec<String> = widget
        .other
        .iter()
        .map(|file| {
            let name = file.strip_prefix(&paths.widget_dist).unwrap_or(file);
            let raw = fs::metadata(file).map(|m| m.len()).unwrap_or(0);
            format!("`{}` {}", name.display(), kb(raw))
        })
        .collect();
    if !others.is_empty() {
        report.notes.push(format!(
            "Size: not counted in the total (not loaded by the widget itself; raw): {}.",
            others.join(", ")
        ));
    }
    report.notes.push(
        "Size baseline: `tests/bench/baseline`, a minimal Leptos 0.8 CSR app with the \
         widget's framework dependencies (leptos, gloo-net, gloo-timers, serde, serde_json, \
         chrono, thiserror, web-sys) and the same release profile and wasm-opt flags, built \
         in `target/bench-baseline` by this run. KB = 1,000 bytes."
            .into(),
    );

    report.contributors = contributors(paths)?;
    Ok(())
}

/// The ten largest items and the largest crates of the widget's wasm, by twiggy, from a
/// wasm-opt -Oz build that keeps function names (the names section itself is left out).
fn contributors(paths: &Paths) -> Result<Vec<String>, String> {
    let bindgen = target_dir(&paths.repo).join("wasm-bindgen/release/addon-usage_bg.wasm");
    let named = paths.bench.join("named.wasm");
    let (input, output) = (bindgen.display().to_string(), named.display().to_string());
    let mut args = vec!["-Oz", "-g", input.as_str(), "-o", output.as_str()];
    args.extend(WASM_OPT_FEATURES);
    shell::run(&mut command("wasm-opt", &args, &paths.repo))
        .map_err(|err| format!("{err}; the size profile needs wasm-opt from npm's binaryen"))?;

    let out = Command::new("twiggy")
        .args(["top", "-f", "csv", &output])
        .output()
        .map_err(|e| format!("cannot run twiggy: {e}"))?;
    if !out.status.success() {
        return Err(format!("twiggy top {output} ended with {}", out.status));
    }
    let items = parse_twiggy_csv(&String::from_utf8_lossy(&out.stdout));
    let code: Vec<&(String, u64)> = items
        .iter()
        .filter(|(name, _)| !name.contains("\"function names\" subsection"))
        .collect();
    let total: u64 = code.iter().map(|(_, bytes)| bytes).sum();

    let mut lines = vec![format!(
        "Largest items (twiggy top, of {} without the names section):",
        kb(total)
    )];
    for (name, bytes) in code.iter().take(10) {
        let shown: String = name.chars().take(90).collect();
        lines.push(format!(
            "  {:>9}  {:>5.1}%  {shown}",
            kb(*bytes),
            percent(*bytes, total)
        ));
    }
    let mut by_crate: BTreeMap<String, u64> = BTreeMap::new();
    for (name, bytes) in &code {
        *by_crate.entry(crate_of(name)).or_default() += bytes;
    }
    let mut crates: Vec<(String, u64)> = by_crate.into_iter().collect();
    crates.sort_by_key(|(_, bytes)| std::cmp::Reverse(*bytes));
    lines.push("Largest crates (items summed by the crate their name starts with):".into());
    for (name, bytes) in crates.iter().take(10) {
        lines.push(format!(
            "  {:>9}  {:>5.1}%  {name}",
            kb(*bytes),
            percent(*bytes, total)
        ));
    }
    Ok(lines)
}

/// `(name, shallow bytes)` from `twiggy top -f csv` output.
fn parse_twiggy_csv(text: &str) -> Vec<(String, u64)> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let fields = csv_fields(line);
            let bytes = fields.get(1)?.parse().ok()?;
            Some((fields.first()?.clone(), bytes))
        })
        .collect()
}

/// The fields of one CSV line (quotes and doubled quotes as the csv crate writes them).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// The crate a twiggy item belongs to: the first path segment of its name (of the type in
/// `<Type as Trait>` unless the type is a generic parameter), or its kind for data,
/// unnamed code and sections.
fn crate_of(name: &str) -> String {
    if name.starts_with("data segment") || name.starts_with("data[") {
        return "(data segments)".into();
    }
    if name.starts_with("code[") {
        return "(unnamed functions)".into();
    }
    let mut rest = name.trim_start_matches(['<', '&', '*']);
    rest = rest.trim_start_matches("mut ").trim_start_matches("dyn ");
    if let Some((ty, tr)) = rest.split_once(" as ") {
        if !ty.contains("::") {
            rest = tr;
        }
    }
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let krate = &rest[..end];
    if krate.is_empty() || !rest[end..].starts_with("::") && !rest[end..].starts_with('[') {
        return "(other)".into();
    }
    krate.to_string()
}

// ---------------------------------------------------------------------------------------
// Proxy and browser

/// A server this run started; stopped (SIGTERM, then SIGKILL) when dropped.
struct Server {
    name: &'static str,
    child: Child,
}

impl Server {
    fn spawn(name: &'static str, mut cmd: Command, log: &Path) -> Result<Server, String> {
        let file = fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err = file.try_clone().map_err(|e| e.to_string())?;
        println!("$ {}  (log: {})", describe(&cmd), log.display());
        let child = cmd
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        Ok(Server { name, child })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until `addr` accepts connections; fails if the server exits first.
    fn wait_listening(&mut self, addr: SocketAddr, log: &Path) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < START_TIMEOUT {
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "{} exited with {status} before listening on {addr}; see {}",
                    self.name,
                    log.display()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!(
            "{} did not listen on {addr} within {START_TIMEOUT:?}",
            self.name
        ))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let asked = Instant::now();
        while asked.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_addr() -> Result<SocketAddr, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener
        .local_addr()
        .map_err(|e| format!("no free port: {e}"))
}

/// Starts the release proxy (simulator mode, frozen simulator clock, no rate limit, answers
/// cached for an hour) on the widget copy in `www`, then runs every proxy and browser
/// measurement against it. Returns the browser figures.
fn with_proxy(paths: &Paths, report: &mut Report) -> Result<BTreeMap<String, String>, String> {
    if paths.www.exists() {
        fs::remove_dir_all(&paths.www).map_err(|e| format!("{}: {e}", paths.www.display()))?;
    }
    copy_tree(&paths.widget_dist, &paths.www)?;

    let (listen, simulator) = (free_addr()?, free_addr()?);
    let binary = paths.release.join(build::PROXY_PACKAGE);
    let www = paths.www.display().to_string();
    let args = [
        "--listen".to_string(),
        listen.to_string(),
        "--simulator-listen".to_string(),
        simulator.to_string(),
        "--simulator-frozen-clock".to_string(),
        "--widget-dir".to_string(),
        www,
        "--rate-limit-per-min".to_string(),
        "0".to_string(),
        "--cache-ttl-secs".to_string(),
        "3600".to_string(),
    ];
    let mut cmd = command(&binary.display().to_string(), &args, &paths.repo);
    cmd.env("RUST_LOG", "info");
    for name in [
        "SFT_URL",
        "SFT_USERNAME",
        "SFT_PASSWORD",
        "ADDON_USAGE_REDIS_URL",
    ] {
        cmd.env_remove(name);
    }
    let log = paths.bench.join("proxy.log");
    let mut proxy = Server::spawn("the proxy", cmd, &log)?;
    proxy.wait_listening(listen, &log)?;
    let proxy_url = format!("http://{listen}");

    // First, while nothing is cached: the burst.
    let burst = node_figures(
        paths,
        "tests/bench/burst.mjs",
        &[
            &proxy_url,
            &format!("http://{simulator}"),
            &BURST_REQUESTS.to_string(),
        ],
    )?;

    let token = json_string(&http_get(listen, "/demo/token", None)?, "token")
        .ok_or("/demo/token answered without a token")?;
    let traveler = http_get(listen, "/api/v1/traveler", Some(&token))?;
    let endpoint = first_endpoint(&traveler).ok_or("/api/v1/traveler listed no endpoint")?;
    let api_path = format!("/api/v1/endpoints/{endpoint}/addons");
    let body = http_get(listen, &api_path, Some(&token))?;

    let (nginx, nginx_url) = start_nginx(paths, &body)?;
    let (mut proxy_runs, mut nginx_runs) = (Vec::new(), Vec::new());
    for _ in 0..LOAD_ROUNDS {
        proxy_runs.push(wrk(&format!("{proxy_url}{api_path}"), &token)?);
        nginx_runs.push(wrk(&nginx_url, &token)?);
    }
    drop(nginx);
    let proxy_rss = proc_rss_kib(proxy.pid());

    section("browser");
    let www = paths.www.display().to_string();
    let browser = node_figures(paths, "tests/bench/browser.mjs", &[&proxy_url, &www])?;
    drop(proxy);

    section("cache memory");
    let answer = paths.bench.join("answer.json");
    fs::write(&answer, &body).map_err(|e| format!("{}: {e}", answer.display()))?;
    let cached = cache_memory(paths, &answer, "cache")?;
    let plain = cache_memory(paths, &answer, "plain")?;

    proxy_rows(
        report,
        &burst,
        (&proxy_runs, &nginx_runs),
        (&cached, &plain),
        proxy_rss,
        &body,
    );
    Ok(browser)
}

/// Runs a script of tests/bench with node and collects its `figure <name> <value>` lines.
fn node_figures(
    paths: &Paths,
    script: &str,
    args: &[&str],
) -> Result<BTreeMap<String, String>, String> {
    let mut all = vec![script];
    all.extend(args);
    let mut cmd = command("node", &all, &paths.repo);
    cmd.env("ADDON_USAGE_CHROMIUM", tools::CHROMIUM)
        .stderr(Stdio::inherit());
    println!("$ {}", describe(&cmd));
    let out = cmd.output().map_err(|e| format!("cannot run node: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    if !out.status.success() {
        return Err(format!(
            "`node {script}` ended with {}; see its output above",
            out.status
        ));
    }
    Ok(parse_figures(&text))
}

fn parse_figures(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|line| line.strip_prefix("figure "))
        .filter_map(|rest| rest.split_once(' '))
        .map(|(name, value)| (name.to_string(), value.trim().to_string()))
        .collect()
}

/// What one wrk run measured.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Load {
    requests_per_sec: f64,
    p99_ms: f64,
    /// Answers that were not 2xx or 3xx.
    errors: u64,
    /// The machine's 1-minute load average just before the run.
    load_before: f64,
}

/// The run with the most requests per second.
fn best(runs: &[Load]) -> Load {
    runs.iter()
        .copied()
        .max_by(|a, b| a.requests_per_sec.total_cmp(&b.requests_per_sec))
        .unwrap_or(Load {
            requests_per_sec: 0.0,
            p99_ms: 0.0,
            errors: 0,
            load_before: 0.0,
        })
}

/// The 1-minute load average from /proc/loadavg (0 when unreadable).
fn load_average() -> f64 {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0)
}

fn wrk(url: &str, token: &str) -> Result<Load, String> {
    let header = format!("Authorization: Bearer {token}");
    let (threads, connections, secs) = (
        "2".to_string(),
        CONNECTIONS.to_string(),
        format!("{LOAD_SECS}s"),
    );
    let args = [
        "-t",
        &threads,
        "-c",
        &connections,
        "-d",
        &secs,
        "--timeout",
        "5s",
        "--latency",
        "-H",
        &header,
        url,
    ];
    println!("$ wrk -t {threads} -c {connections} -d {secs} --latency -H 'Authorization: Bearer …' {url}");
    let load_before = load_average();
    let out = Command::new("wrk")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run wrk: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    if !out.status.success() {
        return Err(format!("wrk ended with {}", out.status));
    }
    let load = parse_wrk(&text).ok_or("wrk printed no Requests/sec or 99% latency")?;
    Ok(Load {
        load_before,
        ..load
    })
}

fn parse_wrk(text: &str) -> Option<Load> {
    let mut requests_per_sec = None;
    let mut p99_ms = None;
    let mut errors = 0;
    for line in text.lines().map(str::trim) {
        if let Some(value) = line.strip_prefix("Requests/sec:") {
            requests_per_sec = value.trim().parse().ok();
        } else if let Some(value) = line.strip_prefix("99%") {
            p99_ms = duration_ms(value.trim());
        } else if let Some(value) = line.strip_prefix("Non-2xx or 3xx responses:") {
            errors = value.trim().parse().unwrap_or(u64::MAX);
        }
    }
    Some(Load {
        requests_per_sec: requests_per_sec?,
        p99_ms: p99_ms?,
        errors,
        load_before: 0.0,
    })
}

/// wrk's durations (`812.00us`, `1.23ms`, `2.00s`, `1.5m`) in milliseconds.
fn duration_ms(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1_000.0,
        "m" => 60_000.0,
        _ => return None,
    };
    Some(number * factor)
}

/// Starts nginx from Debian serving `body` as a static JSON file; returns it and the URL.
fn start_nginx(paths: &Paths, body: &str) -> Result<(Server, String), String> {
    let dir = paths.bench.join("nginx");
    let www = dir.join("www");
    let temp = dir.join("tmp");
    for d in [&www, &temp] {
        fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    fs::write(www.join("addons.json"), body).map_err(|e| format!("{}: {e}", www.display()))?;
    let addr = free_addr()?;
    let config = nginx_config(&dir, addr);
    let conf = dir.join("nginx.conf");
    fs::write(&conf, config).map_err(|e| format!("{}: {e}", conf.display()))?;

    let error_log = dir.join("error.log").display().to_string();
    let (prefix, conf) = (dir.display().to_string(), conf.display().to_string());
    let nginx = if which("nginx").is_some() {
        "nginx"
    } else {
        "/usr/sbin/nginx"
    };
    let cmd = command(
        nginx,
        &["-e", &error_log, "-p", &prefix, "-c", &conf],
        &paths.repo,
    );
    let log = dir.join("stdout.log");
    let mut server = Server::spawn("nginx", cmd, &log)?;
    server.wait_listening(addr, &log)?;
    Ok((server, format!("http://{addr}/addons.json")))
}

/// A foreground nginx with the Debian defaults that matter (workers per core, access log
/// on), every path inside `dir`, one server on `addr`.
fn nginx_config(dir: &Path, addr: SocketAddr) -> String {
    let d = dir.display();
    format!(
        "daemon off;\nworker_processes auto;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n  access_log {d}/access.log;\n  sendfile on;\n  tcp_nopush on;\n\
         \x20 client_body_temp_path {d}/tmp;\n  proxy_temp_path {d}/tmp;\n\
         \x20 fastcgi_temp_path {d}/tmp;\n  uwsgi_temp_path {d}/tmp;\n  scgi_temp_path {d}/tmp;\n\
         \x20 types {{ application/json json; }}\n\
         \x20 server {{ listen {addr}; root {d}/www; }}\n}}\n"
    )
}

/// The cache-memory example (see crates/proxy/examples/cache_memory.rs) in one mode.
fn cache_memory(
    paths: &Paths,
    answer: &Path,
    mode: &str,
) -> Result<BTreeMap<String, String>, String> {
    let binary = paths.release.join("examples").join("cache_memory");
    let args = [
        answer.display().to_string(),
        CACHED_ENDPOINTS.to_string(),
        mode.to_string(),
        FILL_SECS.to_string(),
    ];
    let mut cmd = command(&binary.display().to_string(), &args, &paths.repo);
    cmd.stderr(Stdio::inherit());
    println!("$ {}", describe(&cmd));
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    if !out.status.success() {
        return Err(format!("cache_memory {mode} ended with {}", out.status));
    }
    Ok(text
        .lines()
        .filter_map(|line| line.split_once(' '))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect())
}

fn proc_rss_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

fn proxy_rows(
    report: &mut Report,
    burst: &BTreeMap<String, String>,
    (proxy_runs, nginx_runs): (&[Load], &[Load]),
    (cached, plain): (&BTreeMap<String, String>, &BTreeMap<String, String>),
    proxy_rss: Option<u64>,
    body: &str,
) {
    let conns = CONNECTIONS;
    let (proxy, nginx) = (&best(proxy_runs), &best(nginx_runs));
    report
        .row(
            "Proxy",
            &format!("cache hits, {conns} connections, {LOAD_SECS} s: requests/s"),
            thousands(proxy.requests_per_sec as u64),
            format!("nginx {}", thousands(nginx.requests_per_sec as u64)),
        )
        .ratio(ratio(proxy.requests_per_sec, nginx.requests_per_sec))
        .goal("≥ 0.5x nginx");
    report
        .row(
            "Proxy",
            "cache hits: p99 latency",
            format!("{:.2} ms", proxy.p99_ms),
            format!("nginx {:.2} ms", nginx.p99_ms),
        )
        .ratio(ratio(proxy.p99_ms, nginx.p99_ms));
    if proxy.errors > 0 || nginx.errors > 0 {
        report.notes.push(format!(
            "Proxy: answers that were not 2xx/3xx during the load: proxy {}, nginx {}; \
             the throughput figures above are not trustworthy.",
            proxy.errors, nginx.errors
        ));
    }
    let runs = |all: &[Load]| {
        all.iter()
            .map(|l| {
                let (rps, p99, load) = (l.requests_per_sec, l.p99_ms, l.load_before);
                format!(
                    "{} req/s, p99 {p99:.2} ms (load {load:.1})",
                    thousands(rps as u64)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    report.notes.push(format!(
        "Proxy throughput: Debian's wrk, 2 threads, {conns} connections, {LOAD_SECS} s per run, \
         `Authorization: Bearer <demo token>` on every request, one endpoint's answer ({} B) \
         cached for an hour, per-traveler rate limit off (`--rate-limit-per-min 0`), request \
         log at its default level (info) to a file. {} with `worker_processes auto`, \
         access log on, serving the same bytes as a static file. {LOAD_ROUNDS} runs each, \
         alternating, best shown; wrk, the server and anything else running share the 2 \
         cores, so p99 mostly shows scheduling stalls (nginx's two worker processes and \
         wrk's two threads take turns on them). All runs (1-minute load average before): \
         proxy {}; nginx {}.",
        body.len(),
        nginx_version(),
        runs(proxy_runs),
        runs(nginx_runs),
    ));

    let get = |name: &str| match burst.get(name) {
        Some(value) => value
            .parse::<u64>()
            .map_or_else(|_| value.clone(), thousands),
        None => "?".into(),
    };
    report
        .row(
            "Proxy",
            &format!(
                "SFT calls for {} concurrent requests, one endpoint, cold cache",
                thousands(u64::from(BURST_REQUESTS))
            ),
            format!("{} details call(s)", get("burst_sft_details")),
            format!(
                "{} requests, {} answered 200",
                get("burst_requests"),
                get("burst_ok")
            ),
        )
        .ratio(None)
        .goal("1");
    report.notes.push(format!(
        "Proxy burst: {} requests sent at once by Node's fetch right after the proxy started, \
         answered in {} ms; SFT calls read from the simulator's `/sim/calls` before and after \
         (besides the details call: {} login, {} token refresh).",
        get("burst_requests"),
        get("burst_ms"),
        get("burst_sft_logins"),
        get("burst_sft_refreshes"),
    ));

    let number =
        |map: &BTreeMap<String, String>, name: &str| -> Option<f64> { map.get(name)?.parse().ok() };
    let per_entry = |map: &BTreeMap<String, String>| -> Option<(f64, f64)> {
        let grown = number(map, "rss_after_kib")? - number(map, "rss_before_kib")?;
        let entries = number(map, "entries")?;
        (entries > 0.0).then(|| (grown * 1024.0 / entries, entries))
    };
    let target = f64::from(CACHED_ENDPOINTS);
    match (per_entry(cached), per_entry(plain)) {
        (Some((cache_bytes, filled)), Some((plain_bytes, plain_filled))) => {
            let extrapolated = filled < target;
            let value = format!(
                "{}{} ({:.0} B per endpoint)",
                if extrapolated { "≈ " } else { "" },
                mb(cache_bytes * target),
                cache_bytes
            );
            let baseline = format!(
                "same answers in a Vec: {} ({:.0} B each)",
                mb(plain_bytes * plain_filled),
                plain_bytes
            );
            report
                .row(
                    "Proxy",
                    &format!(
                        "resident memory growth with {} cached endpoints",
                        thousands(u64::from(CACHED_ENDPOINTS))
                    ),
                    value,
                    baseline,
                )
                .ratio(ratio(cache_bytes, plain_bytes));
            let checkpoints: Vec<String> = cached
                .iter()
                .filter_map(|(k, v)| {
                    Some((k.strip_prefix("fill_secs_at_")?.parse::<u64>().ok()?, v))
                })
                .collect::<BTreeMap<u64, &String>>()
                .into_iter()
                .map(|(n, secs)| format!("{}: {secs} s", thousands(n)))
                .collect();
            report.notes.push(format!(
                "Proxy memory: `crates/proxy/examples/cache_memory.rs` stores copies of the real \
                 {} B answer of the demo endpoint under distinct endpoint ids through the \
                 proxy's own `AnswerCache::get_or_fetch`, and reads `VmRSS` of its process \
                 from /proc before and after; the baseline keeps the same parsed answers in a \
                 `Vec`. Filling was bounded to {FILL_SECS} s and reached {} entries{}. \
                 Fill time by entries: {}. The proxy process itself used {} after the load and \
                 browser runs.",
                body.len(),
                thousands(filled as u64),
                if extrapolated {
                    "; the figure is the per-entry growth times 100,000. Filling slows as the \
                     cache grows: once it holds 4,096 keys, each new key makes \
                     `AnswerCache::slot` scan every slot to prune (`PRUNE_ABOVE` in \
                     crates/proxy/src/cache.rs), so an insert costs time in proportion to the \
                     entries already cached"
                } else {
                    ""
                },
                if checkpoints.is_empty() {
                    "-".into()
                } else {
                    checkpoints.join(", ")
                },
                proxy_rss.map_or_else(|| "?".into(), |kib| mb(kib as f64 * 1024.0)),
            ));
        }
        _ => report
            .notes
            .push("Proxy memory: the cache_memory example printed no figures.".into()),
    }
}

/// The table rows of the browser figures (see tests/bench/browser.mjs).
fn browser_rows(f: &BTreeMap<String, String>, report: &mut Report) {
    let n = |name: &str| f.get(name).and_then(|v| v.parse::<f64>().ok());
    let ms = |name: &str| n(name).map_or_else(|| "?".into(), |v| format!("{v:.1} ms"));
    let runs = f.get("paint_runs").cloned().unwrap_or_else(|| "?".into());
    let stat = ms("paint_static_ms");
    let paint_ratio = |name: &str| {
        n(name)
            .zip(n("paint_static_ms"))
            .and_then(|(a, b)| ratio(a, b))
    };

    report
        .row(
            "First paint",
            &format!("widget, warm localStorage, API delayed 2 s (median of {runs})"),
            ms("paint_cached_ms"),
            format!("static page {stat}"),
        )
        .ratio(paint_ratio("paint_cached_ms"))
        .goal("≤ 1.5x static");
    report
        .row(
            "First paint",
            &format!("widget, no cache (median of {runs})"),
            ms("paint_uncached_ms"),
            format!("static page {stat}"),
        )
        .ratio(paint_ratio("paint_uncached_ms"));
    report
        .row(
            "First paint",
            "static HTML of the same cards (the floor)",
            stat.clone(),
            String::new(),
        )
        .ratio(Some(1.0));

    for count in [15, 200] {
        report
            .row(
                "Rendering",
                &format!("{count} cards: answer received → cards laid out (median)"),
                ms(&format!("render_{count}_ms")),
                format!(
                    "same HTML by innerHTML {}",
                    ms(&format!("render_{count}_static_ms"))
                ),
            )
            .ratio(
                n(&format!("render_{count}_ms"))
                    .zip(n(&format!("render_{count}_static_ms")))
                    .and_then(|(a, b)| ratio(a, b)),
            );
    }
    report
        .row(
            "Rendering",
            "one countdown tick, 200 cards: script + style/layout (median)",
            format!("{} (p90 {})", ms("tick_200_ms"), ms("tick_200_p90_ms")),
            format!(
                "15 cards {}; empty callback {}",
                ms("tick_15_ms"),
                ms("tick_noop_ms")
            ),
        )
        .ratio(
            n("tick_200_ms")
                .zip(n("tick_15_ms"))
                .and_then(|(a, b)| ratio(a, b)),
        )
        .goal("≤ 1 ms");
    let bytes = |name: &str| n(name).map_or_else(|| "?".into(), |v| kb(v as u64));
    report
        .row(
            "Rendering",
            "JS heap after 10 simulated minutes of ticking (200 cards, after GC)",
            bytes("heap_end_bytes"),
            format!("at start {}", bytes("heap_start_bytes")),
        )
        .ratio(
            n("heap_end_bytes")
                .zip(n("heap_start_bytes"))
                .and_then(|(a, b)| ratio(a, b)),
        )
        .goal("no growth");
    report
        .row(
            "Rendering",
            "wasm memory / DOM nodes / JS listeners after those 10 minutes",
            format!(
                "{} / {} / {}",
                bytes("heap_wasm_end_bytes"),
                f.get("heap_nodes_end").map_or("?", String::as_str),
                f.get("heap_listeners_end").map_or("?", String::as_str)
            ),
            format!(
                "at start {} / {} / {}",
                bytes("heap_wasm_start_bytes"),
                f.get("heap_nodes_start").map_or("?", String::as_str),
                f.get("heap_listeners_start").map_or("?", String::as_str)
            ),
        )
        .ratio(
            n("heap_wasm_end_bytes")
                .zip(n("heap_wasm_start_bytes"))
                .and_then(|(a, b)| ratio(a, b)),
        )
        .goal("no growth");

    report.notes.push(format!(
        "First paint: headless Chromium {} (playwright-core) over loopback, a fresh browser \
         context per load (empty HTTP cache, service workers blocked), the three variants \
         interleaved after one unmeasured load each. The time is `performance.now()` (from \
         navigation start) in the first animation frame in which a `.addon-card` inside \
         `addon-usage`'s shadow root has a box. Warm cache: localStorage saved from an earlier \
         visit, every `/api/**` request held 2 s by `page.route`; the page names no traveler, so \
         the widget reads it from the token (`/demo/token`, not held) before it opens the \
         cache. No cache: empty localStorage, the proxy's answers already cached. Static page: the demo's \
         rendered shadow root ({} cards) and its stylesheet saved once into a declarative \
         shadow root, served by the proxy (CSP bypassed for that page only, for its inline \
         style). Min–max: warm {}–{}, no cache {}–{}, static {}–{}.",
        f.get("chromium_version").map_or("?", String::as_str),
        f.get("paint_cards").map_or("?", String::as_str),
        ms("paint_cached_min_ms"),
        ms("paint_cached_max_ms"),
        ms("paint_uncached_min_ms"),
        ms("paint_uncached_max_ms"),
        ms("paint_static_min_ms"),
        ms("paint_static_max_ms"),
    ));
    report.notes.push(
        "Rendering: the API is answered by `page.route` with one endpoint whose snapshot holds \
         N instances made from the demo endpoint's real ones (distinct uniqueId and addonId, \
         deadlines spread over days). Time from the answer's `responseEnd` (resource timing) \
         to the MutationObserver callback in which the shadow root holds N cards, after a \
         forced layout: JSON parsing, state updates and DOM building included, paint not. \
         Baseline: the same shadow-root HTML set by `innerHTML` into a fresh shadow root with \
         the same stylesheet, then a forced layout."
            .into(),
    );
    report.notes.push(format!(
        "Tick: the page's `setInterval` is wrapped so that each one-second callback is timed \
         from its start to a MessageChannel task queued at its end (the callback plus the \
         microtasks in which Leptos updates the DOM), plus a forced style and layout right \
         after; median and p90 of {} ticks. The empty callback is the instrument's own cost. \
         Per tick with 200 cards (15 cards): {} ({}) DOM mutations and {} ({}) `Intl` \
         formatter objects constructed (counted through a Proxy on `Intl.*`).",
        f.get("tick_samples").map_or("?", String::as_str),
        f.get("tick_200_mutations").map_or("?", String::as_str),
        f.get("tick_15_mutations").map_or("?", String::as_str),
        f.get("tick_200_intl").map_or("?", String::as_str),
        f.get("tick_15_intl").map_or("?", String::as_str),
    ));
    report.notes.push(format!(
        "Heap: Chromium's virtual time (CDP `Emulation.setVirtualTimePolicy`, budget 600 s) \
         ran the page's timers and clock forward: {} ticks over {} simulated seconds in {} s \
         of real time, with the 200-card page. JS heap is `Runtime.getHeapUsage` after \
         `HeapProfiler.collectGarbage`; wasm memory is the widget's `WebAssembly.Memory` (it \
         only grows); DOM nodes and listeners from `Memory.getDOMCounters`.",
        f.get("heap_ticks").map_or("?", String::as_str),
        f.get("heap_simulated_secs").map_or("?", String::as_str),
        f.get("heap_real_secs").map_or("?", String::as_str),
    ));
}

// ---------------------------------------------------------------------------------------
// A little HTTP and JSON, standard library only

/// `GET path` on `addr` with HTTP/1.1 and `Connection: close`; the body of a 200 answer.
fn http_get(addr: SocketAddr, path: &str, token: Option<&str>) -> Result<String, String> {
    let failed = |e: std::io::Error| format!("GET http://{addr}{path}: {e}");
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(failed)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(failed)?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}\r\n");
    stream.write_all(request.as_bytes()).map_err(failed)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(failed)?;

    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("GET {path}: no HTTP answer"))?;
    let status = head.split_whitespace().nth(1).unwrap_or_default();
    if status != "200" {
        return Err(format!("GET {path}: HTTP {status}"));
    }
    let chunked = head
        .lines()
        .any(|l| l.to_ascii_lowercase().starts_with("transfer-encoding:") && l.contains("chunked"));
    Ok(if chunked {
        dechunk(body)
    } else {
        body.to_string()
    })
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(len) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if len == 0 || rest.len() < len {
            break;
        }
        out.push_str(&rest[..len]);
        body = rest[len..].trim_start_matches("\r\n");
    }
    out
}

/// The first string value of `"field"` in `json` (no escapes expected: ids and tokens).
fn json_string(json: &str, field: &str) -> Option<String> {
    let key = format!("\"{field}\":\"");
    let start = json.find(&key)? + key.len();
    let end = json[start..].find('"')?;
    Some(json[start..start + end].to_string())
}

fn first_endpoint(traveler: &str) -> Option<String> {
    let endpoints = &traveler[traveler.find("\"endpoints\"")?..];
    json_string(endpoints, "id")
}

// ---------------------------------------------------------------------------------------
// Output

fn ratio(value: f64, baseline: f64) -> Option<f64> {
    (baseline > 0.0 && value.is_finite()).then(|| value / baseline)
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bytes as KB of 1,000 bytes with one decimal.
fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1_000.0)
}

fn mb(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1_000_000.0)
}

/// The machine the figures come from.
fn machine(
    browser: &BTreeMap<String, String>,
    (load_at_start, load_at_end): (f64, f64),
) -> Vec<(&'static str, String)> {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or_else(|| "unknown".into(), |(_, v)| v.trim().to_string());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .map(str::to_string)
        })
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or_else(
            || "unknown".into(),
            |kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0),
        );
    let os = fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(str::to_string)
        })
        .map_or_else(|| "unknown".into(), |v| v.trim_matches('"').to_string());
    let kernel = probe("uname", &["-r"]).unwrap_or_default();
    let unknown = || "unknown".to_string();
    vec![
        ("CPU", format!("{cpu}, {cores} cores available")),
        ("Memory", memory),
        ("OS", format!("{os}, Linux {kernel}")),
        (
            "rustc",
            probe("rustc", &["--version"]).unwrap_or_else(unknown),
        ),
        (
            "Chromium",
            browser
                .get("chromium_version")
                .cloned()
                .unwrap_or_else(unknown),
        ),
        (
            "Node.js",
            probe("node", &["--version"]).unwrap_or_else(unknown),
        ),
        (
            "wrk / nginx",
            format!("{} / {}", wrk_version(), nginx_version()),
        ),
        (
            "Date",
            probe("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_else(unknown),
        ),
        (
            "Load average (1 min)",
            format!(
                "{load_at_start:.1} at the start of the measurements, {load_at_end:.1} at the \
                 end (the machine is shared; figures move with it)"
            ),
        ),
    ]
}

fn wrk_version() -> String {
    // `wrk -v` prints its banner and exits with 1.
    Command::new("wrk")
        .arg("-v")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .nth(1)
                .map(str::to_string)
        })
        .unwrap_or_else(|| "unknown".into())
}

fn nginx_version() -> String {
    Command::new(if which("nginx").is_some() {
        "nginx"
    } else {
        "/usr/sbin/nginx"
    })
    .arg("-v")
    .output()
    .ok()
    .map(|o| {
        String::from_utf8_lossy(&o.stderr)
            .trim()
            .trim_start_matches("nginx version: ")
            .to_string()
    })
    .unwrap_or_else(|| "unknown".into())
}

fn markdown(report: &Report, machine: &[(&str, String)]) -> String {
    let mut text = String::from("# Benchmarks\n\n");
    text.push_str(
        "Written by `cargo xtask bench`. Every figure stands beside a baseline measured in the \
         same run on the same machine; goals and budgets are printed, not enforced.\n\n",
    );
    for (name, value) in machine {
        text.push_str(&format!("- **{name}**: {value}\n"));
    }
    text.push('\n');
    text.push_str(
        "| Area | Figure | addon-usage | Baseline (same run) | Ratio | Goal / budget |\n",
    );
    text.push_str("|---|---|---|---|---|---|\n");
    for row in &report.rows {
        text.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            row.area, row.figure, row.value, row.baseline, row.ratio, row.goal
        ));
    }
    text.push_str("\n## Largest contributors to the wasm\n\n```text\n");
    for line in &report.contributors {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("```\n\n## How each figure is measured\n\n");
    for note in &report.notes {
        text.push_str(&format!("- {note}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_output_gives_throughput_p99_and_errors() {
        let text = "\
Running 10s test @ http://127.0.0.1:1/x
  Latency Distribution
     50%  489.00us
     99%   11.01ms
  104806 requests in 5.03s, 246.48MB read
  Non-2xx or 3xx responses: 3
Requests/sec:  20849.98
Transfer/sec:     49.03MB
";

        let load = parse_wrk(text).unwrap();

        assert_eq!(
            load,
            Load {
                requests_per_sec: 20849.98,
                p99_ms: 11.01,
                errors: 3,
                load_before: 0.0,
            }
        );
    }

    #[test]
    fn wrk_durations_convert_to_milliseconds() {
        let cases = [
            ("812.00us", Some(0.812)),
            ("1.50ms", Some(1.5)),
            ("2.00s", Some(2000.0)),
            ("1.00m", Some(60000.0)),
            ("fast", None),
        ];

        for (text, expected) in cases {
            let got = duration_ms(text);
            match (got, expected) {
                (Some(g), Some(e)) => assert!((g - e).abs() < 1e-9, "{text}: {g}"),
                _ => assert_eq!(got, expected, "{text}"),
            }
        }
    }

    #[test]
    fn figure_lines_are_collected_and_other_output_ignored() {
        let text = "figure paint_cached_ms 510.8\nsomething else\nfigure chromium_version 156.0\n";

        let figures = parse_figures(text);

        assert_eq!(figures.len(), 2);
        assert_eq!(figures["paint_cached_ms"], "510.8");
        assert_eq!(figures["chromium_version"], "156.0");
    }

    #[test]
    fn twiggy_csv_keeps_quoted_names_with_commas_and_quotes() {
        let text = "Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent\n\
                    \"\"\"function names\"\" subsection\",433014,36.9,,\n\
                    \"<T as core::convert::From<(A, B)>>::from::h1\",1200,0.1,,\n\
                    leptos::mount::mount_to::h2,900,0.1,,\n";

        let items = parse_twiggy_csv(text);

        assert_eq!(
            items,
            vec![
                ("\"function names\" subsection".to_string(), 433014),
                (
                    "<T as core::convert::From<(A, B)>>::from::h1".to_string(),
                    1200
                ),
                ("leptos::mount::mount_to::h2".to_string(), 900),
            ]
        );
    }

    #[test]
    fn items_are_attributed_to_the_crate_their_name_starts_with() {
        let cases = [
            ("addon_usage::element::mount::h06b1", "addon_usage"),
            (
                "<T as tachys::view::any_view::IntoAny>::into_any::h6",
                "tachys",
            ),
            ("<f64 as core[c5930c85a12de822]::fmt::Display>::fmt", "core"),
            ("<serde_json::de::Deserializer as X>::f", "serde_json"),
            ("data segment \".rodata.88\"", "(data segments)"),
            ("code[12]", "(unnamed functions)"),
            ("memcpy", "(other)"),
        ];

        for (name, expected) in cases {
            assert_eq!(crate_of(name), expected, "{name}");
        }
    }

    #[test]
    fn trunk_hashed_file_names_are_told_from_stable_ones() {
        let cases = [
            ("addon-usage-f679a272dcda4eb_bg.wasm", true),
            ("addon-usage-5fc5e589e72e259e.js", true),
            ("page-a73b24b271a08d73.css", true),
            ("sw.js", false),
            ("embed.js", false),
            ("portal.css", false),
        ];

        for (name, expected) in cases {
            assert_eq!(file_is_hashed(name), expected, "{name}");
        }
    }

    #[test]
    fn json_fields_are_read_without_a_parser() {
        let traveler = r#"{"endpoints":[{"id":"880154","label":"Europe"}],"purchases":[]}"#;

        assert_eq!(first_endpoint(traveler).as_deref(), Some("880154"));
        assert_eq!(
            json_string(r#"{"token":"a.b.c","x":1}"#, "token").as_deref(),
            Some("a.b.c")
        );
        assert_eq!(json_string("{}", "token"), None);
    }

    #[test]
    fn thousands_are_separated_by_commas() {
        let cases = [(0, "0"), (999, "999"), (1000, "1,000"), (100000, "100,000")];

        for (n, expected) in cases {
            assert_eq!(thousands(n), expected);
        }
    }

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(dechunk("4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n"), "abcdefg");
    }
}
