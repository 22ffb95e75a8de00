//! Client configuration: every default lives here, resolved once as explicit > environment > default.

mod options;
mod read;
mod shown;

pub use options::{option, options_in, OptionSpec, OptionType, OPTIONS};

use crate::credential::{self, Credentials};
use crate::error::{Error, Result};
use crate::phone::CountryCode;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

pub const ENV_REGION: &str = "TENCENTCLOUD_REGION";
pub const ENV_ENDPOINT: &str = "CCC_AICALL_ENDPOINT";
pub const ENV_REDIS_URL: &str = "CCC_AICALL_REDIS_URL";

pub const DEFAULT_ENDPOINT: &str = "ccc.intl.tencentcloudapi.com";
pub const DEFAULT_LANGUAGE: &str = "en-US";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The service's documented limit for CreateAICall.
pub const DEFAULT_RATE_LIMIT: f64 = 20.0;
/// The slowest limiter: one request per 100 s. Below it the spacing stops being a rate (and `1e-310` would
/// overflow a `Duration`).
pub const MIN_RATE_LIMIT: f64 = 0.01;
/// The fastest limiter: far above any documented CCC limit, so a larger value is a mistake (ms for s?).
pub const MAX_RATE_LIMIT: f64 = 1000.0;
/// More retries than this only multiplies load on a struggling service.
pub const MAX_RETRIES_CAP: u32 = 10;
/// How long an idempotency key is remembered: a day covers a task queue's redeliveries.
pub const DEFAULT_IDEMPOTENCY_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// A key's record is written with a TTL in whole milliseconds; under a second it would expire before a slow call
/// had even been answered.
pub const MIN_IDEMPOTENCY_TTL: Duration = Duration::from_secs(1);

/// What the caller asks for. Every field is optional; `None` means "environment, then default".
#[derive(Clone, Default)]
pub struct ClientConfig {
    pub secret_id: Option<String>,
    pub secret_key: Option<String>,
    pub token: Option<String>,
    pub region: Option<String>,
    /// A bare host (`ccc.tencentcloudapi.com`) means https; a full URL (`http://127.0.0.1:8080`) is used as given.
    pub endpoint: Option<String>,
    /// `en-US` (default) or `zh-CN`: the language of the service's error messages.
    pub language: Option<String>,
    /// Total time for one attempt, connecting included.
    pub timeout: Option<Duration>,
    pub connect_timeout: Option<Duration>,
    /// Retries of requests that certainly did not reach the service or that it refused without acting.
    pub max_retries: Option<u32>,
    /// Requests per second, shared by every call on the client and its clones. `Some(0.0)` disables the limiter.
    pub rate_limit: Option<f64>,
    /// An explicit proxy URL; otherwise `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` are honoured.
    pub proxy: Option<String>,
    /// Extra trusted root certificates (PEM), e.g. for a corporate TLS-intercepting proxy.
    pub ca_file: Option<PathBuf>,
    /// The country calling code (`"86"` or `"+86"`) put in front of phone numbers written without one; without
    /// it such numbers are refused.
    pub default_country_code: Option<String>,
    /// A Redis server shared by every process that places calls with the same SecretId (`redis://host:6379/0`,
    /// `redis://:password@host`): one rate-limit budget per action for all of them, and idempotency keys that hold
    /// across processes. Without it (and without `CCC_AICALL_REDIS_URL`) both stay in this process. Never printed
    /// with its password.
    pub redis_url: Option<String>,
    /// With a Redis store that cannot be reached: `true` falls back to this process's own limiter; `false` (the
    /// default) fails closed, refusing CreateAICall with [`crate::ErrorKind::StoreUnavailable`] and sending nothing.
    /// A call with an idempotency key always fails closed: it is never sent without its claim.
    pub store_fallback_local: Option<bool>,
    /// How long an idempotency key is remembered (default a day).
    pub idempotency_ttl: Option<Duration>,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("secret_id", &self.secret_id.as_deref().map(credential::mask_id))
            .field("secret_key", &self.secret_key.as_ref().map(|_| "***"))
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("language", &self.language)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .field("rate_limit", &self.rate_limit)
            .field("proxy", &self.proxy.as_deref().map(redact_url))
            .field("ca_file", &self.ca_file)
            .field("default_country_code", &self.default_country_code)
            .field("redis_url", &self.redis_url.as_deref().map(redact_url))
            .field("store_fallback_local", &self.store_fallback_local)
            .field("idempotency_ttl", &self.idempotency_ttl)
            .finish()
    }
}

/// A proxy URL may carry a password: keep only scheme, host and port.
pub fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(u) if !u.username().is_empty() || u.password().is_some() => {
            let mut u = u.clone();
            let _ = u.set_username("***");
            let _ = u.set_password(None);
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "<unparseable>".into(),
    }
}

/// The configuration in force, after defaults and the environment.
#[derive(Clone)]
pub struct ResolvedConfig {
    pub credentials: Credentials,
    pub region: Option<String>,
    /// Base URL, e.g. `https://ccc.intl.tencentcloudapi.com/`.
    pub url: url::Url,
    /// `host[:port]` exactly as sent in the Host header and signed.
    pub host: String,
    pub language: String,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_retries: u32,
    /// `None` when the limiter is off.
    pub rate_limit: Option<f64>,
    pub proxy: Option<String>,
    pub ca_file: Option<PathBuf>,
    pub default_country_code: Option<CountryCode>,
    /// The shared store's URL (`None`: rate limits and idempotency keys stay in this process).
    pub redis_url: Option<String>,
    pub store_fallback_local: bool,
    pub idempotency_ttl: Duration,
}

impl fmt::Debug for ResolvedConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedConfig")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("url", &self.url.as_str())
            .field("host", &self.host)
            .field("language", &self.language)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .field("rate_limit", &self.rate_limit)
            .field("proxy", &self.proxy.as_deref().map(redact_url))
            .field("ca_file", &self.ca_file)
            .field("default_country_code", &self.default_country_code)
            .field("redis_url", &self.redis_url.as_deref().map(redact_url))
            .field("store_fallback_local", &self.store_fallback_local)
            .field("idempotency_ttl", &self.idempotency_ttl)
            .finish()
    }
}

impl ClientConfig {
    /// Resolve against the process environment and the standard profile files.
    pub fn resolve(&self) -> Result<ResolvedConfig> {
        let env = |k: &str| std::env::var(k).ok();
        let home = std::env::var_os("HOME").map(PathBuf::from);
        self.resolve_with(&env, &credential::profile_paths(home.as_deref()))
    }

    /// Resolve against a given environment and profile files (tests use this; no global state). Messages name
    /// options in backticks by their Rust name; [`Error::message_in`] spells them for a binding's callers.
    pub fn resolve_with(&self, env: &dyn Fn(&str) -> Option<String>, profiles: &[PathBuf]) -> Result<ResolvedConfig> {
        let credentials = credential::resolve(
            self.secret_id.as_deref(),
            self.secret_key.as_deref(),
            self.token.as_deref(),
            env,
            profiles,
        )?;
        let pick = |explicit: &Option<String>, var: &str| {
            explicit
                .as_deref()
                .map(credential::clean)
                .or_else(|| env(var).map(|v| credential::clean(&v)))
                .filter(|v| !v.is_empty())
        };
        let region = pick(&self.region, ENV_REGION);
        let endpoint = pick(&self.endpoint, ENV_ENDPOINT).unwrap_or_else(|| DEFAULT_ENDPOINT.to_string());
        let (url, host) = parse_endpoint(&endpoint)?;

        let language = self.language.as_deref().map(str::trim).unwrap_or(DEFAULT_LANGUAGE).to_string();
        if language != "en-US" && language != "zh-CN" {
            return Err(Error::Config(format!("`language` must be \"en-US\" or \"zh-CN\", not {language:?}")));
        }
        let timeout = positive(self.timeout, DEFAULT_TIMEOUT, "timeout")?;
        let connect_timeout = positive(self.connect_timeout, DEFAULT_CONNECT_TIMEOUT, "connect_timeout")?;
        let max_retries = self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES);
        if max_retries > MAX_RETRIES_CAP {
            return Err(Error::Config(format!("`max_retries` must be at most {MAX_RETRIES_CAP}, not {max_retries}")));
        }
        let rate_limit = match self.rate_limit.unwrap_or(DEFAULT_RATE_LIMIT) {
            0.0 => None,
            r if (MIN_RATE_LIMIT..=MAX_RATE_LIMIT).contains(&r) => Some(r),
            r => {
                return Err(Error::Config(format!(
                    "`rate_limit` must be between {MIN_RATE_LIMIT} and {MAX_RATE_LIMIT} requests per second, \
                     or 0 to turn the limiter off; got {r}"
                )))
            }
        };
        let proxy = self.proxy.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(String::from);
        if let Some(p) = &proxy {
            url::Url::parse(p).map_err(|e| Error::Config(format!("`proxy` {} is not a URL: {e}", redact_url(p))))?;
        }
        if let Some(path) = &self.ca_file {
            if !path.is_file() {
                return Err(Error::Config(format!("`ca_file` {} does not exist or is not a file", path.display())));
            }
        }
        let default_country_code = self
            .default_country_code
            .as_deref()
            .map(|code| CountryCode::parse(code, "default_country_code"))
            .transpose()?;
        let redis_url = match &self.redis_url {
            Some(given) => Some(given.trim().to_string()),
            None => env(ENV_REDIS_URL).map(|v| v.trim().to_string()),
        }
        .filter(|u| !u.is_empty());
        if let Some(u) = &redis_url {
            crate::store::check_url(u)?;
        }
        let idempotency_ttl = positive(self.idempotency_ttl, DEFAULT_IDEMPOTENCY_TTL, "idempotency_ttl")?;
        if idempotency_ttl < MIN_IDEMPOTENCY_TTL {
            return Err(Error::Config(format!(
                "`idempotency_ttl` must be at least one second, not {idempotency_ttl:?}"
            )));
        }
        Ok(ResolvedConfig {
            credentials,
            region,
            url,
            host,
            language,
            timeout,
            connect_timeout,
            max_retries,
            rate_limit,
            proxy,
            ca_file: self.ca_file.clone(),
            default_country_code,
            redis_url,
            store_fallback_local: self.store_fallback_local.unwrap_or(false),
            idempotency_ttl,
        })
    }
}

fn positive(value: Option<Duration>, default: Duration, name: &str) -> Result<Duration> {
    match value {
        None => Ok(default),
        Some(d) if d.is_zero() => Err(Error::Config(format!("`{name}` must be greater than zero"))),
        Some(d) => Ok(d),
    }
}

/// `ccc.tencentcloudapi.com` -> https; `http://127.0.0.1:8080` as given. Returns the URL and the Host header value.
/// An endpoint with a user name or password is refused (the service authenticates by signature, and a password
/// there would end up in every log line that names the endpoint); messages never show that part.
pub fn parse_endpoint(endpoint: &str) -> Result<(url::Url, String)> {
    let shown = without_userinfo(endpoint);
    let with_scheme = if endpoint.contains("://") { endpoint.to_string() } else { format!("https://{endpoint}") };
    let url = url::Url::parse(&with_scheme).map_err(|e| {
        Error::Config(format!("`endpoint` {shown:?} is not a host or URL: {}", without_userinfo(&e.to_string())))
    })?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err(Error::Config(format!("`endpoint` {shown:?} must use http or https")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(format!(
            "`endpoint` {shown:?} must not carry a user name or password: requests are signed with the secret key"
        )));
    }
    let Some(host) = url.host_str() else {
        return Err(Error::Config(format!("`endpoint` {shown:?} has no host")));
    };
    if url.path() != "/" || url.query().is_some() {
        return Err(Error::Config(format!("`endpoint` {shown:?} must be a bare host or scheme://host[:port]")));
    }
    let host = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    Ok((url, host))
}

/// `http://user:password@host/` as `http://***@host/`, by text (the endpoint may not even parse).
fn without_userinfo(text: &str) -> String {
    let start = text.find("://").map_or(0, |i| i + 3);
    let end = text[start..].find(['/', '?', '#']).map_or(text.len(), |i| start + i);
    match text[start..end].rfind('@') {
        Some(at) => format!("{}***{}", &text[..start], &text[start + at..]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> ClientConfig {
        ClientConfig { secret_id: Some("id".into()), secret_key: Some("key".into()), ..Default::default() }
    }

    #[test]
    fn defaults() {
        let r = creds().resolve_with(&|_| None, &[]).unwrap();
        assert_eq!(r.url.as_str(), "https://ccc.intl.tencentcloudapi.com/");
        assert_eq!(r.host, "ccc.intl.tencentcloudapi.com");
        assert_eq!(r.language, "en-US");
        assert_eq!(r.timeout, Duration::from_secs(30));
        assert_eq!(r.connect_timeout, Duration::from_secs(5));
        assert_eq!(r.max_retries, 2);
        assert_eq!(r.rate_limit, Some(20.0));
        assert_eq!(r.region, None);
    }

    #[test]
    fn env_fills_region_and_endpoint_explicit_wins() {
        let env = |k: &str| match k {
            ENV_REGION => Some(" ap-singapore ".into()),
            ENV_ENDPOINT => Some("http://127.0.0.1:8080".into()),
            _ => None,
        };
        let r = creds().resolve_with(&env, &[]).unwrap();
        assert_eq!(r.region.as_deref(), Some("ap-singapore"));
        assert_eq!(r.url.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(r.host, "127.0.0.1:8080");
        let r = ClientConfig {
            region: Some("ap-hongkong".into()),
            endpoint: Some("ccc.tencentcloudapi.com".into()),
            ..creds()
        }
        .resolve_with(&env, &[])
        .unwrap();
        assert_eq!(r.region.as_deref(), Some("ap-hongkong"));
        assert_eq!(r.host, "ccc.tencentcloudapi.com");
    }

    #[test]
    fn bad_values_are_config_errors() {
        for cfg in [
            ClientConfig { language: Some("fr-FR".into()), ..creds() },
            ClientConfig { timeout: Some(Duration::ZERO), ..creds() },
            ClientConfig { rate_limit: Some(-1.0), ..creds() },
            ClientConfig { rate_limit: Some(f64::NAN), ..creds() },
            ClientConfig { rate_limit: Some(1e-310), ..creds() },
            ClientConfig { rate_limit: Some(0.001), ..creds() },
            ClientConfig { rate_limit: Some(1000.5), ..creds() },
            ClientConfig { rate_limit: Some(f64::INFINITY), ..creds() },
            ClientConfig { max_retries: Some(100), ..creds() },
            ClientConfig { endpoint: Some("ftp://x".into()), ..creds() },
            ClientConfig { endpoint: Some("http://x/path".into()), ..creds() },
            ClientConfig { proxy: Some("not a url".into()), ..creds() },
            ClientConfig { ca_file: Some("/nonexistent/ca.pem".into()), ..creds() },
        ] {
            let e = cfg.resolve_with(&|_| None, &[]).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Config, "{cfg:?}");
            // Each names its option in backticks, so that Node's callers see it as they spell it.
            let camel = e.message_in(crate::KeyCase::Camel);
            assert!(OPTIONS.iter().any(|o| camel.contains(&format!("`{}`", o.node))), "{camel}");
            for o in OPTIONS.iter().filter(|o| o.name != o.node) {
                assert!(!camel.contains(&format!("`{}`", o.name)), "{camel}");
            }
        }
    }

    #[test]
    fn zero_rate_limit_disables() {
        let r = ClientConfig { rate_limit: Some(0.0), ..creds() }.resolve_with(&|_| None, &[]).unwrap();
        assert_eq!(r.rate_limit, None);
    }

    #[test]
    fn endpoints_with_user_info_are_refused_without_showing_it() {
        for endpoint in ["http://:PASSWORD@127.0.0.1:8080", "https://user:PASSWORD@h", "user:PASSWORD@h", "u@h"] {
            let e =
                ClientConfig { endpoint: Some(endpoint.into()), ..creds() }.resolve_with(&|_| None, &[]).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Config, "{endpoint}");
            assert!(!e.to_string().contains("PASSWORD") && e.to_string().contains("***@"), "{e}");
        }
        // Not even a URL: the part before '@' is still not shown.
        let e = parse_endpoint("http://u:PASSWORD@[bad").unwrap_err();
        assert!(!e.to_string().contains("PASSWORD"), "{e}");
    }

    #[test]
    fn default_country_code_is_checked_when_the_client_is_built() {
        let r = ClientConfig { default_country_code: Some("+86".into()), ..creds() }.resolve_with(&|_| None, &[]);
        assert_eq!(r.unwrap().default_country_code.map(CountryCode::get), Some(86));
        for bad in ["", "999", "86a", "+"] {
            let cfg = ClientConfig { default_country_code: Some(bad.into()), ..creds() };
            let e = cfg.resolve_with(&|_| None, &[]).unwrap_err();
            assert!(e.to_string().contains("default_country_code"), "{e}");
        }
    }

    #[test]
    fn debug_of_the_resolved_config_hides_the_proxy_password() {
        let cfg = ClientConfig { proxy: Some("http://u:PROXYPASS@p:3128".into()), ..creds() };
        let d = format!("{:?}", cfg.resolve_with(&|_| None, &[]).unwrap());
        assert!(!d.contains("PROXYPASS") && d.contains("p:3128"), "{d}");
    }

    #[test]
    fn debug_redacts() {
        let cfg = ClientConfig {
            secret_key: Some("SEKRIT".into()),
            token: Some("TOKSEKRIT".into()),
            proxy: Some("http://u:PROXYPASS@p:3128".into()),
            ..creds()
        };
        let d = format!("{cfg:?}");
        assert!(!d.contains("SEKRIT") && !d.contains("PROXYPASS"), "{d}");
    }
}
