//! Authorize-URL query building, byte for byte as Python's `urllib.parse.urlencode`.

use url::Url;

use super::params::{AuthorizeParams, PROTECTED_PARAMS};
use crate::error::{AuthError, Result};

/// The session lists that are left out when empty (globus-sdk 4.10 behaviour).
const DROPPED_WHEN_EMPTY: &[&str] = &[
    "session_required_identities",
    "session_required_single_domain",
    "session_required_policies",
];

/// An ordered parameter list with Python-dict semantics: setting an existing key replaces
/// its value in place; `None` values are reserved slots, left out when encoding (Python's
/// `MISSING`).
#[derive(Debug, Default)]
pub(crate) struct QueryPairs(Vec<(String, Option<String>)>);

impl QueryPairs {
    pub(crate) fn set(&mut self, key: &str, value: Option<String>) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key.to_owned(), value)),
        }
    }

    /// Adds the session parameters, then the extras, then drops empty session lists.
    pub(crate) fn extend_with(&mut self, params: &AuthorizeParams) -> Result<()> {
        for (key, value) in params.session_pairs() {
            self.set(key, value);
        }
        for (key, value) in &params.extra {
            if PROTECTED_PARAMS.contains(&key.as_str()) {
                return Err(AuthError::Usage(format!(
                    "the authorize URL parameter {key:?} is set by the flow and cannot be \
                     overridden (it must match the code exchange)"
                )));
            }
            self.set(key, Some(value.clone()));
        }
        for (key, value) in &mut self.0 {
            if DROPPED_WHEN_EMPTY.contains(&key.as_str()) && value.as_deref() == Some("") {
                *value = None;
            }
        }
        Ok(())
    }

    /// `endpoint?k=v&…`, encoded as `urlencode` (`quote_plus`) does.
    pub(crate) fn to_url(&self, endpoint: &Url) -> Url {
        let mut query = String::new();
        for (key, value) in &self.0 {
            let Some(value) = value else { continue };
            if !query.is_empty() {
                query.push('&');
            }
            quote_plus_into(key, &mut query);
            query.push('=');
            quote_plus_into(value, &mut query);
        }
        let mut url = endpoint.clone();
        url.set_query(Some(&query));
        url
    }
}

/// Python's `quote_plus`: unreserved characters (`A-Z a-z 0-9 _ . - ~`) as is, space as
/// `+`, every other UTF-8 byte as `%XX` (upper-case hex).
pub(crate) fn quote_plus_into(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b'-' | b'~') {
            out.push(char::from(byte));
        } else if byte == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(text: &str) -> String {
        let mut out = String::new();
        quote_plus_into(text, &mut out);
        out
    }

    #[test]
    fn matches_python_quote_plus() {
        // Expected values computed with Python 3's urllib.parse.quote_plus.
        assert_eq!(quote("openid profile"), "openid+profile");
        assert_eq!(
            quote("https://auth.globus.org/v2/web/auth-code"),
            "https%3A%2F%2Fauth.globus.org%2Fv2%2Fweb%2Fauth-code"
        );
        assert_eq!(quote("a*b~c'd!e(f)"), "a%2Ab~c%27d%21e%28f%29");
        assert_eq!(quote("x[y z]"), "x%5By+z%5D");
        assert_eq!(quote("é+&="), "%C3%A9%2B%26%3D");
    }

    #[test]
    fn set_replaces_in_place_and_none_is_skipped() {
        let mut pairs = QueryPairs::default();
        pairs.set("a", Some("1".into()));
        pairs.set("b", None);
        pairs.set("c", Some("3".into()));
        pairs.set("a", Some("x y".into()));
        let endpoint = Url::parse("https://h/p").unwrap();
        assert_eq!(pairs.to_url(&endpoint).as_str(), "https://h/p?a=x+y&c=3");
    }
}
