//! The Redis store: each operation is one Lua script, so it is atomic on the server and costs one round trip.
//!
//! Any failure (Redis down, a timeout, a refused command) is [`Error::StoreUnavailable`]; the connection is then
//! dropped and the next operation connects afresh, so a restarted Redis is picked up by the next call. Scripts are
//! sent by SHA and loaded again when a restarted server has forgotten them.

use super::Claim;
use crate::error::{Error, Result};
use ::redis::aio::MultiplexedConnection;
use ::redis::{AsyncCommands, AsyncConnectionConfig, Script};
use std::collections::HashMap;
use std::time::Duration;

/// Redis answers in well under a millisecond on a LAN; one that takes seconds is in trouble, and a call waiting on
/// it is better refused.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);

/// GCRA without burst: each caller reserves the next free instant of the action's budget, one interval after the
/// one before, by Redis's clock (machines' clocks never matter), and is told how long to wait for it.
/// KEYS[1]: the limiter; ARGV[1]: the interval in microseconds. Returns the wait in microseconds.
const RESERVE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(tat, now)
local next_at = at + interval
redis.call('SET', KEYS[1], string.format('%d', next_at), 'PX', math.ceil((next_at - now) / 1000) + 1000)
return at - now
";

/// KEYS[1]: the idempotency key; ARGV[1]: the claim's record; ARGV[2]: its TTL in ms. Returns {1, ''} when claimed,
/// else {0, the record that holds it}.
const CLAIM: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, ''}
end
return {0, redis.call('GET', KEYS[1]) or ''}
";

/// KEYS[1]: the idempotency key; ARGV[1]: the owner; ARGV[2]: the new record, or '' to release; ARGV[3]: its TTL
/// in ms. Only the claim's owner settles it; returns 1 when it did.
const SETTLE: &str = r"
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local ok, record = pcall(cjson.decode, current)
if not ok or type(record) ~= 'table' or record.owner ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 1
";

/// A named campaign's item (OUTCOMES-independent; see `campaign::shared`). KEYS[1]: the campaign's hash; ARGV[1]:
/// the item; ARGV[2]: its `sending` event; ARGV[3]: the stored event a reconcile settled, or ''; ARGV[4]: the TTL in
/// ms. Claimed when the item has no event, its event is ARGV[3], or its event says it may be sent again. Returns
/// {1, ''} when claimed, else {0, the event that holds it}.
const CAMPAIGN_CLAIM: &str = r"
local current = redis.call('HGET', KEYS[1], ARGV[1])
local free = (not current) or (ARGV[3] ~= '' and current == ARGV[3])
if not free then
  local ok, event = pcall(cjson.decode, current)
  free = ok and type(event) == 'table' and event.resend == true
end
if free then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {1, ''}
end
return {0, current}
";

/// KEYS[1]: the campaign's hash; ARGV[1]: the item; ARGV[2]: its event; ARGV[3]: the TTL in ms.
const CAMPAIGN_RECORD: &str = r"
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
";

/// The owner written in a claim's record (its JSON `owner`).
pub(crate) fn owner_of(record: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(record).ok()?;
    value.get("owner")?.as_str().map(str::to_string)
}

pub(crate) struct RedisStore {
    client: ::redis::Client,
    /// The URL without its password, for messages.
    shown: String,
    connect_timeout: Duration,
    reserve: Script,
    claim: Script,
    settle: Script,
    campaign_claim: Script,
    campaign_record: Script,
}

/// A connection to the store, made on first use. A multiplexed connection is driven by the runtime that opened it,
/// so it belongs with the HTTP connection pool: a client with its own pool has its own of these.
#[derive(Default)]
pub(crate) struct Connection(tokio::sync::Mutex<Option<MultiplexedConnection>>);

impl RedisStore {
    /// `url` was checked by the configuration.
    pub fn new(url: &str, connect_timeout: Duration) -> Result<RedisStore> {
        let shown = crate::config::redact_url(url);
        let client = ::redis::Client::open(url)
            .map_err(|_| Error::Config(format!("`redis_url` {shown} is not a Redis URL (redis://host:port/db)")))?;
        Ok(RedisStore {
            client,
            shown,
            connect_timeout,
            reserve: Script::new(RESERVE),
            claim: Script::new(CLAIM),
            settle: Script::new(SETTLE),
            campaign_claim: Script::new(CAMPAIGN_CLAIM),
            campaign_record: Script::new(CAMPAIGN_RECORD),
        })
    }

    /// Reserve the next turn of a limiter whose interval is `interval`: how long to wait for it.
    pub async fn reserve(&self, conn: &Connection, key: &str, interval: Duration) -> Result<Duration> {
        let micros = u64::try_from(interval.as_micros()).unwrap_or(u64::MAX).max(1);
        let mut invocation = self.reserve.key(key);
        invocation.arg(micros);
        let wait: i64 = self
            .run(conn, "reserving a rate-limit turn", |mut c| async move { invocation.invoke_async(&mut c).await })
            .await?;
        Ok(Duration::from_micros(wait.max(0) as u64))
    }

    pub async fn claim(&self, conn: &Connection, key: &str, record: &str, ttl: Duration) -> Result<Claim> {
        let mut invocation = self.claim.key(key);
        invocation.arg(record).arg(ttl_ms(ttl));
        let answer: (i64, Option<String>) = self
            .run(conn, "claiming the idempotency key", |mut c| async move { invocation.invoke_async(&mut c).await })
            .await?;
        Ok(match answer {
            (1, _) => Claim::Claimed,
            (_, record) => Claim::Taken(record.unwrap_or_default()),
        })
    }

    pub async fn settle(
        &self,
        conn: &Connection,
        key: &str,
        owner: &str,
        record: Option<&str>,
        ttl: Duration,
    ) -> Result<()> {
        let mut invocation = self.settle.key(key);
        invocation.arg(owner).arg(record.unwrap_or("")).arg(ttl_ms(ttl));
        let _: i64 = self
            .run(conn, "recording the idempotency key's outcome", |mut c| async move {
                invocation.invoke_async(&mut c).await
            })
            .await?;
        Ok(())
    }

    /// Claim `item` of the campaign hash `key` with its `sending` event `event` (see [`CAMPAIGN_CLAIM`]).
    pub async fn campaign_claim(
        &self,
        conn: &Connection,
        key: &str,
        item: &str,
        event: &str,
        expected: &str,
        ttl: Duration,
    ) -> Result<Claim> {
        let mut invocation = self.campaign_claim.key(key);
        invocation.arg(item).arg(event).arg(expected).arg(ttl_ms(ttl));
        let answer: (i64, Option<String>) = self
            .run(conn, "claiming the campaign's item", |mut c| async move { invocation.invoke_async(&mut c).await })
            .await?;
        Ok(match answer {
            (1, _) => Claim::Claimed,
            (_, event) => Claim::Taken(event.unwrap_or_default()),
        })
    }

    /// Write `event` as the last event of `item` in the campaign hash `key`.
    pub async fn campaign_record(
        &self,
        conn: &Connection,
        key: &str,
        item: &str,
        event: &str,
        ttl: Duration,
    ) -> Result<()> {
        let mut invocation = self.campaign_record.key(key);
        invocation.arg(item).arg(event).arg(ttl_ms(ttl));
        let _: i64 = self
            .run(conn, "recording the campaign's item", |mut c| async move { invocation.invoke_async(&mut c).await })
            .await?;
        Ok(())
    }

    /// Every item's last event in the campaign hash `key`.
    pub async fn campaign_read(&self, conn: &Connection, key: &str) -> Result<HashMap<String, String>> {
        let key = key.to_string();
        self.run(conn, "reading the campaign", |mut c| async move { c.hgetall(key).await }).await
    }

    /// Run `op` on the connection (made now if there is none), within the response timeout.
    async fn run<T, F, Fut>(&self, conn: &Connection, what: &str, op: F) -> Result<T>
    where
        F: FnOnce(MultiplexedConnection) -> Fut,
        Fut: std::future::Future<Output = ::redis::RedisResult<T>>,
    {
        let connection = {
            let mut slot = conn.0.lock().await;
            match &*slot {
                Some(c) => c.clone(),
                None => {
                    let config = AsyncConnectionConfig::new()
                        .set_connection_timeout(self.connect_timeout)
                        .set_response_timeout(RESPONSE_TIMEOUT);
                    let c = self
                        .client
                        .get_multiplexed_async_connection_with_config(&config)
                        .await
                        .map_err(|e| self.unavailable(&format!("connecting: {e}")))?;
                    *slot = Some(c.clone());
                    c
                }
            }
        };
        let outcome = match tokio::time::timeout(RESPONSE_TIMEOUT, op(connection)).await {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(e)) => format!("{what}: {e}"),
            Err(_) => format!("{what}: no answer within {} s", RESPONSE_TIMEOUT.as_secs()),
        };
        // Whatever went wrong, the next operation starts on a fresh connection (a restarted server, a broken pipe).
        *conn.0.lock().await = None;
        Err(self.unavailable(&outcome))
    }

    fn unavailable(&self, reason: &str) -> Error {
        Error::StoreUnavailable(format!("{}: {reason}", self.shown))
    }
}

fn ttl_ms(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

#[cfg(test)]
mod bench {
    use super::*;
    use std::process::{Command, Stdio};

    /// bench/REDIS.md: what one shared-limiter turn costs (one EVALSHA round trip to a redis-server on 127.0.0.1).
    /// Not a test: run with `cargo test --release -p ccc-aicall --lib store::shared::bench -- --ignored --nocapture`.
    #[tokio::test]
    #[ignore = "a benchmark; needs redis-server on PATH"]
    async fn reserve_round_trip() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut server = Command::new(std::env::var("CCC_TEST_REDIS_SERVER").unwrap_or("redis-server".into()))
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server on PATH");
        let store = RedisStore::new(&format!("redis://127.0.0.1:{port}/0"), Duration::from_secs(5)).unwrap();
        let conn = Connection::default();
        let interval = Duration::from_micros(1);
        let mut ready = false;
        for _ in 0..200 {
            if store.reserve(&conn, "bench", interval).await.is_ok() {
                ready = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(ready, "redis-server did not start");
        let mut samples = Vec::with_capacity(20_000);
        for _ in 0..20_000 {
            let t = std::time::Instant::now();
            store.reserve(&conn, "bench", interval).await.unwrap();
            samples.push(t.elapsed().as_micros() as u64);
        }
        samples.sort_unstable();
        let mean = samples.iter().sum::<u64>() as f64 / samples.len() as f64;
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
        println!(
            "RESERVE n={} mean_us={mean:.1} p50_us={} p90_us={} p99_us={} max_us={}",
            samples.len(),
            at(0.5),
            at(0.9),
            at(0.99),
            samples[samples.len() - 1]
        );
        let _ = server.kill();
        let _ = server.wait();
    }
}
