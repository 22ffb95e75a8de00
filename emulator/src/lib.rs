//! A local emulator of Tencent Cloud Contact Center's `CreateAICall` service.
//!
//! It verifies TC3-HMAC-SHA256 the way the service does (with the core's own signer), validates
//! `CreateAICall` with the core's own rules, answers in the service's envelope with the service's error
//! codes, rate-limits like the service (each action on its own budget), plays every placed call by its
//! [`CallScript`] (ringing, answered or not, what was said and extracted), answers the actions that follow a call
//! (`DescribeTelSession`, `DescribeTelCdr`, `DescribeTelRecordAsr`, `DescribeAICallExtractResult`, `HangUpCall`,
//! `ControlAIConversation`, `TransferToManual`) from it, and plays scripted faults (error codes, 5xx, delays,
//! dropped connections, broken bodies, skewed clocks) so that tests can prove what a client does when the
//! network or the service misbehaves.
//!
//! Every placed call is recorded ([`Emulator::calls`]) and every HTTP request counted
//! ([`Emulator::hits`]), so a test can assert "exactly one call was placed" after a fault.
//!
//! ```no_run
//! use ccc_aicall_emulator::{Emulator, EmulatorConfig, Fault};
//! let emu = Emulator::start_blocking(EmulatorConfig::default()).unwrap();
//! emu.inject(Fault::error("InternalError"));
//! println!("{}", emu.endpoint());
//! ```

mod actions;
mod admin;
mod auth;
mod config;
mod control;
mod envelope;
mod fault;
mod outcomes;
mod params;
mod push;
mod ratelimit;
mod script;
mod server;
mod state;
mod tls;

pub use config::{Credential, EmulatorConfig};
pub use fault::{DelayPhase, Fault, FaultKind};
pub use push::{PushAttempt, PushAuth, PushConfig, PushRecord};
pub use script::{CallScript, Extracted, ExtractedValue, HangupSide, Role, Turn};
pub use server::Emulator;
pub use state::PlacedCall;

/// The fuzz targets' entry point: one request answered as the service would (action and version headers, TC3
/// signature, token, body), from a fresh state, with no socket and no faults. Returns the envelope.
#[doc(hidden)]
pub fn answer_request(config: &EmulatorConfig, parts: &hyper::http::request::Parts, body: &[u8]) -> serde_json::Value {
    actions::process(&state::Shared::new(config), parts, body, &envelope::request_id())
}

/// The SecretId the emulator accepts when none is configured. Test credentials, not a secret.
pub const TEST_SECRET_ID: &str = "AKIDccclocalemulatortestid00000000";
/// The SecretKey that goes with [`TEST_SECRET_ID`].
pub const TEST_SECRET_KEY: &str = "ccc-local-emulator-test-secret-key";
/// The service's request-rate limit of `CreateAICall` and of each action after it, per second (API.md section 1,
/// OUTCOMES.md section 2).
pub const DEFAULT_RATE_LIMIT: f64 = 20.0;
/// How far `X-TC-Timestamp` may be from the emulator's clock, as the service allows.
pub const TIMESTAMP_TOLERANCE_SECS: i64 = 300;
/// Request bodies above this size are refused with `RequestSizeLimitExceeded`.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
