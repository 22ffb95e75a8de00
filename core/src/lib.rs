//! ccc-aicall: place LLM-driven phone calls through Tencent Cloud Contact Center's `CreateAICall`.
//!
//! The core owns all behaviour: the typed request and its validation, TC3 signing, the HTTPS client with
//! safe retries and a rate limiter, and typed errors. The Python and Node packages only convert.
//!
//! Layers, bottom up; a module imports only from the layers below its own:
//! 1. field names and problems (`field`), loose input (`loose`), rule collection (`check`), redaction
//!    (`redact`), phone numbers (`phone`);
//! 2. the declaration machinery (`schema`);
//! 3. the TTS vendors (`tts`), then the request (`request`), both declared with the schema;
//! 4. signing, configuration, errors, the client and campaigns.

pub mod check;
pub mod field;
pub(crate) mod loose;
pub mod phone;
pub(crate) mod redact;

pub mod schema;

pub mod request;
pub mod tts;

pub mod campaign;
pub mod client;
pub mod config;
pub mod credential;
pub mod envelope;
pub mod error;
pub mod follow;
pub mod follow_options;
pub mod idempotency;
pub mod latch;
pub mod logging;
pub mod outcome;
pub mod push;
pub mod ratelimit;
pub mod retry;
pub mod signer;
pub mod store;
#[cfg(test)]
mod test_server;

pub use campaign::{Campaign, CampaignOptions, CampaignReport, ItemOutcome, ItemStatus, Tally};
pub use client::{AiCallResult, CancellationToken, Client};
pub use config::{ClientConfig, ResolvedConfig, DEFAULT_ENDPOINT};
pub use credential::{Credentials, Secret};
pub use error::{Error, ErrorKind, Resend, Result, Verdict};
pub use field::{FieldError, FieldErrorKind, KeyCase};
pub use follow::{ReconcileOptions, SayOptions, WaitOptions};
pub use idempotency::CallOptions;
pub use latch::SendLatch;
pub use outcome::{
    CallAttempt, CallOutcome, CallRef, CallState, CallStatus, Extracted, LiveStatus, Reconciled, Role, Turn,
};
pub use phone::CountryCode;
pub use request::CreateAiCallRequest;
pub use request::{
    AiTransferItem, ExtractConfigElement, ToneWord, TransferToAgentItem, ValidationContext, Variable, ZhToneWords,
    PARAMETERS, SCHEMA,
};
pub use schema::{FieldSpec, RecordSpec};
pub use tts::{AzureTts, CustomHttpTts, CustomTtsConfig, MinimaxTts, TencentTts, VolcengineTts};

/// The README's Rust blocks, compiled by `cargo test --doc` (run too, unless marked `no_run` because they need a
/// server). python/tests/test_docs.py checks that every Markdown file with a `rust` block is included here.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The API version of `CreateAICall` and its sibling actions.
pub const API_VERSION: &str = "2020-02-10";
/// The signing service name.
pub const SERVICE: &str = "ccc";
