//! Scale-out: two proxies sharing one Redis (a real `redis-server` started here) and one
//! SFT make one login and one details call per endpoint and query.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use addon_usage_proxy::{start, RunningProxy};
use addon_usage_simulator::SimConfig;
use reqwest::StatusCode;

use crate::support::*;

/// A `redis-server` of this test, killed when dropped.
struct RedisServer {
    child: Child,
    url: String,
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn redis_binary() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("redis-server"))
            .find(|candidate| candidate.is_file())
    });
    on_path.or_else(|| {
        let debian = PathBuf::from("/usr/bin/redis-server");
        debian.is_file().then_some(debian)
    })
}

/// Starts `redis-server` on a free port without persistence; `None` (after a loud
/// message) when it is not installed outside CI. In CI a missing server fails the test.
fn redis_server() -> Option<RedisServer> {
    let Some(binary) = redis_binary() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "redis-server is missing; CI must install it (Debian package redis-server)"
        );
        eprintln!(
            "\n!!! SKIPPED the Redis scale-out test: redis-server is not installed \
             (apt-get install redis-server) !!!\n"
        );
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .unwrap()
        .port();
    let child = Command::new(binary)
        .args(["--save", "", "--appendonly", "no", "--bind", "127.0.0.1"])
        .args(["--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = RedisServer {
        child,
        url: format!("redis://127.0.0.1:{port}/"),
    };
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "redis-server did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(server)
}

async fn get_on_both(
    a: &RunningProxy,
    b: &RunningProxy,
    path: &str,
    each: usize,
) -> Vec<StatusCode> {
    let client = reqwest::Client::new();
    let token = demo_token();
    let mut requests = tokio::task::JoinSet::new();
    for proxy in [a, b] {
        for _ in 0..each {
            let request = client
                .get(format!("{}{path}", proxy.url()))
                .bearer_auth(&token);
            requests.spawn(async move { request.send().await.unwrap().status() });
        }
    }
    requests.join_all().await
}

#[tokio::test]
async fn two_proxies_on_one_redis_share_one_login_and_one_sft_call_per_answer() {
    let Some(redis) = redis_server() else {
        return;
    };
    let (sim, running) = standalone_simulator().await;
    let password = SimConfig::default().password;
    let config = || {
        let mut config = real_sft_config(running.url(), &password, None);
        config.redis_url = Some(redis.url.clone());
        config
    };
    let a = start(config()).await.unwrap();
    let b = start(config()).await.unwrap();

    let europe = get_on_both(&a, &b, "/api/v1/endpoints/880154/addons", 10).await;
    let after_europe = sim.calls();
    let japan = get_on_both(&a, &b, "/api/v1/endpoints/880299/addons", 5).await;
    let europe_again = get_on_both(&a, &b, "/api/v1/endpoints/880154/addons", 5).await;
    let after_all = sim.calls();

    assert!(europe
        .iter()
        .chain(&japan)
        .chain(&europe_again)
        .all(|s| *s == StatusCode::OK));
    assert_eq!(
        after_europe,
        calls(1, 0, 1),
        "one login, one details call for Europe"
    );
    assert_eq!(
        after_all,
        calls(1, 0, 2),
        "Japan once more; Europe from Redis"
    );
    a.shutdown().await;
    b.shutdown().await;
    running.shutdown().await;
}

#[tokio::test]
async fn a_token_renewed_by_one_replica_is_adopted_by_the_other() {
    let Some(redis) = redis_server() else {
        return;
    };
    let (sim, running) = standalone_simulator().await;
    let password = SimConfig::default().password;
    let config = || {
        let mut config = real_sft_config(running.url(), &password, None);
        config.redis_url = Some(redis.url.clone());
        config
    };
    let a = start(config()).await.unwrap();
    let b = start(config()).await.unwrap();
    assert_eq!(
        get(&a, "/api/v1/endpoints/880154/addons").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        get(&b, "/api/v1/endpoints/880299/addons").await.status(),
        StatusCode::OK
    );

    sim.expire_tokens();
    let on_a = get(&a, "/api/v1/endpoints/880154/addons?addonId=1").await;
    let on_b = get(&b, "/api/v1/endpoints/880299/addons?addonId=1").await;

    assert_eq!(
        (on_a.status(), on_b.status()),
        (StatusCode::OK, StatusCode::OK)
    );
    let seen = sim.calls();
    assert_eq!((seen.login, seen.refresh), (1, 1), "{seen:?}");
    a.shutdown().await;
    b.shutdown().await;
    running.shutdown().await;
}
