//! The JSON token file format of Python globus-sdk: reading v1 and v2, writing v2.
//!
//! Version 2.0 (`JSONTokenStorage`):
//!
//! ```json
//! {"data": {"DEFAULT": {"transfer.api.globus.org": {"resource_server": "…", …}}},
//!  "format_version": "2.0", "globus-sdk.version": "4.10.0"}
//! ```
//!
//! (on one line, with Python's `", "` and `": "` separators). Version 1.0 (the legacy
//! `SimpleJSONFileAdapter`) is `{"by_rs": {rs: record}, "format_version": "1.0",
//! "globus-sdk.version": …}`; it is read as namespace `DEFAULT` and written back as 2.0 on
//! the next write, dropping its other top-level keys, as Python does.
//!
//! Everything this crate does not change — other namespaces, other records, unknown keys —
//! is written back with its original JSON text.

use std::path::Path;

use super::WRITER_VERSION;
use super::pyjson::{RawObject, first_significant_byte, quoted};
use crate::error::{Error, Result, quote_short};

/// The format version this crate writes.
pub(crate) const FORMAT_VERSION: &str = "2.0";

const DATA: &str = "data";
const FORMAT_VERSION_KEY: &str = "format_version";
const SDK_VERSION_KEY: &str = "globus-sdk.version";

/// A parsed token file: the top-level object and its `data` object, each value kept as
/// its original JSON text.
#[derive(Debug)]
pub(crate) struct JsonDocument {
    /// Top-level keys in file order. The values of `data`, `format_version` and
    /// `globus-sdk.version` are regenerated on write; the others are kept.
    top: RawObject,
    /// Namespace → JSON text of its object.
    data: RawObject,
}

impl JsonDocument {
    /// The document for a file that does not exist yet.
    pub(crate) fn empty() -> Self {
        let mut top = RawObject::default();
        for key in [DATA, FORMAT_VERSION_KEY, SDK_VERSION_KEY] {
            top.insert(key, String::new());
        }
        Self {
            top,
            data: RawObject::default(),
        }
    }

    /// Parses a file's bytes. Anything Python would refuse, and anything that is not a
    /// JSON object at all, is [`Error::Corrupt`]; a `format_version` other than 1.0 and 2.0
    /// is [`Error::UnsupportedFormatVersion`].
    pub(crate) fn parse(path: &Path, bytes: &[u8]) -> Result<Self> {
        let text = std::str::from_utf8(bytes).map_err(|err| {
            Error::corrupt(path, format!("not UTF-8 text (byte {})", err.valid_up_to()))
        })?;
        let top = RawObject::parse(text).map_err(|reason| Error::corrupt(path, reason))?;
        let version = match top.get(FORMAT_VERSION_KEY) {
            None => return Err(Error::corrupt(path, "missing \"format_version\"")),
            Some(raw) => match serde_json::from_str::<String>(raw) {
                Ok(version) => version,
                Err(_) => return Err(Error::corrupt(path, "\"format_version\" is not a string")),
            },
        };
        match version.as_str() {
            "1.0" => Self::from_v1(path, &top),
            "2.0" => Self::from_v2(path, top),
            other => Err(Error::UnsupportedFormatVersion {
                path: path.to_path_buf(),
                what: "format_version",
                version: quote_short(other),
            }),
        }
    }

    fn from_v1(path: &Path, top: &RawObject) -> Result<Self> {
        let by_rs = top
            .get("by_rs")
            .filter(|raw| first_significant_byte(raw) == Some(b'{'))
            .ok_or_else(|| Error::corrupt(path, "version 1.0 file without a \"by_rs\" object"))?;
        let mut doc = Self::empty();
        doc.data.insert("DEFAULT", by_rs.to_owned());
        Ok(doc)
    }

    fn from_v2(path: &Path, top: RawObject) -> Result<Self> {
        let data = top
            .get(DATA)
            .filter(|raw| first_significant_byte(raw) == Some(b'{'))
            .ok_or_else(|| Error::corrupt(path, "missing or non-object \"data\""))?;
        let data = RawObject::parse(data).map_err(|reason| Error::corrupt(path, reason))?;
        match top.get(SDK_VERSION_KEY) {
            Some(raw) if serde_json::from_str::<String>(raw).is_ok() => {}
            _ => {
                return Err(Error::corrupt(
                    path,
                    "missing or non-string \"globus-sdk.version\"",
                ));
            }
        }
        Ok(Self { top, data })
    }

    /// The records of `namespace` (resource server → JSON text), `None` when the namespace
    /// is absent. A namespace that is not an object is [`Error::Corrupt`].
    pub(crate) fn namespace(&self, path: &Path, namespace: &str) -> Result<Option<RawObject>> {
        let Some(raw) = self.data.get(namespace) else {
            return Ok(None);
        };
        if first_significant_byte(raw) != Some(b'{') {
            return Err(Error::corrupt(
                path,
                format!("namespace {namespace:?} is not a JSON object"),
            ));
        }
        RawObject::parse(raw)
            .map(Some)
            .map_err(|reason| Error::corrupt(path, reason))
    }

    /// Replaces (or adds, at the end) `namespace`.
    pub(crate) fn set_namespace(&mut self, namespace: &str, records: &RawObject) {
        self.data.insert(namespace, records.to_json());
    }

    /// Namespaces holding at least one record, in file order. A namespace that is not an
    /// object is [`Error::Corrupt`].
    pub(crate) fn non_empty_namespaces(&self, path: &Path) -> Result<Vec<String>> {
        let mut names = Vec::new();
        for (name, _) in &self.data.entries {
            if self
                .namespace(path, name)?
                .is_some_and(|ns| !ns.entries.is_empty())
            {
                names.push(name.clone());
            }
        }
        Ok(names)
    }

    /// The file's new contents: format 2.0, this crate's version string, everything else
    /// as read.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut top = self.top.clone();
        top.insert(DATA, self.data.to_json());
        top.insert(FORMAT_VERSION_KEY, quoted(FORMAT_VERSION));
        top.insert(SDK_VERSION_KEY, quoted(WRITER_VERSION));
        top.to_json().into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<JsonDocument> {
        JsonDocument::parse(Path::new("/t/tokens.json"), text.as_bytes())
    }

    #[test]
    fn empty_document_is_the_python_skeleton() {
        let text = String::from_utf8(JsonDocument::empty().to_bytes()).unwrap();
        assert_eq!(
            text,
            format!(
                r#"{{"data": {{}}, "format_version": "2.0", "globus-sdk.version": "{WRITER_VERSION}"}}"#
            )
        );
    }

    #[test]
    fn v1_becomes_default_namespace_and_drops_other_top_level_keys() {
        let doc = parse(r#"{"by_rs": {"rs": {"a": 1}}, "format_version": "1.0", "globus-sdk.version": "3.0", "x": 1}"#)
            .unwrap();
        let ns = doc.namespace(Path::new("p"), "DEFAULT").unwrap().unwrap();
        assert_eq!(ns.get("rs"), Some(r#"{"a": 1}"#));
        let text = String::from_utf8(doc.to_bytes()).unwrap();
        assert!(
            text.starts_with(r#"{"data": {"DEFAULT": {"rs": {"a": 1}}}, "format_version": "2.0""#),
            "{text}"
        );
        assert!(!text.contains("\"x\""));
    }

    #[test]
    fn v2_keeps_unknown_top_level_keys_in_place() {
        let doc = parse(
            r#"{"z": [1.50], "data": {}, "format_version": "2.0", "globus-sdk.version": "4.0.0"}"#,
        )
        .unwrap();
        let text = String::from_utf8(doc.to_bytes()).unwrap();
        assert!(
            text.starts_with(
                r#"{"z": [1.50], "data": {}, "format_version": "2.0", "globus-sdk.version": ""#
            ),
            "{text}"
        );
    }

    #[test]
    fn rejects_what_python_rejects() {
        let corrupt = [
            r#"{"data": {}, "globus-sdk.version": "1"}"#,
            r#"{"data": {}, "format_version": 2, "globus-sdk.version": "1"}"#,
            r#"{"data": [], "format_version": "2.0", "globus-sdk.version": "1"}"#,
            r#"{"format_version": "2.0", "globus-sdk.version": "1"}"#,
            r#"{"data": {}, "format_version": "2.0"}"#,
            r#"{"data": {}, "format_version": "2.0", "globus-sdk.version": 4}"#,
            r#"{"by_rs": [], "format_version": "1.0", "globus-sdk.version": "1"}"#,
        ];
        for text in corrupt {
            assert!(parse(text).unwrap_err().is_corrupt(), "{text}");
        }
        let err = parse(r#"{"data": {}, "format_version": "3.0", "globus-sdk.version": "9"}"#)
            .unwrap_err();
        assert!(err.is_unsupported_format_version(), "{err}");
        assert!(err.to_string().contains("\"3.0\""), "{err}");
    }

    #[test]
    fn namespace_must_be_an_object() {
        let doc = parse(r#"{"data": {"DEFAULT": [], "x": {}}, "format_version": "2.0", "globus-sdk.version": "1"}"#).unwrap();
        assert!(
            doc.namespace(Path::new("p"), "DEFAULT")
                .unwrap_err()
                .is_corrupt()
        );
        assert!(
            doc.namespace(Path::new("p"), "x")
                .unwrap()
                .unwrap()
                .entries
                .is_empty()
        );
        assert!(doc.namespace(Path::new("p"), "y").unwrap().is_none());
        assert!(
            doc.non_empty_namespaces(Path::new("p"))
                .unwrap_err()
                .is_corrupt()
        );
    }
}
