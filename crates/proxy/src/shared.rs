//! Redis, for proxies that scale out: the answer cache, the SFT token pair and short
//! locks live there, so that N replicas make one SFT call per endpoint per TTL and share
//! one login.
//!
//! Redis is a helper, not a dependency of every answer: when it fails, a replica logs a
//! warning and carries on alone (its own SFT call, no shared cache) rather than failing
//! the traveler's request.

use std::future::Future;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands, Script};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::time::Instant;

/// Every key the proxy writes starts with this.
const PREFIX: &str = "addon-usage:v1:";
/// How often a replica waiting for another's lock looks again.
const POLL: Duration = Duration::from_millis(25);
/// How long one Redis command may take before the replica carries on alone.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(1);

/// Deletes a lock only if it still holds the caller's token, so that a lock that expired
/// and was taken by another replica is left alone.
const UNLOCK: &str = r#"
if redis.call("GET", KEYS[1]) == ARGV[1] then
    return redis.call("DEL", KEYS[1])
end
return 0
"#;

/// A connection to the Redis shared by the proxy replicas.
#[derive(Clone)]
pub struct SharedStore {
    connection: ConnectionManager,
}

impl std::fmt::Debug for SharedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedStore")
    }
}

/// The outcome of trying to take a lock.
enum Attempt {
    /// This replica holds the lock until it releases it or `ttl` passes.
    Acquired(String),
    /// Another replica holds it.
    Busy,
    /// Redis did not answer: go on without the lock.
    Unavailable,
}

impl SharedStore {
    /// Connects to `url` (`redis://host:port/db`); fails when Redis cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(COMMAND_TIMEOUT))
            .set_response_timeout(Some(COMMAND_TIMEOUT))
            .set_number_of_retries(2);
        let connection = ConnectionManager::new_with_config(client, config).await?;
        Ok(Self { connection })
    }

    /// The JSON value under `key`, if there is a readable one.
    pub async fn get_json<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let mut connection = self.connection.clone();
        let text: Option<String> = connection
            .get(format!("{PREFIX}{key}"))
            .await
            .inspect_err(|error| tracing::warn!(%error, "Redis read failed"))
            .ok()
            .flatten();
        let text = text?;
        serde_json::from_str(&text)
            .inspect_err(|error| tracing::warn!(%error, key, "unreadable value in Redis"))
            .ok()
    }

    /// Stores `value` as JSON under `key` for `ttl`.
    pub async fn put_json<T: Serialize>(&self, key: &str, value: &T, ttl: Duration) {
        let Ok(text) = serde_json::to_string(value) else {
            return;
        };
        let mut connection = self.connection.clone();
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let stored: Result<(), _> = connection
            .pset_ex(format!("{PREFIX}{key}"), text, millis)
            .await;
        if let Err(error) = stored {
            tracing::warn!(%error, "Redis write failed");
        }
    }

    /// Runs `work` under the cluster-wide lock `name`, unless `check` finds its result
    /// first. A replica that finds the lock taken polls `check` until the holder's result
    /// appears, the lock is released (then it tries to take it), or the lock's `ttl`
    /// has passed. Returns the result and whether this caller waited for another.
    pub async fn single_flight<T, E, C, CF, W, WF>(
        &self,
        name: &str,
        ttl: Duration,
        mut check: C,
        work: W,
    ) -> (Result<T, E>, bool)
    where
        C: FnMut() -> CF,
        CF: Future<Output = Option<T>>,
        W: FnOnce() -> WF,
        WF: Future<Output = Result<T, E>>,
    {
        let deadline = Instant::now() + ttl + POLL;
        let mut waited = false;
        loop {
            match self.try_lock(name, ttl).await {
                Attempt::Acquired(token) => {
                    if let Some(found) = check().await {
                        self.unlock(name, &token).await;
                        return (Ok(found), waited);
                    }
                    let result = work().await;
                    self.unlock(name, &token).await;
                    return (result, waited);
                }
                Attempt::Unavailable => return (work().await, waited),
                Attempt::Busy => {}
            }

            waited = true;
            if Instant::now() >= deadline {
                tracing::warn!(lock = name, "gave up waiting for another replica's lock");
                return (work().await, waited);
            }
            tokio::time::sleep(POLL).await;
            if let Some(found) = check().await {
                return (Ok(found), waited);
            }
        }
    }

    async fn try_lock(&self, name: &str, ttl: Duration) -> Attempt {
        let token = crate::edges::random_hex(16);
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let mut connection = self.connection.clone();
        let answer: Result<Option<String>, _> = redis::cmd("SET")
            .arg(format!("{PREFIX}lock:{name}"))
            .arg(&token)
            .arg("NX")
            .arg("PX")
            .arg(millis)
            .query_async(&mut connection)
            .await;
        match answer {
            Ok(Some(_)) => Attempt::Acquired(token),
            Ok(None) => Attempt::Busy,
            Err(error) => {
                tracing::warn!(%error, "Redis lock failed; going on without it");
                Attempt::Unavailable
            }
        }
    }

    async fn unlock(&self, name: &str, token: &str) {
        let mut connection = self.connection.clone();
        let released: Result<i64, _> = Script::new(UNLOCK)
            .key(format!("{PREFIX}lock:{name}"))
            .arg(token)
            .invoke_async(&mut connection)
            .await;
        if let Err(error) = released {
            tracing::warn!(%error, "Redis unlock failed; the lock will expire by itself");
        }
    }
}
