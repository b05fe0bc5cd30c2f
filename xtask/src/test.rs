//! `cargo xtask test`: every check and test, in order, failing fast, with a timed summary.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::build;
use crate::shell::{command, run};
use crate::tools::{self, cargo};

/// What `cargo xtask test` should leave out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TestOptions {
    /// Skip the Playwright end-to-end test (and the release builds it needs).
    pub skip_e2e: bool,
}

/// One named step of the test run.
struct Step<'a> {
    name: &'static str,
    action: Box<dyn Fn() -> Result<(), String> + 'a>,
}

/// How a step ended, for the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Passed(Duration),
    Failed(Duration),
    NotRun,
}

/// Runs every step; returns an error (already reported) when one fails.
pub fn run_all(repo: &Path, options: TestOptions) -> Result<(), String> {
    let corpus = Rc::new(RefCell::new(None::<String>));
    let steps = plan(repo, options, Rc::clone(&corpus));
    let mut outcomes = Vec::with_capacity(steps.len());
    let mut failure = None;

    for (index, step) in steps.iter().enumerate() {
        if failure.is_some() {
            outcomes.push(Outcome::NotRun);
            continue;
        }

        println!();
        println!("==> step {}/{}: {}", index + 1, steps.len(), step.name);
        let started = Instant::now();
        let result = (step.action)();
        let took = started.elapsed();

        match result {
            Ok(()) => outcomes.push(Outcome::Passed(took)),
            Err(err) => {
                eprintln!("step {} failed: {err}", step.name);
                outcomes.push(Outcome::Failed(took));
                failure = Some(format!("step {} failed", step.name));
            }
        }
    }

    let names: Vec<&str> = steps.iter().map(|step| step.name).collect();
    println!();
    if let Some(line) = corpus.borrow().as_deref() {
        println!("robustness {line}");
    }
    print!("{}", summary(&names, &outcomes));

    match failure {
        Some(message) => Err(message),
        None => Ok(()),
    }
}

/// The steps in the order they run.
fn plan(repo: &Path, options: TestOptions, corpus: Rc<RefCell<Option<String>>>) -> Vec<Step<'_>> {
    let cargo_step =
        move |args: &'static [&'static str]| move || run(&mut command(&cargo(), args, repo));

    let mut steps = vec![
        Step {
            name: "install missing tools",
            action: Box::new(move || {
                tools::ensure(
                    repo,
                    tools::Needs {
                        browser: true,
                        redis: true,
                    },
                )
            }),
        },
        Step {
            name: "rustfmt check",
            action: Box::new(move || {
                cargo_step(&["fmt", "--all", "--", "--check"])()
                    .map_err(|err| format!("{err}; run `cargo fmt --all` and commit the result"))
            }),
        },
        Step {
            name: "clippy (native)",
            action: Box::new(cargo_step(&[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ])),
        },
        Step {
            name: "clippy (widget, wasm32)",
            action: Box::new(cargo_step(&[
                "clippy",
                "-p",
                "addon-usage",
                "--all-targets",
                "--target",
                "wasm32-unknown-unknown",
                "--",
                "-D",
                "warnings",
            ])),
        },
        Step {
            name: "native tests",
            action: Box::new(cargo_step(&["test", "--workspace"])),
        },
        Step {
            name: "hostile-input corpus",
            action: Box::new(move || {
                *corpus.borrow_mut() = Some(corpus_summary(repo)?);
                Ok(())
            }),
        },
        Step {
            name: "browser component tests",
            action: Box::new(move || browser_component_tests(repo)),
        },
    ];

    if !options.skip_e2e {
        steps.extend([
            Step {
                name: "widget release build",
                action: Box::new(move || build::widget(repo)),
            },
            Step {
                name: "proxy build",
                action: Box::new(move || build::proxy(repo)),
            },
            Step {
                name: "end-to-end tests",
                action: Box::new(move || end_to_end_tests(repo)),
            },
        ]);
    }

    steps
}

/// The widget's `wasm_bindgen_test` tests in headless Chromium via chromedriver.
fn browser_component_tests(repo: &Path) -> Result<(), String> {
    let driver = tools::chromedriver()
        .ok_or("chromedriver is missing; install Debian's chromium-driver and rerun")?;

    let args = [
        "test",
        "-p",
        "addon-usage",
        "--target",
        "wasm32-unknown-unknown",
    ];
    let mut cmd = command(&cargo(), &args, repo);
    cmd.env("CHROMEDRIVER", driver).env(
        "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
        repo.join("webdriver.json"),
    );
    run(&mut cmd)
}

/// The Playwright test in `tests/e2e`, which starts the proxy itself on free ports.
fn end_to_end_tests(repo: &Path) -> Result<(), String> {
    let files = e2e_files(&repo.join("tests").join("e2e"))?;

    let mut args = vec!["--test".to_string(), "--test-reporter=spec".to_string()];
    args.extend(files.iter().map(|file| file.display().to_string()));
    let mut cmd = command("node", &args, repo);
    cmd.env("ADDON_USAGE_PROXY_BIN", build::proxy_binary(repo))
        .env("ADDON_USAGE_WIDGET_DIR", build::widget_dir(repo))
        .env("ADDON_USAGE_CHROMIUM", tools::CHROMIUM);
    run(&mut cmd)
}

/// The end-to-end test files, sorted; passed by name because `node --test <dir>`
/// behaves differently across Node versions.
fn e2e_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|err| format!("cannot read {}: {err}", dir.display()))?;

    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    files.sort();

    if files.is_empty() {
        return Err(format!("no *.test.mjs files in {}", dir.display()));
    }
    Ok(files)
}

/// The summary table: one line per step, then `N passed, M failed`.
fn summary(names: &[&str], outcomes: &[Outcome]) -> String {
    let mut text = String::from("summary:\n");
    let (mut passed, mut failed) = (0, 0);

    for (name, outcome) in names.iter().zip(outcomes) {
        let line = match outcome {
            Outcome::Passed(took) => {
                passed += 1;
                format!("  ok      {:>7.1}s  {name}\n", took.as_secs_f64())
            }
            Outcome::Failed(took) => {
                failed += 1;
                format!("  FAILED  {:>7.1}s  {name}\n", took.as_secs_f64())
            }
            Outcome::NotRun => format!("  not run {:>8}  {name}\n", ""),
        };
        text.push_str(&line);
    }

    text.push_str(&format!("{passed} passed, {failed} failed\n"));
    text
}

/// Runs the malformed-answer corpus on its own and returns its `corpus: N cases, M
/// failed` line, so the run's summary can state the corpus size.
fn corpus_summary(repo: &Path) -> Result<String, String> {
    let args = [
        "test",
        "-q",
        "-p",
        "addon-usage-core",
        "--test",
        "malformed_corpus",
        "--",
        "--nocapture",
    ];
    let output = command(&cargo(), &args, repo)
        .output()
        .map_err(|err| format!("cannot run the corpus: {err}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    print!("{stdout}");
    eprint!("{stderr}");
    let line = stdout
        .lines()
        .chain(stderr.lines())
        .find(|l| l.trim_start().starts_with("corpus:"))
        .map(|l| l.trim().to_owned());
    match (output.status.success(), line) {
        (true, Some(line)) => Ok(line),
        (true, None) => Err("the corpus printed no summary line".into()),
        (false, _) => Err("the corpus has failures".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lists_every_step_and_ends_with_the_counts() {
        let names = ["fmt", "clippy", "tests"];
        let outcomes = [
            Outcome::Passed(Duration::from_millis(1500)),
            Outcome::Failed(Duration::from_secs(3)),
            Outcome::NotRun,
        ];

        let text = summary(&names, &outcomes);

        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5);
        assert!(lines[1].contains("ok") && lines[1].contains("1.5s") && lines[1].ends_with("fmt"));
        assert!(lines[2].contains("FAILED") && lines[2].ends_with("clippy"));
        assert!(lines[3].contains("not run") && lines[3].ends_with("tests"));
        assert_eq!(lines[4], "1 passed, 1 failed");
    }

    #[test]
    fn skipping_e2e_drops_the_release_builds_and_the_browser_run() {
        let repo = Path::new("/repo");

        let corpus = Rc::new(RefCell::new(None));
        let full = plan(repo, TestOptions::default(), Rc::clone(&corpus)).len();
        let skipped = plan(repo, TestOptions { skip_e2e: true }, corpus).len();

        assert_eq!(full - skipped, 3);
    }
}
