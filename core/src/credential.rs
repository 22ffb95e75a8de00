//! Credentials: explicit arguments, then the environment, then the profile file. Resolved once, when the client
//! is built. `Debug` never prints the secret key or the token.

use crate::error::{Error, Result};
use std::fmt;
use std::path::{Path, PathBuf};

pub const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
pub const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
pub const ENV_SESSION_TOKEN: &str = "TENCENTCLOUD_SESSION_TOKEN";

/// A string that never shows itself in `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The secret itself, for signing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where a credential came from, for diagnostics (never the value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    Explicit,
    Environment,
    ProfileFile(PathBuf),
}

#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub secret_id: String,
    pub secret_key: Secret,
    pub token: Option<Secret>,
    pub source: CredentialSource,
}

impl Credentials {
    /// The SecretId as every text about a client shows it (Rust's `Debug`, Python's `repr`, Node's `toString` and
    /// `inspect`): see [`mask_id`].
    pub fn masked_id(&self) -> String {
        mask_id(&self.secret_id)
    }
}

/// Enough of a SecretId to tell keys apart (`AKID***3f9a`), nothing of a short one. The id is not a secret, but
/// a whole one in logs and screenshots is half of a key pair given away.
pub fn mask_id(secret_id: &str) -> String {
    let chars: Vec<char> = secret_id.chars().collect();
    if chars.len() <= 12 {
        return "***".to_string();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}***{tail}")
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &self.masked_id())
            .field("secret_key", &self.secret_key)
            .field("token", &self.token)
            .field("source", &self.source)
            .finish()
    }
}

/// Users paste keys with stray spaces and quotes; that is the most common cause of SignatureFailure.
pub fn clean(value: &str) -> String {
    let mut v = value.trim();
    loop {
        let stripped = v
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .or_else(|| v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')));
        match stripped {
            Some(s) => v = s.trim(),
            None => return v.to_string(),
        }
    }
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value.map(clean).filter(|s| !s.is_empty())
}

/// The `[default]` section of an INI credentials file: `secret_id`, `secret_key`, `token`.
/// Unknown sections and keys are ignored; `;` and `#` start comment lines.
pub fn parse_profile(text: &str) -> (Option<String>, Option<String>, Option<String>) {
    let (mut id, mut key, mut token) = (None, None, None);
    let mut in_default = false;
    for line in text.lines() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with(';') || line.starts_with('#') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_default = section.trim() == "default";
            continue;
        }
        if !in_default {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            let v = non_empty(Some(v));
            match k.trim().to_ascii_lowercase().as_str() {
                "secret_id" => id = v,
                "secret_key" => key = v,
                "token" => token = v,
                _ => {}
            }
        }
    }
    (id, key, token)
}

/// The profile files in the order they are tried.
pub fn profile_paths(home: Option<&Path>) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    if let Some(home) = home {
        paths.push(home.join(".tencentcloud").join("credentials"));
    }
    paths.push(PathBuf::from("/etc/tencentcloud/credentials"));
    paths
}

/// Resolve credentials from explicit values, then `env`, then the first readable profile file with a key pair.
pub fn resolve(
    secret_id: Option<&str>,
    secret_key: Option<&str>,
    token: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    profiles: &[PathBuf],
) -> Result<Credentials> {
    // An explicit value that is blank once cleaned is a mistake (an empty environment variable passed on, a
    // template never filled in), not "not given": falling back to other credentials would sign as someone else.
    for (name, value) in [("secret_id", secret_id), ("secret_key", secret_key), ("token", token)] {
        if value.is_some_and(|v| clean(v).is_empty()) {
            return Err(Error::Config(format!(
                "`{name}` was given but is blank (after removing spaces and quotes); pass the value, or leave it \
                 out to use {ENV_SECRET_ID} / {ENV_SECRET_KEY} / {ENV_SESSION_TOKEN} or the profile file"
            )));
        }
    }
    let (id, key) = (non_empty(secret_id), non_empty(secret_key));
    match (id, key) {
        (Some(secret_id), Some(key)) => {
            return Ok(Credentials {
                secret_id,
                secret_key: Secret(key),
                token: non_empty(token).map(Secret),
                source: CredentialSource::Explicit,
            })
        }
        (Some(_), None) => return Err(Error::Config("`secret_id` was given without `secret_key`".into())),
        (None, Some(_)) => return Err(Error::Config("`secret_key` was given without `secret_id`".into())),
        (None, None) => {}
    }
    let (id, key) = (non_empty(env(ENV_SECRET_ID).as_deref()), non_empty(env(ENV_SECRET_KEY).as_deref()));
    match (id, key) {
        (Some(secret_id), Some(key)) => {
            return Ok(Credentials {
                secret_id,
                secret_key: Secret(key),
                token: non_empty(token).or_else(|| non_empty(env(ENV_SESSION_TOKEN).as_deref())).map(Secret),
                source: CredentialSource::Environment,
            })
        }
        (Some(_), None) => return Err(Error::Config(format!("{ENV_SECRET_ID} is set but {ENV_SECRET_KEY} is not"))),
        (None, Some(_)) => return Err(Error::Config(format!("{ENV_SECRET_KEY} is set but {ENV_SECRET_ID} is not"))),
        (None, None) => {}
    }
    for path in profiles {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        if let (Some(secret_id), Some(key), file_token) = parse_profile(&text) {
            return Ok(Credentials {
                secret_id,
                secret_key: Secret(key),
                token: non_empty(token).or(file_token).map(Secret),
                source: CredentialSource::ProfileFile(path.clone()),
            });
        }
    }
    // The profile file's keys are its own (`secret_id = ...` in any language), so they are not in backticks.
    Err(Error::Config(format!(
        "no credentials found: pass `secret_id` and `secret_key` to the client, or set {ENV_SECRET_ID} and \
         {ENV_SECRET_KEY} (and {ENV_SESSION_TOKEN} for temporary credentials), or write secret_id and secret_key \
         under [default] in {}",
        profiles.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" or ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn cleaning_strips_spaces_and_quotes() {
        assert_eq!(clean("  \"AKID123\" "), "AKID123");
        assert_eq!(clean("'key'"), "key");
        assert_eq!(clean(" \" 'k' \" "), "k");
        assert_eq!(clean("a\"b"), "a\"b");
    }

    #[test]
    fn explicit_wins_over_env() {
        let env = env_of(&[(ENV_SECRET_ID, "envid"), (ENV_SECRET_KEY, "envkey")]);
        let c = resolve(Some(" id "), Some("'key'"), None, &env, &[]).unwrap();
        assert_eq!((c.secret_id.as_str(), c.secret_key.expose()), ("id", "key"));
        assert_eq!(c.source, CredentialSource::Explicit);
    }

    #[test]
    fn env_with_token_and_quotes() {
        let env = env_of(&[(ENV_SECRET_ID, " \"envid\""), (ENV_SECRET_KEY, "envkey\n"), (ENV_SESSION_TOKEN, "'tok'")]);
        let c = resolve(None, None, None, &env, &[]).unwrap();
        assert_eq!((c.secret_id.as_str(), c.secret_key.expose()), ("envid", "envkey"));
        assert_eq!(c.token.unwrap().expose(), "tok");
        assert_eq!(c.source, CredentialSource::Environment);
    }

    #[test]
    fn explicit_blanks_are_errors_not_a_fallback() {
        let env = env_of(&[(ENV_SECRET_ID, "envid"), (ENV_SECRET_KEY, "envkey"), (ENV_SESSION_TOKEN, "envtok")]);
        for (id, key, token, named) in [
            (Some(""), Some(""), None, "secret_id"),
            (Some("id"), Some("  '' "), None, "secret_key"),
            (Some(" \" \" "), None, None, "secret_id"),
            (None, Some(""), None, "secret_key"),
            (Some("id"), Some("key"), Some(""), "token"),
            (None, None, Some(" "), "token"),
        ] {
            let err = resolve(id, key, token, &env, &[]).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::Config);
            assert!(err.to_string().contains(&format!(": `{named}` was given but is blank")), "{err}");
        }
    }

    #[test]
    fn half_pairs_are_errors() {
        assert!(resolve(Some("id"), None, None, &env_of(&[]), &[]).is_err());
        assert!(resolve(None, None, None, &env_of(&[(ENV_SECRET_ID, "x")]), &[]).is_err());
    }

    #[test]
    fn profile_files_in_order() {
        let dir = std::env::temp_dir().join(format!("ccc-cred-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (first, second) = (dir.join("missing"), dir.join("credentials"));
        let profile = concat!(
            "; comment\n[other]\nsecret_id=no\n",
            "[default]\nsecret_id = \" AKIDfile \"\nsecret_key= 'filekey' \ntoken = t1\n",
        );
        std::fs::write(&second, profile).unwrap();
        let c = resolve(None, None, None, &env_of(&[]), &[first, second.clone()]).unwrap();
        assert_eq!((c.secret_id.as_str(), c.secret_key.expose()), ("AKIDfile", "filekey"));
        assert_eq!(c.token.as_ref().unwrap().expose(), "t1");
        assert_eq!(c.source, CredentialSource::ProfileFile(second));
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn missing_names_all_three_sources() {
        let err = resolve(None, None, None, &env_of(&[]), &profile_paths(Some(Path::new("/home/u")))).unwrap_err();
        let msg = err.to_string();
        for needle in [
            "secret_id",
            ENV_SECRET_ID,
            ENV_SECRET_KEY,
            "/home/u/.tencentcloud/credentials",
            "/etc/tencentcloud/credentials",
        ] {
            assert!(msg.contains(needle), "{msg}");
        }
    }

    #[test]
    fn masked_id_keeps_only_the_ends() {
        let c = resolve(Some("AKIDabcdefghijkl1234"), Some("k"), None, &env_of(&[]), &[]).unwrap();
        assert_eq!(c.masked_id(), "AKID***1234");
        let c = resolve(Some("short"), Some("k"), None, &env_of(&[]), &[]).unwrap();
        assert_eq!(c.masked_id(), "***");
    }

    #[test]
    fn debug_hides_secrets_and_masks_the_id() {
        let c =
            resolve(Some("AKIDsame4mask0000wxyz"), Some("SUPERSECRETKEY"), Some("SUPERSECRETTOKEN"), &env_of(&[]), &[])
                .unwrap();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("SUPERSECRET") && !dbg.contains("same4mask"), "{dbg}");
        assert!(dbg.contains("secret_id: \"AKID***wxyz\""), "{dbg}");
    }

    #[test]
    fn messages_name_the_options_in_the_callers_spelling() {
        use crate::KeyCase;
        for (id, key, snake, camel) in [
            (Some(""), Some("k"), "`secret_id` was given but is blank", "`secretId` was given but is blank"),
            (Some("id"), Some(" "), "`secret_key` was given but is blank", "`secretKey` was given but is blank"),
            (
                Some("id"),
                None,
                "`secret_id` was given without `secret_key`",
                "`secretId` was given without `secretKey`",
            ),
            (None, Some("k"), "`secret_key` was given without `secret_id`", "`secretKey` was given without `secretId`"),
        ] {
            let err = resolve(id, key, None, &env_of(&[]), &[]).unwrap_err();
            assert!(err.message_in(KeyCase::Snake).contains(snake), "{err}");
            assert!(err.message_in(KeyCase::Camel).contains(camel), "{err}");
        }
        let err = resolve(None, None, None, &env_of(&[]), &[]).unwrap_err().message_in(KeyCase::Camel);
        assert!(err.contains("pass `secretId` and `secretKey` to the client"), "{err}");
        // The profile file's own keys keep their spelling.
        assert!(err.contains("write secret_id and secret_key under [default]"), "{err}");
    }
}
