//! ccc-aicall: place LLM-driven phone calls through Tencent Cloud Contact Center's `CreateAICall`.
//!
//! The core owns all behaviour: the typed request and its validation, TC3 signing, the HTTPS client with
//! safe retries and a rate limiter, and typed errors. The Python and Node packages only convert.

pub mod error;
pub mod field;
pub mod request;
pub mod signer;

pub use error::{Error, ErrorKind, Result};
pub use field::{FieldError, FieldErrorKind, KeyCase};
pub use request::CreateAiCallRequest;

/// The API version of `CreateAICall` and its sibling actions.
pub const API_VERSION: &str = "2020-02-10";
/// The signing service name.
pub const SERVICE: &str = "ccc";
/// The default host: the international site.
pub const DEFAULT_ENDPOINT: &str = "ccc.intl.tencentcloudapi.com";
