//! JSON text exactly as Python's `json.dumps` writes it, and order-preserving parsing.
//!
//! Python's defaults are `ensure_ascii=True` (every character outside printable ASCII,
//! DEL included, becomes `\uXXXX` with lowercase hex, astral characters as a surrogate
//! pair; `\b \f \n \r \t \" \\` keep their short forms; `/` is not escaped) and the
//! separators `", "` and `": "`. Objects keep insertion order.
//!
//! Reading keeps every value's original text ([`RawValue`]), so entries this crate does not
//! change are written back exactly as they were read: numbers that do not fit an `f64` or
//! an `i64`, keys a newer SDK added, everything.

use std::fmt::{self, Write as _};

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// A JSON object as an ordered list of (key, original JSON text of the value).
///
/// A key that appears twice keeps its first position and its last value, as Python's
/// `json.loads` does.
#[derive(Debug, Default, Clone)]
pub(crate) struct RawObject {
    pub(crate) entries: Vec<(String, String)>,
}

impl RawObject {
    /// Parses JSON text that must be an object. The error says what is wrong without
    /// quoting any of the text.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        match first_significant_byte(text) {
            None => return Err("the file is empty".to_owned()),
            Some(b'{') => {}
            Some(b'[') => return Err("the top level is a JSON array, not an object".to_owned()),
            Some(_) => return Err("the top level is not a JSON object".to_owned()),
        }
        serde_json::from_str::<RawObject>(text).map_err(|err| describe_json_error(&err))
    }

    /// The value text for `key`, if present.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Sets `key` to `value_json`: in place when present, else appended.
    pub(crate) fn insert(&mut self, key: &str, value_json: String) {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value_json,
            None => self.entries.push((key.to_owned(), value_json)),
        }
    }

    /// Removes `key`, returning whether it was present.
    pub(crate) fn remove(&mut self, key: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|(k, _)| k != key);
        self.entries.len() != before
    }

    /// Writes the object in Python's format, each value's text as stored.
    pub(crate) fn write_to(&self, out: &mut String) {
        out.push('{');
        for (i, (key, value)) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write_str(out, key);
            out.push_str(": ");
            out.push_str(value);
        }
        out.push('}');
    }

    /// The object in Python's format.
    pub(crate) fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }
}

impl<'de> Deserialize<'de> for RawObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;

        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = RawObject;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawObject, A::Error> {
                let mut object = RawObject::default();
                while let Some((key, value)) = map.next_entry::<String, Box<RawValue>>()? {
                    object.insert(&key, value.get().to_owned());
                }
                Ok(object)
            }
        }

        deserializer.deserialize_map(ObjectVisitor)
    }
}

/// The first byte that is not JSON whitespace.
pub(crate) fn first_significant_byte(text: &str) -> Option<u8> {
    text.bytes()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// Describes a `serde_json` error by its category and position only: its own message can
/// quote values from the input (which may be tokens).
pub(crate) fn describe_json_error(err: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match err.classify() {
        Category::Eof => "unexpected end of JSON (truncated file?)",
        Category::Syntax => "invalid JSON",
        Category::Data => "unexpected JSON structure",
        Category::Io => "read error",
    };
    format!("{what} at line {} column {}", err.line(), err.column())
}

/// Appends `value` as a JSON string literal, escaped exactly as Python's
/// `json.dumps(..., ensure_ascii=True)` does.
pub(crate) fn write_str(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    // Writing to a String cannot fail.
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// A JSON string literal for `value`, as Python writes it.
pub(crate) fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    write_str(&mut out, value);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_python() {
        // Expected text produced by CPython 3.11: json.dumps(s)
        let s = "a\"b\\c\n\r\t\u{8}\u{c}\u{0}\u{1f}\u{7f}/é中😀\u{2028}~ ";
        assert_eq!(
            quoted(s),
            r#""a\"b\\c\n\r\t\b\f\u0000\u001f\u007f/\u00e9\u4e2d\ud83d\ude00\u2028~ ""#
        );
    }

    #[test]
    fn raw_object_keeps_order_text_and_last_duplicate() {
        let obj = RawObject::parse(
            r#"{"b": 1.50, "a": {"x" : [1,2]}, "b": 123456789012345678901234567890}"#,
        )
        .unwrap();
        assert_eq!(obj.entries.len(), 2);
        assert_eq!(obj.entries[0].0, "b");
        assert_eq!(obj.get("b"), Some("123456789012345678901234567890"));
        assert_eq!(obj.get("a"), Some(r#"{"x" : [1,2]}"#));
        assert_eq!(
            obj.to_json(),
            r#"{"b": 123456789012345678901234567890, "a": {"x" : [1,2]}}"#
        );
    }

    #[test]
    fn parse_errors_never_quote_input() {
        for (text, expect) in [
            ("", "empty"),
            ("   ", "empty"),
            ("[1]", "array"),
            ("\"SECRET-TOKEN\"", "not a JSON object"),
            ("{\"a\": \"SECRET-TOKEN", "end of JSON"),
            ("{\"a\" \"SECRET-TOKEN\"}", "invalid JSON"),
            ("{\"a\": 1} SECRET", "invalid JSON"),
        ] {
            let err = RawObject::parse(text).unwrap_err();
            assert!(err.contains(expect), "{text:?}: {err}");
            assert!(!err.contains("SECRET"), "{err}");
        }
    }

    #[test]
    fn insert_and_remove() {
        let mut obj = RawObject::default();
        obj.insert("a", "1".into());
        obj.insert("b", "2".into());
        obj.insert("a", "3".into());
        assert_eq!(obj.to_json(), r#"{"a": 3, "b": 2}"#);
        assert!(obj.remove("a"));
        assert!(!obj.remove("a"));
        assert_eq!(obj.to_json(), r#"{"b": 2}"#);
        assert_eq!(RawObject::default().to_json(), "{}");
    }
}
