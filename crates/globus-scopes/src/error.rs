//! The one error type of this crate.

use std::fmt;

/// Everything that can go wrong in `globus-scopes`.
///
/// Parse errors carry the byte offset into the input where the problem was found. The
/// [`Display`](fmt::Display) text of every variant is a complete, readable sentence;
/// [`ScopeError::Cycle`] uses exactly the message of the Python SDK.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeError {
    /// [`Scope::new`](crate::Scope::new) was given the empty string.
    #[error("a scope string may not be empty")]
    EmptyScopeString,

    /// A scope string contains a character no scope string may contain.
    ///
    /// [`Scope::new`](crate::Scope::new) rejects `[`, `]`, `*`, any whitespace (the space
    /// included) and any control character; use [`Scope::parse`](crate::Scope::parse) for
    /// text written in the scope syntax. The parser rejects whitespace other than the
    /// space, and control characters, anywhere in its input.
    #[error(
        "forbidden character {character:?} at byte {position} of the scope string \
         (scope strings may not contain '[', ']', '*', whitespace or control characters; \
         use Scope::parse for the scope syntax)"
    )]
    ForbiddenCharacter {
        /// The offending character.
        character: char,
        /// Its byte offset in the string checked (for a serialized list: in the
        /// space-separated output, where string entries pass through unparsed and only a
        /// control character is refused).
        position: usize,
    },

    /// The input does not follow the scope grammar.
    #[error("invalid scope string at byte {position}: {kind}")]
    Parse {
        /// What was wrong.
        kind: ParseErrorKind,
        /// Byte offset of the offending character or token (the input length for errors
        /// found at the end of the input).
        position: usize,
    },

    /// The dependency graph of the parsed (or merged) scopes has a cycle, such as
    /// `foo[foo]` or `foo[bar] bar[foo]` (nodes are global to the whole input).
    #[error("A cycle was found involving '{scope}'")]
    Cycle {
        /// A scope string on the cycle.
        scope: String,
    },

    /// The input is longer than the parser's
    /// [`max_input_len`](crate::ParseLimits::max_input_len).
    #[error("the scope string is {len} bytes long, more than the limit of {limit} bytes")]
    InputTooLong {
        /// Length of the input in bytes.
        len: usize,
        /// The limit that was exceeded.
        limit: usize,
    },

    /// Dependencies nest deeper than the parser's
    /// [`max_depth`](crate::ParseLimits::max_depth) (a top-level scope is level 1).
    ///
    /// `position` is set when the bracket nesting of the text itself is too deep, and
    /// `None` when the normalised graph is (for example `a[b] b[c] c[d] …`).
    #[error("scope dependencies are nested more than {limit} levels deep{}", at(*.position))]
    TooDeep {
        /// The limit that was exceeded.
        limit: usize,
        /// Byte offset of the `[` that went too deep, when known.
        position: Option<usize>,
    },

    /// The scopes would serialise to more bytes than
    /// [`max_serialized_len`](crate::ParseLimits::max_serialized_len).
    ///
    /// Normalisation shares sub-scopes, so a short input such as the "diamond chain"
    /// `n0[n1 m1] m0[n1 m1] n1[n2 m2] m1[n2 m2] …` describes scopes whose text doubles
    /// with every level; such input is refused rather than expanded.
    #[error("the scopes would serialize to more than {limit} bytes")]
    SerializedTooLarge {
        /// The limit that was exceeded.
        limit: usize,
    },

    /// [`Scope::parse`](crate::Scope::parse) found zero scopes or more than one.
    #[error("expected exactly one scope, but the string holds {count}")]
    NotExactlyOne {
        /// How many top-level scopes the string holds.
        count: usize,
    },

    /// [`serialize`](crate::serialize) produced the empty string while empty input was
    /// rejected.
    #[error("'scopes' cannot be the empty string or empty collection.")]
    EmptyScopes,

    /// A consent could not be read, or cannot be placed in a consent forest (no
    /// `dependency_path`, or an id used twice).
    #[error("malformed consent{}: {reason}", id_part(*.id))]
    MalformedConsent {
        /// The consent's id, when known.
        id: Option<u64>,
        /// What was wrong.
        reason: String,
    },

    /// A consent's `dependency_path` names a parent consent that is not in the list.
    #[error(
        "Failed to compute forest edges. Missing parent node: {parent} \
         (the parent of consent {consent})."
    )]
    MissingParentConsent {
        /// The consent whose parent is missing.
        consent: u64,
        /// The missing parent's id.
        parent: u64,
    },
}

fn at(position: Option<usize>) -> String {
    position.map_or_else(String::new, |p| format!(" (at byte {p})"))
}

fn id_part(id: Option<u64>) -> String {
    id.map_or_else(String::new, |id| format!(" {id}"))
}

/// The ways a scope string can break the grammar. The messages match the Python SDK's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// `*` followed by a space, as in `* foo`.
    SpaceAfterOptionalMarker,
    /// `]` followed by something other than a space or `]`, as in `foo[bar]baz`.
    InvalidAfterClosingBracket,
    /// A space followed by `[`, as in `foo [bar]`.
    SpaceBeforeOpeningBracket,
    /// The input ends in `*`.
    EndsInOptionalMarker,
    /// `*` followed by `*`, `[` or `]`.
    OptionalMarkerWithoutScope,
    /// The input ends in `[`.
    EndsInOpeningBracket,
    /// `[]`.
    EmptyBrackets,
    /// `[[`.
    DoubleOpeningBracket,
    /// `[` with no scope string before it, as in `[foo]`.
    OpeningBracketWithoutScope,
    /// `]` with no open `[`.
    UnmatchedClosingBracket,
    /// The input ends while a `[` is still open.
    UnclosedBracket,
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::SpaceAfterOptionalMarker => "'*' must not be followed by a space",
            Self::InvalidAfterClosingBracket => "']' may only be followed by a space or ']'",
            Self::SpaceBeforeOpeningBracket => "'[' cannot have a preceding space",
            Self::EndsInOptionalMarker => "ended in optional marker",
            Self::OptionalMarkerWithoutScope => {
                "a scope string must always follow an optional marker"
            }
            Self::EndsInOpeningBracket => "ended in left bracket",
            Self::EmptyBrackets => "found empty brackets",
            Self::DoubleOpeningBracket => "found double left-bracket",
            Self::OpeningBracketWithoutScope => "found '[' without a preceding scope string",
            Self::UnmatchedClosingBracket => "found ']' with no matching '[' preceding it",
            Self::UnclosedBracket => "unclosed brackets, missing ']'",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_well() {
        let cycle = ScopeError::Cycle {
            scope: "foo".into(),
        };
        assert_eq!(cycle.to_string(), "A cycle was found involving 'foo'");
        let parse = ScopeError::Parse {
            kind: ParseErrorKind::EmptyBrackets,
            position: 3,
        };
        assert_eq!(
            parse.to_string(),
            "invalid scope string at byte 3: found empty brackets"
        );
        let deep = ScopeError::TooDeep {
            limit: 2,
            position: Some(5),
        };
        assert!(deep.to_string().ends_with("2 levels deep (at byte 5)"));
        let deep = ScopeError::TooDeep {
            limit: 2,
            position: None,
        };
        assert!(deep.to_string().ends_with("2 levels deep"));
        let consent = ScopeError::MalformedConsent {
            id: Some(7),
            reason: "empty dependency_path".into(),
        };
        assert_eq!(
            consent.to_string(),
            "malformed consent 7: empty dependency_path"
        );
        let missing = ScopeError::MissingParentConsent {
            consent: 2,
            parent: 1,
        };
        assert!(missing.to_string().contains("Missing parent node: 1"));
    }
}
