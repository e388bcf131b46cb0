//! Splitting scope text into tokens, with the character-level checks.

use crate::error::{ParseErrorKind, ScopeError};
use crate::scope::is_forbidden;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A scope string.
    Word,
    /// `*`
    Star,
    /// `[`
    Open,
    /// `]`
    Close,
}

/// A token and the byte range it covers in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

fn parse_error(kind: ParseErrorKind, position: usize) -> ScopeError {
    ScopeError::Parse { kind, position }
}

/// Splits `input` into tokens.
///
/// Only the space separates; `[`, `]` and `*` are tokens of their own; everything else
/// between them is a scope string. Whitespace other than the space and control characters
/// are rejected. The adjacent-character rules are checked here, in input order, as the
/// Python tokenizer does: `*` then space, `]` then anything but a space or `]`, and a space
/// then `[`.
pub(crate) fn tokenize(input: &str, tokens: &mut Vec<Token>) -> Result<(), ScopeError> {
    let bytes = input.as_bytes();
    // Most scope strings have a handful of tokens; one allocation up front instead of a
    // chain of doublings.
    tokens.reserve(8 + bytes.len() / 32);
    let mut start = 0;
    let mut i = 0;
    loop {
        // Skip the ordinary bytes of a scope string in one tight loop.
        i += bytes
            .get(i..)
            .unwrap_or_default()
            .iter()
            .position(|&byte| CLASS[usize::from(byte)] != ORDINARY)
            .unwrap_or(bytes.len().saturating_sub(i));
        let Some(&byte) = bytes.get(i) else {
            break;
        };
        let kind = match byte {
            b'*' => Some(TokenKind::Star),
            b'[' => Some(TokenKind::Open),
            b']' => Some(TokenKind::Close),
            b' ' => None, // a separator
            0x80.. => {
                // A multi-byte character: only some of them (NBSP, U+2028, C1 controls…)
                // are forbidden. `i` is always on a character boundary here.
                let c = input.get(i..).and_then(|rest| rest.chars().next());
                let width = match c {
                    Some(c) if is_forbidden(c) => {
                        return Err(ScopeError::ForbiddenCharacter {
                            character: c,
                            position: i,
                        });
                    }
                    Some(c) => c.len_utf8(),
                    None => 1,
                };
                i += width;
                continue;
            }
            // The remaining non-ordinary bytes: ASCII controls and DEL.
            _ => {
                return Err(ScopeError::ForbiddenCharacter {
                    character: char::from(byte),
                    position: i,
                });
            }
        };
        match (byte, bytes.get(i + 1)) {
            (b'*', Some(b' ')) => {
                return Err(parse_error(ParseErrorKind::SpaceAfterOptionalMarker, i));
            }
            (b']', Some(next)) if *next != b' ' && *next != b']' => {
                return Err(parse_error(
                    ParseErrorKind::InvalidAfterClosingBracket,
                    i + 1,
                ));
            }
            (b' ', Some(b'[')) => {
                return Err(parse_error(
                    ParseErrorKind::SpaceBeforeOpeningBracket,
                    i + 1,
                ));
            }
            _ => {}
        }
        if start != i {
            tokens.push(Token {
                kind: TokenKind::Word,
                start,
                end: i,
            });
        }
        if let Some(kind) = kind {
            tokens.push(Token {
                kind,
                start: i,
                end: i + 1,
            });
        }
        i += 1;
        start = i;
    }
    if start < bytes.len() {
        tokens.push(Token {
            kind: TokenKind::Word,
            start,
            end: bytes.len(),
        });
    }
    Ok(())
}

/// Byte class: part of a scope string with no further check.
const ORDINARY: u8 = 0;
/// Byte class: a token of its own, a separator, a control character or the start of a
/// multi-byte character; looked at one by one.
const SPECIAL: u8 = 1;

/// The class of every byte value.
static CLASS: [u8; 256] = {
    let mut class = [ORDINARY; 256];
    let mut byte = 0;
    while byte < 256 {
        if byte <= 0x20
            || byte >= 0x7f
            || byte == b'*' as usize
            || byte == b'[' as usize
            || byte == b']' as usize
        {
            class[byte] = SPECIAL;
        }
        byte += 1;
    }
    class
};

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(input: &str) -> Result<Vec<(TokenKind, &str)>, ScopeError> {
        let mut tokens = Vec::new();
        tokenize(input, &mut tokens)?;
        Ok(tokens
            .iter()
            .map(|t| (t.kind, input.get(t.start..t.end).unwrap_or("?")))
            .collect())
    }

    #[test]
    fn splits_on_spaces_and_specials() {
        use TokenKind::*;
        assert_eq!(kinds("").ok(), Some(vec![]));
        assert_eq!(kinds("   ").ok(), Some(vec![]));
        assert_eq!(
            kinds(" *foo[ bar  baz] ").ok(),
            Some(vec![
                (Star, "*"),
                (Word, "foo"),
                (Open, "["),
                (Word, "bar"),
                (Word, "baz"),
                (Close, "]"),
            ])
        );
        assert_eq!(
            kinds("é[ü]").ok(),
            Some(vec![(Word, "é"), (Open, "["), (Word, "ü"), (Close, "]")])
        );
    }

    #[test]
    fn adjacent_character_errors_carry_positions() {
        let err = |kind, position| Err(ScopeError::Parse { kind, position });
        assert_eq!(
            kinds("* foo"),
            err(ParseErrorKind::SpaceAfterOptionalMarker, 0)
        );
        assert_eq!(
            kinds("foo[bar]baz"),
            err(ParseErrorKind::InvalidAfterClosingBracket, 8)
        );
        assert_eq!(
            kinds("foo [bar]"),
            err(ParseErrorKind::SpaceBeforeOpeningBracket, 4)
        );
    }

    #[test]
    fn rejects_other_whitespace_and_controls() {
        for (input, character, position) in [
            ("foo\tbar", '\t', 3),
            ("foo\n", '\n', 3),
            ("\rfoo", '\r', 0),
            ("a\u{7f}", '\u{7f}', 1),
            ("ab\u{a0}", '\u{a0}', 2),
            ("é\u{2028}", '\u{2028}', 2),
            ("\u{9b}x", '\u{9b}', 0),
        ] {
            assert_eq!(
                kinds(input),
                Err(ScopeError::ForbiddenCharacter {
                    character,
                    position
                }),
                "{input:?}"
            );
        }
    }
}
