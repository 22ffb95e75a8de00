//! What a client shows of itself, decided once for Rust's `Debug`, Python's `repr` and Node's `toString` and
//! `inspect`: its endpoint, its region and its SecretId masked (the key and token never).

use super::{option, ResolvedConfig};
use crate::field::KeyCase;

impl ResolvedConfig {
    /// The endpoint URL, the region (`None` when none is sent) and the SecretId masked by
    /// [`Credentials::masked_id`](crate::Credentials::masked_id), each under its option's name as a caller using
    /// `case` spells it (`Wire` is Rust's), in that order. Each binding writes them in its own syntax.
    pub fn shown(&self, case: KeyCase) -> [(&'static str, Option<String>); 3] {
        [
            (named("endpoint", case), Some(self.url.to_string())),
            (named("region", case), self.region.clone()),
            (named("secret_id", case), Some(self.credentials.masked_id())),
        ]
    }
}

fn named(rust: &'static str, case: KeyCase) -> &'static str {
    option(rust).map_or(rust, |o| o.name_in(case))
}

#[cfg(test)]
mod tests {
    use crate::config::ClientConfig;
    use crate::field::KeyCase;

    #[test]
    fn the_id_is_masked_and_named_per_language() {
        let config = ClientConfig {
            secret_id: Some("AKIDsame4mask0000wxyz".into()),
            secret_key: Some("SEKRIT".into()),
            region: Some("ap-singapore".into()),
            ..Default::default()
        };
        let resolved = config.resolve_with(&|_| None, &[]).unwrap();
        let endpoint = Some("https://ccc.intl.tencentcloudapi.com/".to_string());
        let (region, masked) = (Some("ap-singapore".to_string()), Some("AKID***wxyz".to_string()));
        assert_eq!(
            resolved.shown(KeyCase::Snake),
            [("endpoint", endpoint.clone()), ("region", region.clone()), ("secret_id", masked.clone())]
        );
        assert_eq!(resolved.shown(KeyCase::Camel), [("endpoint", endpoint), ("region", region), ("secretId", masked)]);
        let client = crate::Client::from_resolved(resolved.clone()).unwrap();
        assert_eq!(
            format!("{client:?}"),
            "Client { endpoint: \"https://ccc.intl.tencentcloudapi.com/\", region: \"ap-singapore\", \
             secret_id: \"AKID***wxyz\", .. }"
        );
        for text in [format!("{resolved:?}"), format!("{config:?}")] {
            assert!(!text.contains("same4mask") && !text.contains("SEKRIT") && text.contains("AKID***wxyz"), "{text}");
        }
    }
}
