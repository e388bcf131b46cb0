//! The fast path for the scope strings applications actually send: at most
//! [`MAX_WORDS`] scope strings, every one distinct.
//!
//! Such text describes a forest whose normalised graph is the text itself: nothing to
//! deduplicate, no edges to merge, no cycle possible, and (with a depth limit of at least
//! [`MAX_WORDS`]) no depth to check beyond the brackets. So the scopes are built directly
//! from the tokens, bottom-up with a stack, without the general path's graph. Anything
//! else — an error of any kind, a repeated scope string, more words, low limits, output
//! over the size limit — returns `None`, and the general path (which produces the exact
//! error, in the exact order) runs instead; so this path only ever answers `Ok` for input
//! where the general path answers the same.

use std::sync::Arc;

use super::ParseLimits;
use super::grammar::check_adjacent;
use super::tokenizer::{Token, TokenKind, tokenize};
use crate::scope::Scope;

/// The most scope strings the fast path takes.
pub(super) const MAX_WORDS: usize = 16;

/// A word whose dependencies may still follow: its name, whether it is optional, and
/// where its dependencies start in the pending stack.
#[derive(Clone, Copy)]
struct Open<'a> {
    name: &'a str,
    optional: bool,
    first_dependency: usize,
}

/// Parses `text` if it is small, valid, and free of repeats; `None` otherwise.
pub(super) fn parse(text: &str, limits: ParseLimits) -> Option<Vec<Scope>> {
    if text.len() > limits.max_input_len || limits.max_depth < MAX_WORDS {
        return None;
    }
    let mut tokens: Vec<Token> = Vec::new();
    tokenize(text, &mut tokens).ok()?;
    let mut seen: [&str; MAX_WORDS] = [""; MAX_WORDS];
    let mut words = 0usize;
    // Finished scopes: the top level's, and the dependencies of the open brackets.
    let mut pending: Vec<Scope> = Vec::with_capacity(tokens.len());
    // The scopes whose brackets are open, innermost last (at most MAX_WORDS).
    let mut parents: [Option<Open<'_>>; MAX_WORDS] = [None; MAX_WORDS];
    let mut depth = 0usize;
    // The last word, not yet finished: a `[` may follow it.
    let mut last: Option<Open<'_>> = None;
    let mut optional = false;

    let finish = |open: Open<'_>, pending: &mut Vec<Scope>| {
        let dependencies: Box<[Scope]> = pending.drain(open.first_dependency..).collect();
        pending.push(Scope::from_parts(
            Arc::from(open.name),
            open.optional,
            dependencies,
        ));
    };

    for (index, token) in tokens.iter().enumerate() {
        check_adjacent(token, tokens.get(index + 1), text.len()).ok()?;
        match token.kind {
            TokenKind::Star => optional = true,
            TokenKind::Open => {
                let mut open = last.take()?;
                open.first_dependency = pending.len();
                *parents.get_mut(depth)? = Some(open);
                depth += 1;
            }
            TokenKind::Close => {
                if let Some(open) = last.take() {
                    finish(open, &mut pending);
                }
                depth = depth.checked_sub(1)?;
                let parent = parents.get_mut(depth)?.take()?;
                finish(parent, &mut pending);
            }
            TokenKind::Word => {
                let name = text.get(token.start..token.end)?;
                if seen.get(..words)?.contains(&name) {
                    return None;
                }
                *seen.get_mut(words)? = name;
                words += 1;
                if let Some(open) = last.take() {
                    finish(open, &mut pending);
                }
                last = Some(Open {
                    name,
                    optional,
                    first_dependency: pending.len(),
                });
                optional = false;
            }
        }
    }
    if depth != 0 {
        return None;
    }
    if let Some(open) = last.take() {
        finish(open, &mut pending);
    }
    // The serialised-size limit: the top-level scopes, one space between each.
    let total = pending
        .iter()
        .map(Scope::serialized_len)
        .fold(pending.len().saturating_sub(1) as u64, u64::saturating_add);
    if total > limits.max_serialized_len as u64 {
        return None;
    }
    Some(pending)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ScopeParser;

    /// The general path's answer.
    fn general(text: &str, limits: ParseLimits) -> Option<Vec<Scope>> {
        let parser = ScopeParser::with_limits(limits);
        parser.parse_graph(text).ok().map(|graph| graph.to_scopes())
    }

    /// Every input the fast path answers gets the general path's answer, on random token
    /// soup over a small alphabet (so repeats, bad brackets and stars are common).
    #[test]
    fn agrees_with_the_general_path() {
        const PIECES: [&str; 12] = [
            "a", "b", "c", "dd", "é", "*", "[", "]", " ", " ", "x:y", "\t",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let limits = [
            ParseLimits::default(),
            ParseLimits::default().with_max_serialized_len(6),
            ParseLimits::default().with_max_input_len(5),
            ParseLimits::default().with_max_depth(2),
        ];
        let mut answered = 0;
        for _ in 0..200_000 {
            let len = 1 + next() % 12;
            let text: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let limits = limits[(next() % limits.len() as u64) as usize];
            if let Some(fast) = parse(&text, limits) {
                answered += 1;
                assert_eq!(Some(&fast), general(&text, limits).as_ref(), "{text:?}");
                let written: Vec<String> = fast.iter().map(ToString::to_string).collect();
                let again = general(&written.join(" "), ParseLimits::default());
                assert_eq!(Some(&fast), again.as_ref(), "{text:?}");
            }
        }
        assert!(
            answered > 1_000,
            "only {answered} inputs took the fast path"
        );
    }

    #[test]
    fn takes_real_strings_and_leaves_the_rest() {
        let limits = ParseLimits::default();
        let transfer = "urn:globus:auth:scope:transfer.api.globus.org:all\
                        [*https://auth.globus.org/scopes/c/data_access https://x/y]";
        assert!(parse(transfer, limits).is_some());
        assert!(parse("openid email profile", limits).is_some());
        assert!(parse("", limits).is_some_and(|scopes| scopes.is_empty()));
        // Repeats, errors, low limits and many words go the general way.
        assert!(parse("a[b] c[b]", limits).is_none());
        assert!(parse("a a", limits).is_none());
        assert!(parse("a[b", limits).is_none());
        assert!(parse("a[b]]", limits).is_none());
        assert!(parse("a[]", limits).is_none());
        assert!(parse("a b", limits.with_max_depth(3)).is_none());
        assert!(parse("abc", limits.with_max_serialized_len(2)).is_none());
        let many: Vec<String> = (0..=MAX_WORDS).map(|i| format!("s{i}")).collect();
        assert!(parse(&many.join(" "), limits).is_none());
        assert!(parse(&many[1..].join(" "), limits).is_some());
    }
}
