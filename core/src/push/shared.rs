//! The push receiver's memory in Redis, for receivers that run as several processes behind one URL (gunicorn or
//! uvicorn workers, replicas): a re-push that reaches another process is still recognised, and an OAuth2 token one
//! process issued is accepted by the others.
//!
//! Push ids and token digests are stored hashed (SHA-256), under `ccc-aicall:push:` and `ccc-aicall:push-token:`, each
//! with a TTL. The receiver's calls are synchronous (WSGI, a plain `handle`), so this uses one blocking connection
//! with short timeouts. When Redis cannot answer, the receiver falls back to its own memory and logs a warning: a
//! re-push reaching another process may then be delivered twice (at least once, never lost), which is the safer
//! failure for call records.

use crate::config::redact_url;
use crate::error::{Error, Result};
use crate::store::{check_url, hash_hex, PREFIX};
use std::sync::Mutex;
use std::time::Duration;

/// How long a push id is remembered: the service re-pushes within minutes, at most three times.
pub const PUSH_ID_TTL: Duration = Duration::from_secs(24 * 3600);
/// A receiver's Redis must answer within this, or the receiver goes on without it.
const TIMEOUT: Duration = Duration::from_millis(500);

pub(crate) struct PushStore {
    client: ::redis::Client,
    /// The URL without its password, for messages.
    shown: String,
    conn: Mutex<Option<::redis::Connection>>,
}

impl PushStore {
    pub(crate) fn new(url: &str) -> Result<PushStore> {
        check_url(url)?;
        let shown = redact_url(url);
        let client = ::redis::Client::open(url)
            .map_err(|_| Error::Config(format!("`redis_url` {shown} is not a Redis URL (redis://host:port/db)")))?;
        Ok(PushStore { client, shown, conn: Mutex::new(None) })
    }

    /// True the first time `id` is offered to any receiver sharing this Redis (within [`PUSH_ID_TTL`]).
    pub(crate) fn first_time(&self, id: &str) -> Result<bool> {
        let key = format!("{PREFIX}push:{}", hash_hex(id));
        let set: Option<String> =
            self.run(|c| ::redis::cmd("SET").arg(&key).arg(1).arg("NX").arg("PX").arg(ttl_ms(PUSH_ID_TTL)).query(c))?;
        Ok(set.is_some())
    }

    /// Remember a token (by its digest) for `ttl`, for every receiver sharing this Redis.
    pub(crate) fn remember_token(&self, digest_hex: &str, ttl: Duration) -> Result<()> {
        let key = format!("{PREFIX}push-token:{digest_hex}");
        self.run(|c| ::redis::cmd("SET").arg(&key).arg(1).arg("PX").arg(ttl_ms(ttl)).query::<()>(c))
    }

    /// How long the token of this digest is still accepted, when a receiver sharing this Redis issued it.
    pub(crate) fn token_left(&self, digest_hex: &str) -> Result<Option<Duration>> {
        let key = format!("{PREFIX}push-token:{digest_hex}");
        let ms: i64 = self.run(|c| ::redis::cmd("PTTL").arg(&key).query(c))?;
        Ok(u64::try_from(ms).ok().filter(|ms| *ms > 0).map(Duration::from_millis))
    }

    fn run<T>(&self, op: impl FnOnce(&mut ::redis::Connection) -> ::redis::RedisResult<T>) -> Result<T> {
        let mut slot = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            let conn = self.client.get_connection_with_timeout(TIMEOUT).map_err(|e| self.unavailable(&e))?;
            conn.set_read_timeout(Some(TIMEOUT)).map_err(|e| self.unavailable(&e))?;
            conn.set_write_timeout(Some(TIMEOUT)).map_err(|e| self.unavailable(&e))?;
            *slot = Some(conn);
        }
        let conn = slot.as_mut().ok_or_else(|| Error::StoreUnavailable(self.shown.clone()))?;
        op(conn).map_err(|e| {
            // A broken or timed-out connection is not reused: the next push connects afresh.
            *slot = None;
            self.unavailable(&e)
        })
    }

    fn unavailable(&self, e: &::redis::RedisError) -> Error {
        Error::StoreUnavailable(format!("{}: {e}", self.shown))
    }
}

fn ttl_ms(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}
