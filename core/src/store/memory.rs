//! Idempotency keys held in this process, for a client without a Redis store: the same claims and records as the
//! shared store, in a map whose entries expire.

use super::Claim;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Entry {
    owner: String,
    record: String,
    expires: Instant,
}

#[derive(Default)]
pub(crate) struct MemoryStore {
    entries: Mutex<HashMap<String, Entry>>,
}

impl MemoryStore {
    pub fn claim(&self, key: &str, record: &str, ttl: Duration) -> Claim {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        // Expired entries go as new ones come, so the map holds at most a TTL's worth of keys.
        entries.retain(|_, e| e.expires > now);
        if let Some(e) = entries.get(key) {
            return Claim::Taken(e.record.clone());
        }
        let owner = super::shared::owner_of(record).unwrap_or_default();
        entries.insert(key.to_string(), Entry { owner, record: record.to_string(), expires: now + ttl });
        Claim::Claimed
    }

    pub fn settle(&self, key: &str, owner: &str, record: Option<&str>, ttl: Duration) {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        match entries.get_mut(key) {
            Some(e) if e.owner == owner && e.expires > now => match record {
                Some(r) => {
                    e.record = r.to_string();
                    e.expires = now + ttl;
                }
                None => {
                    entries.remove(key);
                }
            },
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(owner: &str, state: &str) -> String {
        format!(r#"{{"owner":"{owner}","state":"{state}"}}"#)
    }

    #[test]
    fn a_key_is_claimed_once_until_released_or_expired() {
        let m = MemoryStore::default();
        let ttl = Duration::from_secs(60);
        assert!(matches!(m.claim("k", &record("a", "in_flight"), ttl), Claim::Claimed));
        assert!(matches!(m.claim("k", &record("b", "in_flight"), ttl), Claim::Taken(r) if r.contains("\"a\"")));
        m.settle("k", "b", None, ttl); // not b's to release
        assert!(matches!(m.claim("k", &record("b", "in_flight"), ttl), Claim::Taken(_)));
        m.settle("k", "a", Some(&record("a", "placed")), ttl);
        assert!(matches!(m.claim("k", &record("b", "in_flight"), ttl), Claim::Taken(r) if r.contains("placed")));
        m.settle("k", "a", None, ttl);
        assert!(matches!(m.claim("k", &record("b", "in_flight"), ttl), Claim::Claimed));
        assert!(matches!(m.claim("short", &record("a", "in_flight"), Duration::from_millis(1)), Claim::Claimed));
        std::thread::sleep(Duration::from_millis(5));
        assert!(matches!(m.claim("short", &record("b", "in_flight"), ttl), Claim::Claimed), "expired");
    }
}
