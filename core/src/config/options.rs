//! The client's options, each declared once: its name in each language, its type and unit, where else it can come
//! from, its default and what it does. The bindings' signatures, type declarations and README tables are generated
//! from this table (`make gen`), and messages name an option the way the caller spelled it.

use crate::field::KeyCase;

/// What kind of value an option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OptionType {
    String,
    /// A credential: never printed.
    Secret,
    /// A file path.
    Path,
    /// A duration: seconds in Rust (`Duration`) and Python (a number), milliseconds in Node (a number).
    Duration,
    /// A whole number.
    Count,
    /// A number (requests per second).
    Number,
    /// true or false.
    Bool,
}

/// One option of `Client`.
#[derive(Debug, serde::Serialize)]
pub struct OptionSpec {
    /// The Rust (`ClientConfig` field) and Python keyword name, e.g. `connect_timeout`.
    pub name: &'static str,
    /// The Node name, e.g. `connectTimeoutMs` (durations carry their unit there).
    pub node: &'static str,
    #[serde(rename = "type")]
    pub ty: OptionType,
    /// Environment variables read when the option is not given, in order.
    pub env: &'static [&'static str],
    /// The default, as text in the Rust/Python unit (seconds for durations); `None` when there is none.
    pub default: Option<&'static str>,
    /// The default as Node users write it (milliseconds for durations).
    pub node_default: Option<&'static str>,
    /// What the option does; the first line stands alone.
    pub doc: &'static str,
}

impl OptionSpec {
    /// The option's name as a caller using `case` spells it (`Wire` is Rust's).
    pub fn name_in(&self, case: KeyCase) -> &'static str {
        match case {
            KeyCase::Camel => self.node,
            KeyCase::Snake | KeyCase::Wire => self.name,
        }
    }
}

/// The option named `name` in any language's spelling.
pub fn option(name: &str) -> Option<&'static OptionSpec> {
    OPTIONS.iter().find(|o| o.name == name || o.node == name)
}

/// `message` with each option named in backticks by its Rust name (`` `secret_id` ``) spelled as a caller using
/// `case` does (`` `secretId` ``). Other backticked text is left as it is. Configuration messages name options
/// this way so that each binding shows them in its own spelling.
pub fn options_in(message: &str, case: KeyCase) -> String {
    if !message.contains('`') {
        return message.to_string();
    }
    let mut out = String::with_capacity(message.len() + 8);
    for (i, piece) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let named = if i % 2 == 1 { OPTIONS.iter().find(|o| o.name == piece) } else { None };
        out.push_str(named.map_or(piece, |o| o.name_in(case)));
    }
    out
}

/// Every option of `Client`, in the order the documentation lists them.
pub static OPTIONS: [OptionSpec; 16] = [
    OptionSpec {
        name: "secret_id",
        node: "secretId",
        ty: OptionType::String,
        env: &["TENCENTCLOUD_SECRET_ID"],
        default: None,
        node_default: None,
        doc: "The SecretId of a Tencent Cloud API key.\n\
              Else the environment, else ~/.tencentcloud/credentials (then /etc/tencentcloud/credentials), \
              section [default]. A blank value given explicitly is an error.",
    },
    OptionSpec {
        name: "secret_key",
        node: "secretKey",
        ty: OptionType::Secret,
        env: &["TENCENTCLOUD_SECRET_KEY"],
        default: None,
        node_default: None,
        doc: "The SecretKey of that API key. Never printed.\nElse the environment, else the profile file.",
    },
    OptionSpec {
        name: "token",
        node: "token",
        ty: OptionType::Secret,
        env: &["TENCENTCLOUD_SESSION_TOKEN"],
        default: None,
        node_default: None,
        doc: "The session token of temporary credentials (STS). Never printed.",
    },
    OptionSpec {
        name: "region",
        node: "region",
        ty: OptionType::String,
        env: &["TENCENTCLOUD_REGION"],
        default: None,
        node_default: None,
        doc: "The region, e.g. ap-singapore, sent as X-TC-Region; the actions need none, so by default none is sent.",
    },
    OptionSpec {
        name: "endpoint",
        node: "endpoint",
        ty: OptionType::String,
        env: &["CCC_AICALL_ENDPOINT"],
        default: Some("ccc.intl.tencentcloudapi.com"),
        node_default: Some("ccc.intl.tencentcloudapi.com"),
        doc: "A host (https; `ccc.tencentcloudapi.com` for the mainland site) or a URL such as \
              `http://127.0.0.1:8080`, used as given.",
    },
    OptionSpec {
        name: "language",
        node: "language",
        ty: OptionType::String,
        env: &[],
        default: Some("en-US"),
        node_default: Some("en-US"),
        doc: "The language of the service's messages: en-US or zh-CN.",
    },
    OptionSpec {
        name: "timeout",
        node: "timeoutMs",
        ty: OptionType::Duration,
        env: &[],
        default: Some("30"),
        node_default: Some("30000"),
        doc: "The time allowed for one attempt, connecting included.",
    },
    OptionSpec {
        name: "connect_timeout",
        node: "connectTimeoutMs",
        ty: OptionType::Duration,
        env: &[],
        default: Some("5"),
        node_default: Some("5000"),
        doc: "The time allowed for connecting.",
    },
    OptionSpec {
        name: "max_retries",
        node: "maxRetries",
        ty: OptionType::Count,
        env: &[],
        default: Some("2"),
        node_default: Some("2"),
        doc: "Retries of requests that certainly did not reach the service or that it refused without acting, \
              at most 10.\nA request that may have dialled is never sent twice.",
    },
    OptionSpec {
        name: "rate_limit",
        node: "rateLimit",
        ty: OptionType::Number,
        env: &[],
        default: Some("20"),
        node_default: Some("20"),
        doc: "Requests per second for CreateAICall, shared by every call on the client; 0 turns the limiters off.\n\
              Every other action has a budget of its own, at its documented limit (20/s) or this one if lower, so \
              polling never delays dialling.",
    },
    OptionSpec {
        name: "proxy",
        node: "proxy",
        ty: OptionType::String,
        env: &["HTTPS_PROXY", "HTTP_PROXY"],
        default: None,
        node_default: None,
        doc: "A proxy URL; NO_PROXY is honoured too. Its password is never printed.",
    },
    OptionSpec {
        name: "ca_file",
        node: "caFile",
        ty: OptionType::Path,
        env: &[],
        default: None,
        node_default: None,
        doc: "A PEM file of extra trusted root certificates (a corporate TLS-intercepting proxy); verification is \
              never switched off.",
    },
    OptionSpec {
        name: "default_country_code",
        node: "defaultCountryCode",
        ty: OptionType::String,
        env: &[],
        default: None,
        node_default: None,
        doc: "The country calling code (\"86\" or \"+86\") put in front of phone numbers written without one; \
              without it such numbers are refused.\nA national trunk prefix such as China's leading 0 is dropped.",
    },
    OptionSpec {
        name: "redis_url",
        node: "redisUrl",
        ty: OptionType::Secret,
        env: &["CCC_AICALL_REDIS_URL"],
        default: None,
        node_default: None,
        doc: "A Redis server shared by every process using the same SecretId (`redis://host:6379/0`): one \
              rate-limit budget per action across all of them, and idempotency keys that hold across processes.\n\
              Without it both stay in this process. Its password is never printed.",
    },
    OptionSpec {
        name: "store_fallback_local",
        node: "storeFallbackLocal",
        ty: OptionType::Bool,
        env: &[],
        default: Some("false"),
        node_default: Some("false"),
        doc: "When the Redis store cannot be reached: fall back to this process's own rate limiter instead of \
              refusing CreateAICall (error kind store_unavailable, nothing sent).\nA call with an idempotency key \
              is never sent without its claim, whatever this says.",
    },
    OptionSpec {
        name: "idempotency_ttl",
        node: "idempotencyTtlMs",
        ty: OptionType::Duration,
        env: &[],
        default: Some("86400"),
        node_default: Some("86400000"),
        doc: "How long an idempotency key is remembered, at least one second.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_client_config_is_an_option() {
        // An exhaustive pattern: a field added to `ClientConfig` fails to compile here until it is listed, and
        // then fails below until it is declared in `OPTIONS`.
        let super::super::ClientConfig {
            secret_id: _,
            secret_key: _,
            token: _,
            region: _,
            endpoint: _,
            language: _,
            timeout: _,
            connect_timeout: _,
            max_retries: _,
            rate_limit: _,
            proxy: _,
            ca_file: _,
            default_country_code: _,
            redis_url: _,
            store_fallback_local: _,
            idempotency_ttl: _,
        } = Default::default();
        let fields = [
            "secret_id",
            "secret_key",
            "token",
            "region",
            "endpoint",
            "language",
            "timeout",
            "connect_timeout",
            "max_retries",
            "rate_limit",
            "proxy",
            "ca_file",
            "default_country_code",
            "redis_url",
            "store_fallback_local",
            "idempotency_ttl",
        ];
        assert_eq!(OPTIONS.iter().map(|o| o.name).collect::<Vec<_>>(), fields);
    }

    #[test]
    fn messages_name_options_in_each_spelling() {
        let message = "`secret_id` was given without `secret_key`; `timeout` and `region` too, not `Timeout` or `x`";
        assert_eq!(options_in(message, KeyCase::Snake), message);
        assert_eq!(options_in(message, KeyCase::Wire), message);
        assert_eq!(
            options_in(message, KeyCase::Camel),
            "`secretId` was given without `secretKey`; `timeoutMs` and `region` too, not `Timeout` or `x`"
        );
        // Only backticked names: a bare word that happens to be an option's name is prose.
        assert_eq!(options_in("the timeout of `max_retries`", KeyCase::Camel), "the timeout of `maxRetries`");
        assert_eq!(options_in("an odd ` count", KeyCase::Camel), "an odd ` count");
    }

    #[test]
    fn node_names_are_the_camel_case_of_the_rust_ones_with_units() {
        let camel_of = |snake: &str| {
            let mut out = String::new();
            for (i, word) in snake.split('_').enumerate() {
                let mut chars = word.chars();
                match (i, chars.next()) {
                    (0, Some(c)) => out.push(c),
                    (_, Some(c)) => out.push(c.to_ascii_uppercase()),
                    _ => {}
                }
                out.extend(chars);
            }
            out
        };
        for option in &OPTIONS {
            let camel = camel_of(option.name);
            let expected = if option.ty == OptionType::Duration { format!("{camel}Ms") } else { camel };
            assert_eq!(option.node, expected, "{}", option.name);
            assert!(!option.doc.is_empty());
            assert_eq!(option.default.is_some(), option.node_default.is_some(), "{}", option.name);
        }
    }
}
