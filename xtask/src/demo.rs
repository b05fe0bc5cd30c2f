//! `cargo xtask demo`: build everything and serve the widget with a simulated SFT behind it.

use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use crate::shell::{command, describe};
use crate::{build, tools};

/// Port the demo listens on unless `--port` says otherwise.
pub const DEFAULT_PORT: u16 = 8080;

/// How long the proxy may take to start listening before the demo gives up waiting.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Installs what is missing, builds, and runs the proxy in the foreground until Ctrl-C.
pub fn run(repo: &Path, port: u16) -> Result<(), String> {
    tools::ensure(
        repo,
        tools::Needs {
            browser: false,
            redis: false,
        },
    )?;
    build::widget(repo)?;
    build::proxy(repo)?;

    let listen = SocketAddr::from(([127, 0, 0, 1], port));
    let widget_dir = build::widget_dir(repo);
    let args = [
        "--listen".to_string(),
        listen.to_string(),
        "--widget-dir".to_string(),
        widget_dir.display().to_string(),
        // A real SFT account keeps its own zone; the demo's shows the "SFT time" beside
        // the traveler's wherever the two differ.
        "--sft-time-zone".to_string(),
        "Europe/Brussels".to_string(),
    ];
    let binary = build::proxy_binary(repo);
    let mut cmd = command(&binary.display().to_string(), &args, repo);
    println!("$ {}", describe(&cmd));
    let mut proxy = cmd
        .spawn()
        .map_err(|err| format!("could not start {}: {err}", binary.display()))?;

    wait_until_listening(&mut proxy, listen)?;
    println!();
    println!("Open http://{listen}/ in a browser (the SFT simulator runs inside the proxy);");
    println!("http://{listen}/portal.html shows the widget embedded in a mock portal page.");
    println!("Press Ctrl-C to stop.");
    println!();

    let status = proxy
        .wait()
        .map_err(|err| format!("lost track of the proxy: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "the proxy stopped with {status}; its log above says why"
        ))
    }
}

/// Polls `addr` until the proxy accepts connections, failing early if it exits.
fn wait_until_listening(proxy: &mut Child, addr: SocketAddr) -> Result<(), String> {
    let started = Instant::now();
    loop {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }

        if let Ok(Some(status)) = proxy.try_wait() {
            return Err(format!(
                "the proxy exited with {status} before listening on {addr}; if the port is \
                 taken, choose another with `cargo xtask demo --port N`"
            ));
        }

        if started.elapsed() > START_TIMEOUT {
            // Best effort: the error below is what matters to the user.
            let _ = proxy.kill();
            return Err(format!(
                "the proxy did not listen on {addr} within {} s; its log above says why",
                START_TIMEOUT.as_secs()
            ));
        }

        std::thread::sleep(Duration::from_millis(200));
    }
}
