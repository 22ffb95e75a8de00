//! Where a client keeps what must hold across calls: idempotency keys and, with Redis, the rate limiters' state.
//!
//! Without a Redis URL everything stays in this process ([`memory`]): the limiters of [`crate::ratelimit`] and
//! the idempotency keys in a map. With one ([`shared`]), every client that uses the same Redis and the same SecretId
//! shares each action's rate-limit budget and its idempotency keys, whatever process or machine it runs in.
//!
//! Nothing secret reaches the store: keys are named by a hash of the SecretId (never the SecretId itself) and a
//! hash of the idempotency key, under the fixed prefix [`PREFIX`], and every key has a TTL.

mod memory;
mod shared;

pub(crate) use memory::MemoryStore;
pub(crate) use shared::{Connection, RedisStore};

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// The prefix of every key this crate writes to Redis.
pub const PREFIX: &str = "ccc-aicall:";

/// The store of one client configuration.
pub(crate) enum Store {
    Memory(MemoryStore),
    Redis(Box<RedisStore>),
}

/// What claiming an idempotency key found.
#[derive(Debug)]
pub(crate) enum Claim {
    /// The key is this caller's now.
    Claimed,
    /// An earlier attempt holds it: its record, as stored.
    Taken(String),
}

impl Store {
    /// Claim `key` for `owner` with `record` (JSON) for `ttl`, unless it is held already.
    pub async fn claim(&self, conn: &Connection, key: &str, record: &str, ttl: Duration) -> Result<Claim> {
        match self {
            Store::Memory(m) => Ok(m.claim(key, record, ttl)),
            Store::Redis(r) => r.claim(conn, key, record, ttl).await,
        }
    }

    /// Replace `owner`'s claim on `key` with `record` for a fresh `ttl`, or release it (`None`). A key that
    /// expired or that another owner holds is left alone.
    pub async fn settle(
        &self,
        conn: &Connection,
        key: &str,
        owner: &str,
        record: Option<&str>,
        ttl: Duration,
    ) -> Result<()> {
        match self {
            Store::Memory(m) => {
                m.settle(key, owner, record, ttl);
                Ok(())
            }
            Store::Redis(r) => r.settle(conn, key, owner, record, ttl).await,
        }
    }

    pub fn redis(&self) -> Option<&RedisStore> {
        match self {
            Store::Redis(r) => Some(r),
            Store::Memory(_) => None,
        }
    }
}

/// A short, stable name for the account of `secret_id`, for store keys: the SecretId itself never leaves the
/// process.
pub(crate) fn account_tag(secret_id: &str) -> String {
    hash_hex(&format!("ccc-aicall account\n{secret_id}"))[..32].to_string()
}

/// The store key of an idempotency key of the account `account`. Hashed: the caller's key may name a customer.
pub(crate) fn idempotency_store_key(account: &str, key: &str) -> String {
    format!("{PREFIX}idem:{account}:{}", hash_hex(key))
}

/// The store key of the rate limiter of `action` for the account `account`.
pub(crate) fn limiter_store_key(account: &str, action: &str) -> String {
    format!("{PREFIX}rate:{account}:{action}")
}

pub(crate) fn hash_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Refuse a `redis_url` that redis-rs cannot use, naming the option and never showing a password.
pub(crate) fn check_url(url: &str) -> Result<()> {
    use ::redis::IntoConnectionInfo;
    let shown = crate::config::redact_url(url);
    match url.into_connection_info() {
        Ok(_) if url.starts_with("redis://") || url.starts_with("redis+unix://") || url.starts_with("unix://") => {
            Ok(())
        }
        // rediss:// needs a TLS stack this crate does not link (no OpenSSL, and redis-rs's rustls feature pulls in
        // more than the rest of the client uses): refused now rather than failing on the first call.
        Ok(_) => {
            Err(Error::Config(format!("`redis_url` {shown} must be a redis:// or unix:// URL (TLS is not supported)")))
        }
        Err(_) => Err(Error::Config(format!("`redis_url` {shown} is not a Redis URL (redis://host:port/db)"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_never_hold_the_secret_id_or_the_callers_key() {
        let account = account_tag("AKIDsecretidvalue");
        assert_eq!(account.len(), 32);
        assert_ne!(account, account_tag("AKIDsecretidvalue2"));
        let k = idempotency_store_key(&account, "appt-123");
        assert!(k.starts_with("ccc-aicall:idem:") && !k.contains("AKID") && !k.contains("appt-123"), "{k}");
        let r = limiter_store_key(&account, "CreateAICall");
        assert_eq!(r, format!("ccc-aicall:rate:{account}:CreateAICall"));
    }

    #[test]
    fn urls_are_checked_without_showing_a_password() {
        assert!(check_url("redis://127.0.0.1:6379/0").is_ok());
        assert!(check_url("redis://:pw@127.0.0.1").is_ok());
        for bad in ["http://:SEKRIT@127.0.0.1", "rediss://:SEKRIT@127.0.0.1", "not a url SEKRIT"] {
            let e = check_url(bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Config);
            assert!(e.to_string().contains("`redis_url`") && !e.to_string().contains("SEKRIT"), "{e}");
        }
    }
}
