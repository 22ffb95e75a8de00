//! The campaign journal: an append-only JSON-lines file, synced to disk before each call is sent and after its
//! outcome. Re-reading it tells which items must never be sent again.
//!
//! Rules on replay, by the last event of an item:
//! - `placed` -> skipped (already placed);
//! - `sending` with nothing after (a crash or kill mid-call) -> skipped and listed for reconciliation;
//! - `failed` with `outcome_unknown` -> skipped and listed for reconciliation;
//! - `failed` definitively (the service refused without acting, or nothing was sent) -> run again.
//!
//! A torn last line (the process died while writing it) is ignored: a torn `sending` line means the call was not
//! sent yet, because sending waits for that line to reach the disk.
//! The journal never holds secrets: item key, index, callee, ids, error kind/code/message and times only.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    Sending {
        key: String,
        index: usize,
        callee: String,
        attempt: u32,
        at: u64,
    },
    Placed {
        key: String,
        index: usize,
        session_id: String,
        request_id: String,
        at: u64,
    },
    Failed {
        key: String,
        index: usize,
        outcome_unknown: bool,
        kind: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request_id: Option<String>,
        message: String,
        at: u64,
    },
}

impl Event {
    pub fn key(&self) -> &str {
        match self {
            Event::Sending { key, .. } | Event::Placed { key, .. } | Event::Failed { key, .. } => key,
        }
    }
}

/// What the journal says about an item before this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prior {
    Placed {
        session_id: String,
        request_id: String,
    },
    /// Sent (or maybe sent) with no definitive answer recorded.
    Unknown,
}

/// Read a journal's text: the prior state of each key that must not be sent again.
pub fn replay(text: &str) -> HashMap<String, Prior> {
    let mut last: HashMap<String, Event> = HashMap::new();
    for line in text.lines() {
        let Ok(event) = serde_json::from_str::<Event>(line) else { continue };
        last.insert(event.key().to_string(), event);
    }
    last.into_iter()
        .filter_map(|(key, event)| match event {
            Event::Placed { session_id, request_id, .. } => Some((key, Prior::Placed { session_id, request_id })),
            Event::Sending { .. } => Some((key, Prior::Unknown)),
            Event::Failed { outcome_unknown: true, .. } => Some((key, Prior::Unknown)),
            Event::Failed { .. } => None,
        })
        .collect()
}

pub struct Journal {
    file: Mutex<File>,
}

impl Journal {
    /// Open (creating if needed) for appending, and return it with what it already records.
    pub fn open(path: &Path) -> Result<(Journal, HashMap<String, Prior>)> {
        let existing = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(Error::Config(format!("journal {}: {e}", path.display()))),
        };
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| Error::Config(format!("journal {}: {e}", path.display())))?;
        // A torn last line from a previous crash must not glue onto the next record.
        if !existing.is_empty() && !existing.ends_with('\n') {
            file.write_all(b"\n").map_err(|e| Error::Config(format!("journal {}: {e}", path.display())))?;
        }
        Ok((Journal { file: Mutex::new(file) }, replay(&existing)))
    }

    /// Append one event and wait until it is on disk.
    pub fn record(&self, event: &Event) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(event).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(&line)?;
        file.sync_data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sending(key: &str) -> String {
        serde_json::to_string(&Event::Sending { key: key.into(), index: 0, callee: "001".into(), attempt: 1, at: 1 })
            .unwrap()
    }

    #[test]
    fn replay_rules() {
        let placed = serde_json::to_string(&Event::Placed {
            key: "a".into(),
            index: 0,
            session_id: "s".into(),
            request_id: "r".into(),
            at: 2,
        })
        .unwrap();
        let failed = |key: &str, unknown: bool| {
            serde_json::to_string(&Event::Failed {
                key: key.into(),
                index: 0,
                outcome_unknown: unknown,
                kind: "k".into(),
                code: None,
                request_id: None,
                message: "m".into(),
                at: 3,
            })
            .unwrap()
        };
        let text = [
            sending("a"),
            placed,
            sending("b"),
            sending("c"),
            failed("c", true),
            sending("d"),
            failed("d", false),
            "{\"event\":\"send".into(),
        ]
        .join("\n");
        let prior = replay(&text);
        assert_eq!(prior.get("a"), Some(&Prior::Placed { session_id: "s".into(), request_id: "r".into() }));
        assert_eq!(prior.get("b"), Some(&Prior::Unknown));
        assert_eq!(prior.get("c"), Some(&Prior::Unknown));
        assert_eq!(prior.get("d"), None);
        assert_eq!(prior.len(), 3);
    }

    #[test]
    fn open_appends_after_a_torn_line() {
        let path = std::env::temp_dir().join(format!("ccc-journal-{}.jsonl", std::process::id()));
        std::fs::write(&path, format!("{}\n{{\"event\":\"placed\",\"ke", sending("x"))).unwrap();
        let (j, prior) = Journal::open(&path).unwrap();
        assert_eq!(prior.get("x"), Some(&Prior::Unknown));
        j.record(&Event::Sending { key: "y".into(), index: 1, callee: "002".into(), attempt: 1, at: 5 }).unwrap();
        let (_, prior) = Journal::open(&path).unwrap();
        assert_eq!(prior.get("y"), Some(&Prior::Unknown));
        std::fs::remove_file(path).ok();
    }
}
