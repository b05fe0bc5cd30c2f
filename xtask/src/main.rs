//! Project automation: `cargo xtask demo`, `cargo xtask test` and `cargo xtask bench`.
//!
//! Standard library only, so it compiles in seconds on a fresh clone. Both commands
//! install the tools they need when missing (see `tools`), then build and run.

mod bench;
mod build;
mod demo;
mod shell;
mod test;
mod tools;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use test::TestOptions;

const USAGE: &str = "\
Usage:
  cargo xtask demo [--port N]   build the widget and proxy, serve them with the SFT simulator
                                on http://127.0.0.1:N/ (default 8080) until Ctrl-C
  cargo xtask test [--skip-e2e] install missing tools, then run formatting, clippy, native
                                tests, browser component tests and the end-to-end test
  cargo xtask bench             measure size, first paint, rendering and proxy throughput
                                beside same-run baselines; writes BENCHMARKS.md
  cargo xtask help              show this text
";

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
enum Task {
    Demo { port: u16 },
    Test(TestOptions),
    Bench,
    Help,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = match parse(&args) {
        Ok(task) => task,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let repo = repo_root();
    tools::prepare_environment(&repo);

    let result = match task {
        Task::Demo { port } => demo::run(&repo, port),
        Task::Test(options) => test::run_all(&repo, options),
        Task::Bench => bench::run(&repo),
        Task::Help => {
            print!("{USAGE}");
            Ok(())
        }
    };

    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Reads the command line (without the program name) into a [`Task`].
fn parse(args: &[String]) -> Result<Task, String> {
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => return Err("no command given".to_string()),
    };

    match command {
        "demo" => parse_demo(rest),
        "test" => parse_test(rest),
        "bench" if rest.is_empty() => Ok(Task::Bench),
        "bench" => Err(format!("unknown option `{}` for bench", rest[0])),
        "help" | "--help" | "-h" => Ok(Task::Help),
        other => Err(format!("unknown command `{other}`")),
    }
}

fn parse_demo(args: &[String]) -> Result<Task, String> {
    let mut port = demo::DEFAULT_PORT;
    let mut args = args.iter();

    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "--port" => args
                .next()
                .ok_or("--port needs a number, e.g. --port 8081")?,
            other => match other.strip_prefix("--port=") {
                Some(value) => value,
                None => return Err(format!("unknown option `{other}` for demo")),
            },
        };
        port = value
            .parse()
            .ok()
            .filter(|port| *port != 0)
            .ok_or_else(|| format!("--port needs a number from 1 to 65535, not `{value}`"))?;
    }

    Ok(Task::Demo { port })
}

fn parse_test(args: &[String]) -> Result<Task, String> {
    let mut options = TestOptions::default();

    for arg in args {
        match arg.as_str() {
            "--skip-e2e" => options.skip_e2e = true,
            other => return Err(format!("unknown option `{other}` for test")),
        }
    }

    Ok(Task::Test(options))
}

/// The workspace root: xtask lives one directory below it.
fn repo_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn command_lines_parse_to_tasks() {
        let cases = [
            ("demo", Task::Demo { port: 8080 }),
            ("demo --port 9000", Task::Demo { port: 9000 }),
            ("demo --port=9001", Task::Demo { port: 9001 }),
            ("test", Task::Test(TestOptions::default())),
            (
                "test --skip-e2e",
                Task::Test(TestOptions { skip_e2e: true }),
            ),
            ("bench", Task::Bench),
            ("help", Task::Help),
            ("--help", Task::Help),
        ];

        for (line, expected) in cases {
            assert_eq!(parse(&args(line)), Ok(expected), "command line `{line}`");
        }
    }

    #[test]
    fn bad_command_lines_are_refused_with_a_reason() {
        let cases = [
            ("", "no command"),
            ("build", "unknown command"),
            ("demo --port", "needs a number"),
            ("demo --port 0", "1 to 65535"),
            ("demo --port eighty", "1 to 65535"),
            ("demo --verbose", "unknown option"),
            ("test --fast", "unknown option"),
            ("bench --quick", "unknown option"),
        ];

        for (line, reason) in cases {
            let error = parse(&args(line)).expect_err(line);
            assert!(error.contains(reason), "`{line}` gave `{error}`");
        }
    }

    #[test]
    fn repo_root_is_the_workspace_with_the_widget_manifest() {
        let root = repo_root();

        assert!(root.join("Cargo.toml").is_file());
        assert!(root.join("xtask").is_dir());
    }
}
