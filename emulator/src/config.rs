//! What an emulator is started with.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{DEFAULT_MAX_BODY_BYTES, DEFAULT_RATE_LIMIT, TEST_SECRET_ID, TEST_SECRET_KEY};

/// A key pair the emulator accepts. With a `token` (temporary credentials) every request signed with
/// this SecretId must carry the same `X-TC-Token`; without one, a request carrying `X-TC-Token` is refused.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    pub secret_id: String,
    pub secret_key: String,
    #[serde(default)]
    pub token: Option<String>,
}

impl Credential {
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credential { secret_id: secret_id.into(), secret_key: secret_key.into(), token: None }
    }

    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The documented test pair, [`TEST_SECRET_ID`] / [`TEST_SECRET_KEY`].
    pub fn test() -> Self {
        Credential::new(TEST_SECRET_ID, TEST_SECRET_KEY)
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"***")
            .field("token", &self.token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// How to start an [`crate::Emulator`]. `Default` is loopback on a free port, the test credentials,
/// 20 `CreateAICall` per second, no clock offset, and sessions that ring for 1 s and talk for 2 s.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Address to bind; loopback by default.
    pub host: String,
    /// Port to bind; 0 picks a free one (see [`crate::Emulator::port`]).
    pub port: u16,
    /// Accepted key pairs; the first one is what [`crate::Emulator::credentials`] lists first.
    pub credentials: Vec<Credential>,
    /// `CreateAICall` requests per second (token bucket, capacity = rate, continuous refill); 0 disables.
    pub rate_limit: f64,
    /// The emulator's clock is the real clock plus this many seconds (timestamp check and `Date` header).
    pub clock_offset_secs: i64,
    /// How long a new session reports `ringing`.
    pub ringing_ms: u64,
    /// How long a session then reports `inProgress` before `finished`.
    pub talking_ms: u64,
    /// Larger request bodies are refused with `RequestSizeLimitExceeded`.
    pub max_body_bytes: usize,
    /// Serve HTTPS with a certificate signed by a CA made at start ([`crate::Emulator::ca_pem`]).
    pub tls: bool,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            host: "127.0.0.1".to_string(),
            port: 0,
            credentials: vec![Credential::test()],
            rate_limit: DEFAULT_RATE_LIMIT,
            clock_offset_secs: 0,
            ringing_ms: 1000,
            talking_ms: 2000,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            tls: false,
        }
    }
}
