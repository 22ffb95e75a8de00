//! ccc-aicall: place LLM-driven phone calls through Tencent Cloud Contact Center's `CreateAICall`.
//!
//! The core owns all behaviour: the typed request and its validation, TC3 signing, the HTTPS client with
//! safe retries and a rate limiter, and typed errors. The Python and Node packages only convert.

pub mod campaign;
pub mod client;
pub mod config;
pub mod credential;
pub mod envelope;
pub mod error;
pub mod field;
pub mod logging;
pub mod phone;
pub mod ratelimit;
mod redact;
pub mod request;
pub mod retry;
pub mod signer;
#[cfg(test)]
mod test_server;
pub mod tts;
pub mod validate;

pub use campaign::{Campaign, CampaignOptions, CampaignReport, ItemOutcome, ItemStatus, Tally};
pub use client::{AiCallResult, CancellationToken, Client};
pub use config::{ClientConfig, ResolvedConfig, DEFAULT_ENDPOINT};
pub use credential::{Credentials, Secret};
pub use error::{Error, ErrorKind, Resend, Result, Verdict};
pub use field::{FieldError, FieldErrorKind, KeyCase};
pub use phone::CountryCode;
pub use request::CreateAiCallRequest;
pub use request::{
    AiTransferItem, ExtractConfigElement, ToneWord, TransferToAgentItem, Variable, ZhToneWords, PARAMETERS,
};
pub use tts::{AzureTts, CustomHttpTts, CustomTtsConfig, MinimaxTts, TencentTts, VolcengineTts};
pub use validate::ValidationContext;

/// The API version of `CreateAICall` and its sibling actions.
pub const API_VERSION: &str = "2020-02-10";
/// The signing service name.
pub const SERVICE: &str = "ccc";
