//! Parsing scope text, with limits, and merging scope lists.

mod grammar;
pub(crate) mod graph_builder;
mod small;
mod tokenizer;

use crate::error::ScopeError;
use crate::graph::ScopeGraph;
use crate::scope::Scope;
use crate::serialize::{IntoScopes, ScopeEntry};
use graph_builder::GraphBuilder;

/// Default longest input, in bytes, that the parser accepts: 1 MiB.
///
/// Real scope strings are well under a kilobyte.
pub const MAX_INPUT_LEN: usize = 1 << 20;

/// Default deepest dependency nesting, counting a top-level scope as level 1: 1024.
///
/// This bounds both the bracket nesting of the text and the longest dependency chain of
/// the normalised graph (`a[b] b[c] c[d]` is three levels deep). This crate never
/// recurses, but code that walks [`Scope::dependencies`] recursively can rely on it.
pub const MAX_DEPTH: usize = 1024;

/// Default largest size, in bytes, of the parsed scopes written back out: 4 MiB.
///
/// Shared sub-scopes are written once per occurrence, so a few hundred bytes of text
/// can describe scopes whose text is exponentially long; such input is refused. The same
/// limit applies when a [`Scope`] is serialised with serde or [`serialize`](crate::serialize).
pub const MAX_SERIALIZED_LEN: usize = 1 << 22;

/// The limits a [`ScopeParser`] enforces. Each limit exceeded is a distinct
/// [`ScopeError`].
///
/// ```
/// use globus_scopes::{ParseLimits, ScopeError, ScopeParser};
///
/// let strict = ScopeParser::with_limits(ParseLimits::default().with_max_depth(2));
/// assert!(strict.parse("a[b]").is_ok());
/// assert!(matches!(strict.parse("a[b[c]]"), Err(ScopeError::TooDeep { limit: 2, .. })));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ParseLimits {
    /// Longest input in bytes ([`ScopeError::InputTooLong`]).
    pub max_input_len: usize,
    /// Deepest nesting, top level = 1 ([`ScopeError::TooDeep`]).
    pub max_depth: usize,
    /// Largest serialised output in bytes ([`ScopeError::SerializedTooLarge`]).
    pub max_serialized_len: usize,
}

impl ParseLimits {
    /// [`MAX_INPUT_LEN`], [`MAX_DEPTH`] and [`MAX_SERIALIZED_LEN`].
    pub const DEFAULT: Self = Self {
        max_input_len: MAX_INPUT_LEN,
        max_depth: MAX_DEPTH,
        max_serialized_len: MAX_SERIALIZED_LEN,
    };

    /// These limits with another input length limit.
    #[must_use]
    pub const fn with_max_input_len(mut self, bytes: usize) -> Self {
        self.max_input_len = bytes;
        self
    }

    /// These limits with another depth limit.
    #[must_use]
    pub const fn with_max_depth(mut self, levels: usize) -> Self {
        self.max_depth = levels;
        self
    }

    /// These limits with another serialised-size limit.
    #[must_use]
    pub const fn with_max_serialized_len(mut self, bytes: usize) -> Self {
        self.max_serialized_len = bytes;
        self
    }
}

impl Default for ParseLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A scope parser with a set of [`ParseLimits`]. [`parse_scopes`], [`Scope::parse`] and
/// [`merge_scopes`] use one with the defaults.
///
/// # Grammar
///
/// ```text
/// scopes   = *( " " ) [ scope *( 1*" " scope ) ] *( " " )
/// scope    = [ "*" ] name [ "[" *( " " ) scope *( 1*" " scope ) *( " " ) "]" ]
/// name     = 1*( any character except "[", "]", "*", whitespace and control characters )
/// ```
///
/// Only the space separates. `* foo`, `foo [bar]`, `foo[bar]baz`, `foo[]`, `[foo]`,
/// `foo[[bar]]`, unbalanced brackets and a trailing `*` are errors, as in the Python SDK.
/// Unlike Python, other whitespace (tab, newline, NBSP…) and control characters are
/// errors rather than parts of a scope string, so nothing that could split a header or a
/// URL line gets through.
///
/// # Normalisation
///
/// The text describes a graph whose nodes are scope strings, global to the whole input
/// (see [`ScopeGraph`]): duplicates are removed, dependencies are a union per scope string
/// wherever it appears, an edge that is both optional and required is required, and any
/// cycle (`foo[bar] bar[foo]` included) is an error. Output order is first-seen.
///
/// # Limits
///
/// Parsing is linear in the input, and nothing recurses. Three limits keep the *output*
/// bounded too; each has its own error and a public default: [`MAX_INPUT_LEN`],
/// [`MAX_DEPTH`] and [`MAX_SERIALIZED_LEN`]. Set others with [`ParseLimits`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScopeParser {
    limits: ParseLimits,
}

impl ScopeParser {
    /// A parser with the default limits.
    pub const fn new() -> Self {
        Self {
            limits: ParseLimits::DEFAULT,
        }
    }

    /// A parser with the given limits.
    pub const fn with_limits(limits: ParseLimits) -> Self {
        Self { limits }
    }

    /// The limits this parser enforces.
    pub const fn limits(&self) -> ParseLimits {
        self.limits
    }

    /// Parses `text` into its normalised graph.
    ///
    /// # Errors
    /// As [`ScopeParser::parse`].
    pub fn parse_graph(&self, text: &str) -> Result<ScopeGraph, ScopeError> {
        let mut builder = GraphBuilder::new(self.limits);
        builder.add_text(text)?;
        builder.finish()
    }

    /// Parses `text` into its top-level scopes, normalised, in first-seen order. Empty or
    /// all-space text gives an empty list.
    ///
    /// # Errors
    /// [`ScopeError::Parse`] and [`ScopeError::ForbiddenCharacter`] for text that breaks
    /// the grammar, [`ScopeError::Cycle`], and [`ScopeError::InputTooLong`],
    /// [`ScopeError::TooDeep`] or [`ScopeError::SerializedTooLarge`] when a limit is
    /// exceeded.
    pub fn parse(&self, text: &str) -> Result<Vec<Scope>, ScopeError> {
        // Real scope strings (a few distinct scopes, valid) are built directly; everything
        // else, errors included, goes through the graph.
        if let Some(scopes) = small::parse(text, self.limits) {
            return Ok(scopes);
        }
        Ok(self.parse_graph(text)?.to_scopes())
    }

    /// Parses text holding exactly one scope.
    ///
    /// # Errors
    /// As [`ScopeParser::parse`], and [`ScopeError::NotExactlyOne`].
    pub fn parse_one(&self, text: &str) -> Result<Scope, ScopeError> {
        let scopes = self.parse(text)?;
        let count = scopes.len();
        let mut scopes = scopes.into_iter();
        match (scopes.next(), scopes.next()) {
            (Some(scope), None) => Ok(scope),
            _ => Err(ScopeError::NotExactlyOne { count }),
        }
    }

    /// Converts every entry to [`Scope`]s: strings are parsed (each on its own), scopes
    /// are kept as they are. Nothing is merged across entries.
    ///
    /// # Errors
    /// As [`ScopeParser::parse`], for the first string that fails.
    pub fn parse_all(&self, scopes: impl IntoScopes) -> Result<Vec<Scope>, ScopeError> {
        self.parse_entries(scopes.into_scope_list().entries())
    }

    pub(crate) fn parse_entries(&self, entries: &[ScopeEntry]) -> Result<Vec<Scope>, ScopeError> {
        let mut out = Vec::with_capacity(entries.len());
        for entry in entries {
            match entry {
                ScopeEntry::Text(text) => out.extend(self.parse(text)?),
                ScopeEntry::Scope(scope) => out.push(scope.clone()),
            }
        }
        Ok(out)
    }

    /// Merges two scope lists into one normalised list, as if all of them were parsed as
    /// one string: duplicates removed, dependencies unioned per scope string, required
    /// beating optional, cycles rejected. [`Scope`] values are added without being written
    /// out and re-read; strings are parsed (each on its own).
    ///
    /// # Errors
    /// As [`ScopeParser::parse`]; merging can create a cycle (`a[b]` with `b[a]`).
    pub fn merge(&self, a: impl IntoScopes, b: impl IntoScopes) -> Result<Vec<Scope>, ScopeError> {
        let a = a.into_scope_list();
        let b = b.into_scope_list();
        let mut builder = GraphBuilder::new(self.limits);
        for entry in a.iter().chain(b.iter()) {
            match entry {
                ScopeEntry::Text(text) => builder.add_text(text)?,
                ScopeEntry::Scope(scope) => builder.add_scope(scope),
            }
        }
        Ok(builder.finish()?.to_scopes())
    }
}

/// Parses scope text with the default limits: `"openid email transfer:all[*data]"` gives
/// three scopes. See [`ScopeParser`] for the grammar,
/// normalisation and limits.
///
/// ```
/// let scopes = globus_scopes::parse_scopes("foo[bar] foo[baz] *qux")?;
/// let text: Vec<String> = scopes.iter().map(ToString::to_string).collect();
/// assert_eq!(text, ["foo[bar baz]", "*qux"]);
/// # Ok::<(), globus_scopes::ScopeError>(())
/// ```
///
/// # Errors
/// As [`ScopeParser::parse`].
pub fn parse_scopes(text: &str) -> Result<Vec<Scope>, ScopeError> {
    ScopeParser::new().parse(text)
}

/// Merges two scope lists with the default limits; see [`ScopeParser::merge`].
///
/// ```
/// use globus_scopes::{Scope, merge_scopes};
///
/// let a = [Scope::parse("foo[bar]")?];
/// let b = [Scope::parse("foo[baz]")?, Scope::parse("*foo")?];
/// let merged = merge_scopes(a, b)?;
/// let text: Vec<String> = merged.iter().map(ToString::to_string).collect();
/// assert_eq!(text, ["foo[bar baz]", "*foo[bar baz]"]);
/// # Ok::<(), globus_scopes::ScopeError>(())
/// ```
///
/// # Errors
/// As [`ScopeParser::merge`].
pub fn merge_scopes(a: impl IntoScopes, b: impl IntoScopes) -> Result<Vec<Scope>, ScopeError> {
    ScopeParser::new().merge(a, b)
}
