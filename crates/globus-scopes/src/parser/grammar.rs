//! The token-level grammar: turns tokens into graph nodes and edges.

use super::graph_builder::GraphBuilder;
use super::tokenizer::{Token, TokenKind, tokenize};
use crate::error::{ParseErrorKind, ScopeError};

fn parse_error(kind: ParseErrorKind, position: usize) -> ScopeError {
    ScopeError::Parse { kind, position }
}

/// Rejects token pairs the grammar forbids, as the Python parser does before it acts on
/// each token: `*` at the end or before a special token, `[` at the end, `[]` and `[[`.
pub(super) fn check_adjacent(
    token: &Token,
    next: Option<&Token>,
    input_len: usize,
) -> Result<(), ScopeError> {
    match (token.kind, next.map(|t| t.kind)) {
        (TokenKind::Star, None) => Err(parse_error(
            ParseErrorKind::EndsInOptionalMarker,
            token.start,
        )),
        (TokenKind::Star, Some(TokenKind::Star | TokenKind::Open | TokenKind::Close)) => Err(
            parse_error(ParseErrorKind::OptionalMarkerWithoutScope, token.start),
        ),
        (TokenKind::Open, None) => {
            Err(parse_error(ParseErrorKind::EndsInOpeningBracket, input_len))
        }
        (TokenKind::Open, Some(TokenKind::Close)) => {
            Err(parse_error(ParseErrorKind::EmptyBrackets, token.start))
        }
        (TokenKind::Open, Some(TokenKind::Open)) => Err(parse_error(
            ParseErrorKind::DoubleOpeningBracket,
            token.start,
        )),
        _ => Ok(()),
    }
}

impl<'a> GraphBuilder<'a> {
    /// Parses `text` and adds its scopes to the graph.
    ///
    /// Every scope string becomes (or joins) the node of that name; each occurrence inside
    /// brackets adds an edge from the enclosing scope. Nesting is tracked with a stack of
    /// node ids, never with recursion.
    pub(crate) fn add_text(&mut self, text: &'a str) -> Result<(), ScopeError> {
        let limits = self.limits();
        if text.len() > limits.max_input_len {
            return Err(ScopeError::InputTooLong {
                len: text.len(),
                limit: limits.max_input_len,
            });
        }
        let mut tokens = std::mem::take(&mut self.scratch_tokens);
        tokens.clear();
        let result = tokenize(text, &mut tokens).and_then(|()| self.add_tokens(text, &tokens));
        self.scratch_tokens = tokens;
        result
    }

    fn add_tokens(&mut self, text: &'a str, tokens: &[Token]) -> Result<(), ScopeError> {
        let max_depth = self.limits().max_depth;
        self.reserve(
            tokens
                .iter()
                .filter(|token| token.kind == TokenKind::Word)
                .count(),
        );
        let mut optional = false;
        // Node ids of the scopes whose brackets are open, innermost last.
        let mut parents: Vec<u32> = Vec::new();
        let mut current: Option<u32> = None;

        for (index, token) in tokens.iter().enumerate() {
            check_adjacent(token, tokens.get(index + 1), text.len())?;
            match token.kind {
                TokenKind::Star => optional = true,
                TokenKind::Open => {
                    let Some(scope) = current else {
                        return Err(parse_error(
                            ParseErrorKind::OpeningBracketWithoutScope,
                            token.start,
                        ));
                    };
                    parents.push(scope);
                    // The scopes inside this bracket sit at level `parents.len() + 1`.
                    if parents.len() >= max_depth {
                        return Err(ScopeError::TooDeep {
                            limit: max_depth,
                            position: Some(token.start),
                        });
                    }
                }
                TokenKind::Close => {
                    if parents.pop().is_none() {
                        return Err(parse_error(
                            ParseErrorKind::UnmatchedClosingBracket,
                            token.start,
                        ));
                    }
                }
                TokenKind::Word => {
                    let name = text.get(token.start..token.end).unwrap_or_default();
                    let node = self.intern(name, None);
                    match parents.last() {
                        Some(&parent) => self.add_edge(parent, node, optional),
                        None => self.add_top(node, optional),
                    }
                    current = Some(node);
                    optional = false;
                }
            }
        }
        if !parents.is_empty() {
            return Err(parse_error(ParseErrorKind::UnclosedBracket, text.len()));
        }
        Ok(())
    }
}
