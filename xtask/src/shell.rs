//! Running external programs: echo what runs, and turn failures into sentences.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Builds a command for `program` with `args`, to run in `dir`.
pub fn command<S: AsRef<OsStr>>(program: &str, args: &[S], dir: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(dir);
    cmd
}

/// Runs `cmd` to completion with the terminal attached, echoing it first.
///
/// The error names the command and how it ended, so the caller only adds what to do.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = describe(cmd);
    println!("$ {shown}");

    let status = cmd
        .status()
        .map_err(|err| format!("could not start `{shown}`: {err}"))?;

    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` ended with {status}"))
    }
}

/// Runs `program args` quietly and returns its trimmed standard output.
///
/// `None` when the program is missing, cannot start, or exits unsuccessfully: the
/// callers use this to probe for tools, where all three mean "not usable".
pub fn probe(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;

    if out.status.success() {
        Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        None
    }
}

/// Finds `program` on `PATH`, like `command -v`.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// The command line of `cmd` as one readable string, for echoing and errors.
pub fn describe(cmd: &Command) -> String {
    let program = cmd.get_program();
    // `cargo xtask` runs cargo by its full toolchain path; plain `cargo` reads better.
    let program = if std::env::var_os("CARGO").as_deref() == Some(program) {
        "cargo".into()
    } else {
        program.to_string_lossy()
    };
    let mut parts = vec![program.into_owned()];
    parts.extend(cmd.get_args().map(|arg| arg.to_string_lossy().into_owned()));
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_joins_program_and_arguments_with_spaces() {
        let cmd = command("cargo", &["fmt", "--all"], Path::new("."));

        let shown = describe(&cmd);

        assert_eq!(shown, "cargo fmt --all");
    }

    #[test]
    fn probe_returns_none_for_a_program_that_does_not_exist() {
        let found = probe("surely-no-such-program-xtask", &["--version"]);

        assert_eq!(found, None);
    }
}
