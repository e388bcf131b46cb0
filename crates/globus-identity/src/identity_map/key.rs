//! Telling identity ids from usernames, and refusing keys that cannot be sent safely.

use crate::error::{Error, Result};

/// Which kind of lookup a key needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum KeyKind {
    /// The key parses as a UUID: looked up with `ids=`.
    Id,
    /// Anything else: looked up with `usernames=` (and `provision=false`).
    Username,
}

/// The 128-bit value of `text` if Python's `uuid.UUID(text)` would accept it.
///
/// Python removes every `urn:` and `uuid:`, strips `{` and `}` from both ends, removes every
/// `-`, and then needs exactly 32 hexadecimal digits. (Python's `int(.., 16)` would also take
/// a sign, `0x`, `_` or surrounding spaces inside those 32 characters; such strings are not
/// UUIDs anyone writes, so here they are usernames rather than ids Auth would reject.)
pub(crate) fn parse_uuid(text: &str) -> Option<u128> {
    // Cheap rejections first: the longest accepted forms are a few dozen characters.
    if text.len() < 32 || text.len() > 256 {
        return None;
    }
    if text.contains(':') {
        let stripped = text.replace("urn:", "").replace("uuid:", "");
        return hex_value(&stripped);
    }
    // The common case (no prefix): no allocation.
    hex_value(text)
}

/// Strips braces from both ends, skips hyphens, and reads exactly 32 hex digits.
fn hex_value(text: &str) -> Option<u128> {
    let mut value: u128 = 0;
    let mut digits = 0;
    for c in text.trim_matches(|c| c == '{' || c == '}').chars() {
        if c == '-' {
            continue;
        }
        let digit = c.to_digit(16)?;
        digits += 1;
        if digits > 32 {
            return None;
        }
        value = (value << 4) | u128::from(digit);
    }
    (digits == 32).then_some(value)
}

/// Whether the key is looked up as an id or as a username.
pub(crate) fn kind_of(key: &str) -> KeyKind {
    if parse_uuid(key).is_some() {
        KeyKind::Id
    } else {
        KeyKind::Username
    }
}

/// Refuses keys that cannot be sent: empty ones, and ones with a comma (the lookup joins keys
/// with commas, so `a,b` would become two keys) or a control character.
pub(crate) fn validate(key: &str) -> Result<()> {
    let reason = if key.is_empty() {
        "it is empty"
    } else if key.contains(',') {
        "it contains a comma, which would inject another key into the lookup"
    } else if key.chars().any(char::is_control) {
        "it contains a control character"
    } else {
        return Ok(());
    };
    Err(Error::InvalidKey {
        key: key.to_owned(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_uuid_forms_are_ids() {
        for id in [
            "ae341a98-d274-11e5-b888-dbae3a8ba545",
            "AE341A98-D274-11E5-B888-DBAE3A8BA545",
            "ae341a98d27411e5b888dbae3a8ba545",
            "{ae341a98-d274-11e5-b888-dbae3a8ba545}",
            "urn:uuid:ae341a98-d274-11e5-b888-dbae3a8ba545",
            "ae34-1a98d274-11e5b888-dbae3a8ba545",
        ] {
            assert_eq!(kind_of(id), KeyKind::Id, "{id}");
            assert_eq!(
                parse_uuid(id),
                Some(0xae341a98_d274_11e5_b888_dbae3a8ba545),
                "{id}"
            );
        }
    }

    #[test]
    fn everything_else_is_a_username() {
        for name in [
            "sirosen@globus.org",
            "ae341a98-d274-11e5-b888-dbae3a8ba54",
            "ae341a98-d274-11e5-b888-dbae3a8ba545a",
            "ge341a98-d274-11e5-b888-dbae3a8ba545",
            "ae341a98-d274-11e5-b888-dbae3a8ba545@globusid.org",
            "",
            "0x341a98d27411e5b888dbae3a8ba545",
        ] {
            assert_eq!(kind_of(name), KeyKind::Username, "{name}");
        }
    }

    #[test]
    fn commas_and_empty_keys_are_refused() {
        assert!(validate("a@b.org").is_ok());
        assert!(validate("").is_err());
        assert!(validate("a@b.org,c@d.org").is_err());
        assert!(validate("a\nb").is_err());
    }
}
