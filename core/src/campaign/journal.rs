//! The campaign journal: an append-only JSON-lines file, on disk before each call is sent and after its outcome.
//! Re-reading it tells which items must never be sent again.
//!
//! One run at a time: the file is held under an exclusive OS lock (`flock` on Unix, `LockFileEx` on Windows) from
//! before it is read until the run ends. A second run on the same file, in this process or another, gets a
//! configuration error naming the file before anything is dialled: two runs reading the same snapshot would each
//! dial every pending item.
//!
//! Disk work runs on a writer thread of its own, never on the async runtime's threads. Each record is acknowledged
//! once it is on disk (`fsync`); records that queue while an fsync runs go out together with the next one (group
//! commit). After a write error every later record fails: the file can no longer be trusted.
//!
//! Rules on replay, by the last event of an item:
//! - `placed` -> skipped (already placed);
//! - `sending` with nothing after (a crash or kill mid-call) -> skipped and listed for reconciliation;
//! - `failed` with `outcome_unknown` -> skipped and listed for reconciliation;
//! - `failed` where the service certainly did not act (by [`Error::certainly_not_acted`] of the recorded error: a
//!   rate limit, an authentication failure, nothing sent) -> run again;
//! - any other `failed` (a refusal that does not prove nothing happened, a code this version does not know) ->
//!   not sent again, reported as failed with the earlier error.
//!
//! The file is read as bytes and split on newlines; a line that does not parse (torn by a kill mid-write, even in
//! the middle of a multi-byte character) is skipped. A torn `sending` line means the call was not sent yet,
//! because sending waits for that line to reach the disk.
//! The journal never holds secrets: item key, index, callee, ids, error kind/code/message and times only.

use crate::error::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::oneshot;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    Sending {
        key: String,
        index: usize,
        callee: String,
        attempt: u32,
        /// Unix seconds (kept for readers of the first format).
        at: u64,
        /// Unix milliseconds; absent from lines written before it was added.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_ms: Option<u64>,
        /// The app the request was sent to: where a reconcile looks for the call. Absent from older lines.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sdk_app_id: Option<u64>,
        /// The request's `MaxCallDurationMs`, which bounds how long a reconcile must wait before "not placed".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_call_duration_ms: Option<u64>,
    },
    Placed {
        key: String,
        index: usize,
        session_id: String,
        /// The CreateAICall RequestId; empty when the call was found by a reconcile (no answer had come back).
        request_id: String,
        at: u64,
        /// The call was found by a reconcile of an outcome-unknown send, not from the service's answer.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        reconciled: bool,
    },
    Failed {
        key: String,
        index: usize,
        #[serde(flatten)]
        failure: Failure,
        at: u64,
    },
}

/// An error as the journal keeps it: enough to rebuild it for the report and to decide whether to send again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub outcome_unknown: bool,
    /// [`ErrorKind::as_str`].
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The error as displayed.
    pub message: String,
    /// The error's own text (the service's message, the reason), to rebuild it exactly; absent from old lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub timed_out: bool,
}

impl Failure {
    pub fn of(err: &Error) -> Failure {
        let detail = match err {
            Error::Api { message, .. } => Some(message.clone()),
            Error::Connection(s) | Error::Timeout(s) | Error::Config(s) => Some(s.clone()),
            Error::OutcomeUnknown { reason, .. } => Some(reason.clone()),
            Error::Io { message, .. } => Some(message.clone()),
            _ => None,
        };
        Failure {
            outcome_unknown: err.outcome_unknown(),
            kind: err.kind().as_str().to_string(),
            code: err.code().map(String::from),
            request_id: err.request_id().map(String::from),
            message: err.to_string(),
            detail,
            http_status: err.http_status(),
            timed_out: err.timed_out(),
        }
    }

    /// The error again. A kind this version cannot rebuild is taken as outcome-unknown: never sent again, and
    /// listed for reconciliation.
    pub fn to_error(&self) -> Error {
        let text = |shell: Error| match &self.detail {
            Some(d) => d.clone(),
            // Lines written before `detail` hold the displayed message: take the variant's own prefix off.
            None => self.message.strip_prefix(shell.to_string().as_str()).unwrap_or(&self.message).to_string(),
        };
        if let Some(code) = &self.code {
            let request_id = self.request_id.clone().unwrap_or_default();
            let message = self.detail.clone().unwrap_or_else(|| {
                let m = self.message.strip_prefix(&format!("{code}: ")).unwrap_or(&self.message);
                m.strip_suffix(&format!(" (RequestId {request_id})")).unwrap_or(m).to_string()
            });
            return Error::Api {
                code: code.clone(),
                message,
                request_id,
                http_status: self.http_status.unwrap_or(200),
            };
        }
        let kind = [
            ErrorKind::Connection,
            ErrorKind::Timeout,
            ErrorKind::Config,
            ErrorKind::Validation,
            ErrorKind::Io,
            ErrorKind::Cancelled,
        ]
        .into_iter()
        .find(|k| k.as_str() == self.kind);
        match kind {
            Some(_) if self.outcome_unknown => self.unknown(text(Error::OutcomeUnknown {
                reason: String::new(),
                request_id: None,
                http_status: None,
                timed_out: false,
            })),
            Some(ErrorKind::Connection) => Error::Connection(text(Error::Connection(String::new()))),
            Some(ErrorKind::Timeout) => Error::Timeout(text(Error::Timeout(String::new()))),
            // Nothing was sent for these; the item was refused before the request left.
            Some(ErrorKind::Config | ErrorKind::Validation) => Error::Config(text(Error::Config(String::new()))),
            Some(ErrorKind::Io) => {
                Error::Io { path: PathBuf::new(), kind: io::ErrorKind::Other, message: self.message.clone() }
            }
            Some(_) => Error::Cancelled { sent: false },
            None => self.unknown(self.detail.clone().unwrap_or_else(|| self.message.clone())),
        }
    }

    fn unknown(&self, reason: String) -> Error {
        Error::OutcomeUnknown {
            reason,
            request_id: self.request_id.clone(),
            http_status: self.http_status,
            timed_out: self.timed_out,
        }
    }
}

impl Event {
    pub fn key(&self) -> &str {
        match self {
            Event::Sending { key, .. } | Event::Placed { key, .. } | Event::Failed { key, .. } => key,
        }
    }

    /// A `sending` event for now, of `request` (its callee already normalised).
    pub fn sending(key: String, index: usize, request: &crate::CreateAiCallRequest, attempt: u32) -> Event {
        let ms = now_ms();
        Event::Sending {
            key,
            index,
            callee: request.callee.clone(),
            attempt,
            at: ms / 1000,
            at_ms: Some(ms),
            sdk_app_id: Some(request.sdk_app_id),
            max_call_duration_ms: request.max_call_duration_ms,
        }
    }
}

pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// What the journal says about an item before this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prior {
    Placed {
        session_id: String,
        request_id: String,
        sent_at: Option<u64>,
    },
    /// Sent (or maybe sent) with no definitive answer recorded; the answer's error when one was recorded, and what
    /// the last `sending` line says was sent.
    Unknown {
        sent_at: Option<u64>,
        failure: Option<Failure>,
        sent: Option<Sent>,
    },
    /// Refused with an error that does not prove the service did not act: not sent again.
    Refused {
        sent_at: Option<u64>,
        failure: Failure,
    },
}

/// What a `sending` line says its request carried: what a reconcile needs to look for the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The callee in the service's form.
    pub callee: String,
    /// The app; `None` on lines written before it was recorded.
    pub sdk_app_id: Option<u64>,
    /// The request's `MaxCallDurationMs`; `None` when it set none or the line predates it.
    pub max_call_duration_ms: Option<u64>,
    /// Whether the line records `max_call_duration_ms` at all (lines written before it was added do not).
    pub knows_duration: bool,
}

/// Read a journal's bytes: the prior state of each key that must not be sent again. `sent_at` is the Unix
/// millisecond time of the key's last `sending` line.
pub fn replay(bytes: &[u8]) -> HashMap<String, Prior> {
    let mut last: HashMap<String, Event> = HashMap::new();
    let mut sent_at: HashMap<String, u64> = HashMap::new();
    let mut sent: HashMap<String, Sent> = HashMap::new();
    for line in bytes.split(|b| *b == b'\n') {
        let Ok(event) = serde_json::from_slice::<Event>(line) else { continue };
        if let Event::Sending { key, at, at_ms, callee, sdk_app_id, max_call_duration_ms, .. } = &event {
            sent_at.insert(key.clone(), at_ms.unwrap_or(at.saturating_mul(1000)));
            // Lines that record the app record the duration too (both were added together).
            let s = Sent {
                callee: callee.clone(),
                sdk_app_id: *sdk_app_id,
                max_call_duration_ms: *max_call_duration_ms,
                knows_duration: sdk_app_id.is_some(),
            };
            sent.insert(key.clone(), s);
        }
        last.insert(event.key().to_string(), event);
    }
    last.into_iter()
        .filter_map(|(key, event)| {
            let sent_at = sent_at.get(&key).copied();
            let sent = sent.remove(&key);
            let prior = match event {
                Event::Placed { session_id, request_id, .. } => Prior::Placed { session_id, request_id, sent_at },
                Event::Sending { .. } => Prior::Unknown { sent_at, failure: None, sent },
                Event::Failed { failure, .. } => {
                    let error = failure.to_error();
                    if failure.outcome_unknown || error.outcome_unknown() {
                        Prior::Unknown { sent_at, failure: Some(failure), sent }
                    } else if error.certainly_not_acted() {
                        return None;
                    } else {
                        Prior::Refused { sent_at, failure }
                    }
                }
            };
            Some((key, prior))
        })
        .collect()
}

struct Job {
    line: Vec<u8>,
    done: oneshot::Sender<io::Result<()>>,
}

/// An open journal: the lock and the writer thread. [`Journal::close`] ends both.
pub struct Journal {
    path: PathBuf,
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    closed: Mutex<Option<oneshot::Receiver<()>>>,
}

impl Journal {
    /// Open (creating if needed) and lock for this run, and return it with what it already records.
    pub fn open(path: &Path) -> Result<(Journal, HashMap<String, Prior>)> {
        let config = |e: io::Error| Error::Config(format!("journal {}: {e}", path.display()));
        let mut file = OpenOptions::new().read(true).append(true).create(true).open(path).map_err(config)?;
        // Locked before it is read: the snapshot is this run's alone.
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(fs4::TryLockError::WouldBlock) => {
                return Err(Error::Config(format!(
                    "journal {} is in use by another run; one run per journal (wait for it to end, or give this run \
                     a journal of its own)",
                    path.display()
                )))
            }
            Err(fs4::TryLockError::Error(e)) => return Err(config(e)),
        }
        let mut existing = Vec::new();
        file.read_to_end(&mut existing).map_err(config)?;
        // A torn last line from a previous crash must not glue onto the next record.
        if !existing.is_empty() && !existing.ends_with(b"\n") {
            file.append(b"\n").map_err(config)?;
        }
        let journal = Journal::start(path, Box::new(file))?;
        Ok((journal, replay(&existing)))
    }

    /// The writer thread over `sink`.
    fn start(path: &Path, sink: Box<dyn Sink>) -> Result<Journal> {
        let (jobs, queue) = mpsc::channel();
        let (closed_tx, closed) = oneshot::channel();
        std::thread::Builder::new()
            .name("ccc-aicall-journal".into())
            .spawn(move || {
                write_loop(sink, queue);
                let _ = closed_tx.send(());
            })
            .map_err(|e| Error::Config(format!("journal {}: no writer thread: {e}", path.display())))?;
        Ok(Journal { path: path.to_path_buf(), jobs: Mutex::new(Some(jobs)), closed: Mutex::new(Some(closed)) })
    }

    /// A journal whose disk accepts `ok` writes, then fails every one (a full disk, a removed USB stick).
    #[cfg(test)]
    pub(crate) fn failing_after(path: &Path, ok: usize) -> Journal {
        struct FailAfter(usize);
        impl Sink for FailAfter {
            fn append(&mut self, _: &[u8]) -> io::Result<()> {
                if self.0 == 0 {
                    return Err(io::Error::other("no space left on device"));
                }
                self.0 -= 1;
                Ok(())
            }
        }
        Journal::start(path, Box::new(FailAfter(ok))).unwrap()
    }

    /// A journal on a disk that takes `delay` for every write (a slow network volume, a busy disk).
    #[cfg(test)]
    pub(crate) fn slow(path: &Path, delay: std::time::Duration) -> Journal {
        struct Slow(std::time::Duration);
        impl Sink for Slow {
            fn append(&mut self, _: &[u8]) -> io::Result<()> {
                std::thread::sleep(self.0);
                Ok(())
            }
        }
        Journal::start(path, Box::new(Slow(delay))).unwrap()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one event; resolves once it is on disk.
    pub async fn record(&self, event: &Event) -> io::Result<()> {
        let mut line = serde_json::to_vec(event).map_err(io::Error::other)?;
        line.push(b'\n');
        let (done, acknowledged) = oneshot::channel();
        let queued = match &*self.jobs.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(jobs) => jobs.send(Job { line, done }).is_ok(),
            None => false,
        };
        let closed = || io::Error::other("the journal is closed");
        if !queued {
            return Err(closed());
        }
        acknowledged.await.unwrap_or_else(|_| Err(closed()))
    }

    /// Write everything queued, then release the file and its lock.
    pub async fn close(&self) {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner()).take();
        let closed = self.closed.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(closed) = closed {
            let _ = closed.await;
        }
    }
}

/// Where the writer thread puts the lines: the journal file (a test's failing disk).
trait Sink: Send {
    /// Write all of `bytes` and wait until they are on disk.
    fn append(&mut self, bytes: &[u8]) -> io::Result<()>;
}

impl Sink for File {
    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.write_all(bytes)?;
        self.sync_data()
    }
}

/// The writer thread: take whatever is queued, write it, one fsync, acknowledge each record.
fn write_loop(mut sink: Box<dyn Sink>, queue: mpsc::Receiver<Job>) {
    let mut broken: Option<(io::ErrorKind, String)> = None;
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        batch.extend(queue.try_iter());
        let result = match &broken {
            Some(e) => Err(e.clone()),
            None => {
                let bytes: Vec<u8> = batch.iter().flat_map(|job| job.line.iter().copied()).collect();
                sink.append(&bytes).map_err(|e| (e.kind(), e.to_string()))
            }
        };
        if let Err(e) = &result {
            broken.get_or_insert_with(|| e.clone());
        }
        for job in batch {
            let _ = job.done.send(result.clone().map_err(|(kind, message)| io::Error::new(kind, message)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sending(key: &str) -> String {
        serde_json::to_string(&Event::Sending {
            key: key.into(),
            index: 0,
            callee: "001".into(),
            attempt: 1,
            at: 1,
            at_ms: None,
            sdk_app_id: None,
            max_call_duration_ms: None,
        })
        .unwrap()
    }

    fn call(callee: &str) -> crate::CreateAiCallRequest {
        crate::CreateAiCallRequest { callee: callee.into(), sdk_app_id: 7, ..Default::default() }
    }

    fn failed(key: &str, err: &Error) -> String {
        serde_json::to_string(&Event::Failed { key: key.into(), index: 0, failure: Failure::of(err), at: 3 }).unwrap()
    }

    fn api(code: &str) -> Error {
        Error::Api { code: code.into(), message: "m".into(), request_id: "r".into(), http_status: 200 }
    }

    /// Item 5 of issue 13: the disk work happens off the runtime's threads, so a slow disk delays only the records
    /// waiting for it, never the runtime's other work (the calls in flight, their timeouts). On a single-threaded
    /// runtime a write done in the task itself would stall the ticker below for the whole write.
    #[test]
    fn a_slow_disk_never_stalls_the_runtime() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let disk = std::time::Duration::from_millis(300);
            let journal = std::sync::Arc::new(Journal::slow(&temp("slow"), disk));
            let ticker = tokio::spawn(async {
                let mut longest = std::time::Duration::ZERO;
                let mut last = std::time::Instant::now();
                for _ in 0..60 {
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    longest = longest.max(last.elapsed());
                    last = std::time::Instant::now();
                }
                longest
            });
            let writers: Vec<_> = (0..3)
                .map(|i| {
                    let journal = journal.clone();
                    tokio::spawn(async move {
                        let event = Event::sending(format!("k{i}"), i, &call("001"), 1);
                        journal.record(&event).await.unwrap();
                    })
                })
                .collect();
            for writer in writers {
                writer.await.unwrap();
            }
            let longest = ticker.await.unwrap();
            // 10 ms ticks; generous for a loaded machine, far below the 300 ms a blocking write would cost.
            assert!(longest < disk / 2, "the runtime stalled for {longest:?}");
            journal.close().await;
        });
    }

    fn temp(name: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!("ccc-journal-{name}-{}.jsonl", std::process::id()));
        std::fs::remove_file(&path).ok();
        path
    }

    #[test]
    fn replay_rules() {
        let placed = serde_json::to_string(&Event::Placed {
            key: "a".into(),
            index: 0,
            session_id: "s".into(),
            request_id: "r".into(),
            at: 2,
            reconciled: false,
        })
        .unwrap();
        let unknown =
            Error::OutcomeUnknown { reason: "t".into(), request_id: None, http_status: None, timed_out: true };
        let text = [
            sending("a"),
            placed,
            sending("b"),
            sending("c"),
            failed("c", &unknown),
            sending("d"),
            failed("d", &api("RequestLimitExceeded")),
            sending("e"),
            failed("e", &api("FailedOperation.SomethingNew")),
            sending("f"),
            failed("f", &Error::Connection("refused".into())),
            failed("g", &Error::Cancelled { sent: false }),
            sending("h"),
            failed("h", &Error::Cancelled { sent: true }),
            "{\"event\":\"send".into(),
        ]
        .join("\n");
        let prior = replay(text.as_bytes());
        assert_eq!(
            prior.get("a"),
            Some(&Prior::Placed { session_id: "s".into(), request_id: "r".into(), sent_at: Some(1000) })
        );
        let old_line =
            Sent { callee: "001".into(), sdk_app_id: None, max_call_duration_ms: None, knows_duration: false };
        assert_eq!(prior.get("b"), Some(&Prior::Unknown { sent_at: Some(1000), failure: None, sent: Some(old_line) }));
        assert!(matches!(prior.get("c"), Some(Prior::Unknown { failure: Some(_), .. })));
        assert!(matches!(prior.get("e"), Some(Prior::Refused { .. })), "an unknown code proves nothing");
        assert!(matches!(prior.get("h"), Some(Prior::Unknown { .. })), "cancelled after sending");
        for resent in ["d", "f", "g"] {
            assert_eq!(prior.get(resent), None, "{resent}: the service certainly did not act");
        }
        assert_eq!(prior.len(), 5);
    }

    #[test]
    fn recorded_errors_rebuild_as_they_were() {
        for err in [
            api("FailedOperation.CalleeIsBlackUser"),
            Error::Api {
                code: "InternalError".into(),
                message: "boom".into(),
                request_id: "r".into(),
                http_status: 200,
            },
            Error::Connection("refused".into()),
            Error::Timeout("connecting".into()),
            Error::Config("journal write failed".into()),
            Error::OutcomeUnknown {
                reason: "late".into(),
                request_id: Some("r".into()),
                http_status: Some(502),
                timed_out: true,
            },
            Error::Cancelled { sent: false },
            Error::Cancelled { sent: true },
        ] {
            let line = serde_json::to_string(&Failure::of(&err)).unwrap();
            let again: Failure = serde_json::from_str(&line).unwrap();
            let rebuilt = again.to_error();
            assert_eq!(rebuilt.kind(), err.kind(), "{err:?}");
            assert_eq!(rebuilt.code(), err.code());
            assert_eq!(rebuilt.request_id(), err.request_id());
            assert_eq!(rebuilt.certainly_not_acted(), err.certainly_not_acted(), "{err:?}");
            assert_eq!(rebuilt.outcome_unknown(), err.outcome_unknown(), "{err:?}");
            if !matches!(err, Error::Cancelled { sent: true }) {
                assert_eq!(rebuilt.to_string(), err.to_string());
            }
        }
    }

    #[test]
    fn lines_of_the_first_format_still_read() {
        let text = concat!(
            r#"{"event":"sending","key":"a","index":0,"callee":"001","attempt":1,"at":7}"#,
            "\n",
            r#"{"event":"failed","key":"a","index":0,"outcome_unknown":false,"kind":"call_rejected","#,
            r#""code":"FailedOperation.CalleeIsBlackUser","request_id":"r-1","#,
            r#""message":"FailedOperation.CalleeIsBlackUser: blocked (RequestId r-1)","at":8}"#,
            "\n",
            r#"{"event":"failed","key":"b","index":1,"outcome_unknown":true,"kind":"cancelled","#,
            r#""message":"cancelled before an answer came back","at":9}"#,
            "\n",
        );
        let prior = replay(text.as_bytes());
        let Some(Prior::Refused { sent_at, failure }) = prior.get("a") else { panic!("{prior:?}") };
        assert_eq!(*sent_at, Some(7000));
        let err = failure.to_error();
        assert_eq!(err.message(), "blocked");
        assert_eq!(err.to_string(), "FailedOperation.CalleeIsBlackUser: blocked (RequestId r-1)");
        assert!(matches!(prior.get("b"), Some(Prior::Unknown { sent_at: None, .. })));
    }

    /// A reconcile needs the app and the longest the call could last as they were sent, not as the campaign now
    /// says: the `sending` line records both.
    #[test]
    fn sending_lines_record_what_a_reconcile_needs() {
        let request = crate::CreateAiCallRequest { max_call_duration_ms: Some(60_000), ..call("0086130") };
        let line = serde_json::to_string(&Event::sending("a".into(), 0, &request, 1)).unwrap();
        let prior = replay(line.as_bytes());
        let Some(Prior::Unknown { sent: Some(sent), sent_at: Some(_), failure: None }) = prior.get("a") else {
            panic!("{prior:?}")
        };
        let expected = Sent {
            callee: "0086130".into(),
            sdk_app_id: Some(7),
            max_call_duration_ms: Some(60_000),
            knows_duration: true,
        };
        assert_eq!(*sent, expected);
        let placed =
            r#"{"event":"placed","key":"a","index":0,"session_id":"s","request_id":"","at":2,"reconciled":true}"#;
        assert!(matches!(replay(format!("{line}\n{placed}").as_bytes()).get("a"), Some(Prior::Placed { .. })));
    }

    #[test]
    fn a_torn_line_with_half_a_character_is_skipped() {
        let path = temp("torn");
        let torn = failed("y", &Error::Config("日志写入失败".into()));
        // A kill in the middle of the three bytes of a Chinese character: a torn line that is not UTF-8, once in
        // the middle (a later run appended after it) and once at the end.
        let cut = torn.find('日').unwrap() + 2;
        let mut bytes = format!("{}\n", sending("x")).into_bytes();
        bytes.extend_from_slice(&torn.as_bytes()[..cut]);
        bytes.extend_from_slice(format!("\n{}\n", sending("y")).as_bytes());
        bytes.extend_from_slice(&torn.as_bytes()[..cut]);
        std::fs::write(&path, &bytes).unwrap();
        let (j, prior) = Journal::open(&path).unwrap();
        assert_eq!(prior.len(), 2, "{prior:?}");
        assert!(matches!(prior.get("y"), Some(Prior::Unknown { .. })), "the torn failed line is not read");
        drop(j);
        std::fs::remove_file(path).ok();
    }

    #[tokio::test]
    async fn open_appends_after_a_torn_line() {
        let path = temp("append");
        std::fs::write(&path, format!("{}\n{{\"event\":\"placed\",\"ke", sending("x"))).unwrap();
        let (j, prior) = Journal::open(&path).unwrap();
        assert!(matches!(prior.get("x"), Some(Prior::Unknown { .. })));
        j.record(&Event::sending("y".into(), 1, &call("002"), 1)).await.unwrap();
        j.close().await;
        let (j, prior) = Journal::open(&path).unwrap();
        assert!(matches!(prior.get("y"), Some(Prior::Unknown { sent_at: Some(_), .. })));
        j.close().await;
        std::fs::remove_file(path).ok();
    }

    #[tokio::test]
    async fn one_run_per_journal_even_in_one_process() {
        let path = temp("lock");
        let (first, _) = Journal::open(&path).unwrap();
        let err = Journal::open(&path).err().expect("a second open of a journal in use fails");
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains(&path.display().to_string()) && err.to_string().contains("in use"), "{err}");
        first.close().await;
        let (again, _) = Journal::open(&path).expect("free again once the first run closed it");
        again.close().await;
        std::fs::remove_file(path).ok();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn records_queued_together_are_all_on_disk_when_acknowledged() {
        let path = temp("group");
        let (j, _) = Journal::open(&path).unwrap();
        let j = std::sync::Arc::new(j);
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..50 {
            let j = j.clone();
            tasks.spawn(async move { j.record(&Event::sending(format!("k{i}"), i, &call("001"), 1)).await });
        }
        assert!(tasks.join_all().await.iter().all(|r| r.is_ok()));
        assert_eq!(replay(&std::fs::read(&path).unwrap()).len(), 50);
        j.close().await;
        assert!(j.record(&Event::sending("k".into(), 0, &call("001"), 1)).await.is_err(), "closed: no more records");
        std::fs::remove_file(path).ok();
    }
}
