//! Accepting scopes in every shape ([`IntoScopes`]) and writing them out ([`serialize`]).

use std::fmt;

use crate::error::ScopeError;
use crate::parser::{MAX_SERIALIZED_LEN, ScopeParser};
use crate::scope::Scope;

/// One entry of a [`ScopeList`]: a string, kept exactly as given, or a [`Scope`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ScopeEntry {
    /// Scope text, possibly holding several scopes (`"openid email"`). It is neither
    /// checked nor normalised until parsed.
    Text(String),
    /// A scope value.
    Scope(Scope),
}

impl fmt::Display for ScopeEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(text) => f.write_str(text),
            Self::Scope(scope) => fmt::Display::fmt(scope, f),
        }
    }
}

/// A list of scopes as the caller gave them: strings untouched, [`Scope`]s as values.
///
/// Build one from anything [`IntoScopes`], or collect an iterator into it. Then either
/// write it out for the wire ([`to_scope_string`](Self::to_scope_string),
/// [`serialize`](Self::serialize)) or turn it into parsed scopes
/// ([`parse_all`](Self::parse_all)).
///
/// ```
/// use globus_scopes::{IntoScopes, Scope, ScopeList};
///
/// let list: ScopeList = ["openid", "email"].into_iter().collect();
/// assert_eq!(list.to_scope_string()?, "openid email");
///
/// let mixed = (vec![Scope::new("scope1")?], "scope2 scope3[x]").into_scope_list();
/// assert_eq!(mixed.to_scope_string()?, "scope1 scope2 scope3[x]");
/// assert_eq!(mixed.parse_all()?.len(), 3);
/// # Ok::<(), globus_scopes::ScopeError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ScopeList(Vec<ScopeEntry>);

impl ScopeList {
    /// An empty list.
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    /// Appends `scopes`.
    pub fn push(&mut self, scopes: impl IntoScopes) {
        scopes.append_to(self);
    }

    /// Appends one entry.
    pub fn push_entry(&mut self, entry: ScopeEntry) {
        self.0.push(entry);
    }

    /// The entries, in order.
    pub fn entries(&self) -> &[ScopeEntry] {
        &self.0
    }

    /// Iterates over the entries.
    pub fn iter(&self) -> std::slice::Iter<'_, ScopeEntry> {
        self.0.iter()
    }

    /// The number of entries (a string entry counts once, however many scopes it holds).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Joins the entries with single spaces. Strings pass through exactly (no parsing, no
    /// trimming) unless they hold a control character; scopes are written with
    /// [`Display`](fmt::Display).
    ///
    /// # Errors
    /// [`ScopeError::EmptyScopes`] when the result is the empty string and `reject_empty`
    /// is true; [`ScopeError::ForbiddenCharacter`] when a string holds a control character
    /// (CR, LF, tab, NUL…; Python passes them through); [`ScopeError::SerializedTooLarge`]
    /// when a [`Scope`] value would write out
    /// more than [`MAX_SERIALIZED_LEN`] bytes (possible only for scopes built by hand
    /// with heavily shared dependencies).
    pub fn serialize(&self, reject_empty: bool) -> Result<String, ScopeError> {
        let mut capacity = 0usize;
        for entry in &self.0 {
            let len = match entry {
                ScopeEntry::Text(text) => text.len(),
                ScopeEntry::Scope(scope) => {
                    if scope.serialized_len() > MAX_SERIALIZED_LEN as u64 {
                        return Err(ScopeError::SerializedTooLarge {
                            limit: MAX_SERIALIZED_LEN,
                        });
                    }
                    usize::try_from(scope.serialized_len()).unwrap_or(MAX_SERIALIZED_LEN)
                }
            };
            capacity = capacity.saturating_add(len).saturating_add(1);
        }
        let mut out = String::with_capacity(capacity);
        for (i, entry) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            match entry {
                ScopeEntry::Text(text) => out.push_str(text),
                ScopeEntry::Scope(scope) => {
                    use fmt::Write as _;
                    // Writing to a String cannot fail.
                    let _ = write!(out, "{scope}");
                }
            }
        }
        if reject_empty && out.is_empty() {
            return Err(ScopeError::EmptyScopes);
        }
        // Strings pass through unparsed, but never with a control character: a CR, LF or
        // NUL has no place in a scope and must not reach a URL, a form or a header.
        if let Some((position, character)) = out.char_indices().find(|(_, c)| c.is_control()) {
            return Err(ScopeError::ForbiddenCharacter {
                character,
                position,
            });
        }
        Ok(out)
    }

    /// The space-separated scope string for the wire; empty input is an error. Same as
    /// `serialize(true)`.
    ///
    /// # Errors
    /// As [`ScopeList::serialize`].
    pub fn to_scope_string(&self) -> Result<String, ScopeError> {
        self.serialize(true)
    }

    /// The list as parsed [`Scope`]s: each string is parsed (with the default limits),
    /// each scope kept. Nothing is merged across entries; use
    /// [`merge_scopes`](crate::merge_scopes) for that.
    ///
    /// # Errors
    /// The first parse error.
    pub fn parse_all(&self) -> Result<Vec<Scope>, ScopeError> {
        ScopeParser::new().parse_entries(&self.0)
    }
}

impl IntoIterator for ScopeList {
    type Item = ScopeEntry;
    type IntoIter = std::vec::IntoIter<ScopeEntry>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a ScopeList {
    type Item = &'a ScopeEntry;
    type IntoIter = std::slice::Iter<'a, ScopeEntry>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T: IntoScopes> FromIterator<T> for ScopeList {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut list = Self::new();
        list.extend(iter);
        list
    }
}

impl<T: IntoScopes> Extend<T> for ScopeList {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for item in iter {
            item.append_to(self);
        }
    }
}

/// Anything that can stand for a list of scopes: `&str`, `String`, [`Scope`], their
/// references, slices, vectors and arrays of them, tuples of two, [`ScopeEntry`] and
/// [`ScopeList`]. For an iterator, collect it into a [`ScopeList`] first (or wrap it in
/// [`ScopeIter`]).
///
/// APIs that take scopes take `impl IntoScopes`, so every shape the Python SDK accepts
/// (`str | Scope | Iterable[str | Scope]`) works:
///
/// ```
/// use globus_scopes::{IntoScopes, Scope, ScopeIter, serialize};
///
/// fn start_flow(scopes: impl IntoScopes) -> String {
///     serialize(scopes, true).unwrap_or_default()
/// }
/// let transfer = Scope::new("urn:globus:auth:scope:transfer.api.globus.org:all")?;
/// assert_eq!(start_flow("openid"), "openid");
/// assert_eq!(start_flow(&transfer), transfer.to_string());
/// assert_eq!(start_flow(["openid", "email"]), "openid email");
/// assert_eq!(start_flow(vec![String::from("a"), String::from("b")]), "a b");
/// assert_eq!(start_flow(&[transfer.clone()][..]), transfer.to_string());
/// assert_eq!(start_flow(ScopeIter(["x", "y"].iter().copied())), "x y");
/// # Ok::<(), globus_scopes::ScopeError>(())
/// ```
pub trait IntoScopes {
    /// Appends these scopes to `list`.
    fn append_to(self, list: &mut ScopeList);

    /// These scopes as a [`ScopeList`].
    fn into_scope_list(self) -> ScopeList
    where
        Self: Sized,
    {
        let mut list = ScopeList::new();
        self.append_to(&mut list);
        list
    }
}

/// Wraps any iterator of [`IntoScopes`] items so that it is [`IntoScopes`] itself.
#[derive(Debug, Clone)]
pub struct ScopeIter<I>(pub I);

impl<I> IntoScopes for ScopeIter<I>
where
    I: IntoIterator,
    I::Item: IntoScopes,
{
    fn append_to(self, list: &mut ScopeList) {
        list.extend(self.0);
    }
}

impl IntoScopes for &str {
    fn append_to(self, list: &mut ScopeList) {
        list.push_entry(ScopeEntry::Text(self.to_owned()));
    }
}

impl IntoScopes for String {
    fn append_to(self, list: &mut ScopeList) {
        list.push_entry(ScopeEntry::Text(self));
    }
}

impl IntoScopes for &String {
    fn append_to(self, list: &mut ScopeList) {
        list.push_entry(ScopeEntry::Text(self.clone()));
    }
}

impl IntoScopes for Scope {
    fn append_to(self, list: &mut ScopeList) {
        list.push_entry(ScopeEntry::Scope(self));
    }
}

impl IntoScopes for &Scope {
    fn append_to(self, list: &mut ScopeList) {
        list.push_entry(ScopeEntry::Scope(self.clone()));
    }
}

impl IntoScopes for ScopeEntry {
    fn append_to(self, list: &mut ScopeList) {
        list.push_entry(self);
    }
}

impl IntoScopes for &ScopeEntry {
    fn append_to(self, list: &mut ScopeList) {
        list.push_entry(self.clone());
    }
}

impl IntoScopes for ScopeList {
    fn append_to(self, list: &mut ScopeList) {
        list.0.extend(self.0);
    }
}

impl IntoScopes for &ScopeList {
    fn append_to(self, list: &mut ScopeList) {
        list.0.extend(self.0.iter().cloned());
    }
}

impl<T: IntoScopes + Clone> IntoScopes for &[T] {
    fn append_to(self, list: &mut ScopeList) {
        list.extend(self.iter().cloned());
    }
}

impl<T: IntoScopes + Clone> IntoScopes for &Vec<T> {
    fn append_to(self, list: &mut ScopeList) {
        list.extend(self.iter().cloned());
    }
}

impl<T: IntoScopes> IntoScopes for Vec<T> {
    fn append_to(self, list: &mut ScopeList) {
        list.extend(self);
    }
}

impl<T: IntoScopes, const N: usize> IntoScopes for [T; N] {
    fn append_to(self, list: &mut ScopeList) {
        list.extend(self);
    }
}

impl<T: IntoScopes + Clone, const N: usize> IntoScopes for &[T; N] {
    fn append_to(self, list: &mut ScopeList) {
        list.extend(self.iter().cloned());
    }
}

impl<A: IntoScopes, B: IntoScopes> IntoScopes for (A, B) {
    fn append_to(self, list: &mut ScopeList) {
        self.0.append_to(list);
        self.1.append_to(list);
    }
}

/// Writes scopes out as one space-separated string, exactly as the Python SDK's
/// `ScopeParser.serialize`: strings pass through untouched (leading and trailing spaces
/// kept), scopes are written with [`Display`](fmt::Display), entries are joined with
/// single spaces. Nothing is parsed, merged or normalised.
///
/// ```
/// use globus_scopes::{Scope, ScopeError, ScopeList, serialize};
///
/// assert_eq!(serialize(" foo  ", true)?, " foo  ");
/// assert_eq!(serialize((Scope::new("scope1")?, "scope2"), true)?, "scope1 scope2");
/// assert_eq!(serialize(ScopeList::new(), true), Err(ScopeError::EmptyScopes));
/// assert_eq!(serialize(ScopeList::new(), false)?, "");
/// # Ok::<(), ScopeError>(())
/// ```
///
/// # Errors
/// As [`ScopeList::serialize`].
pub fn serialize(scopes: impl IntoScopes, reject_empty: bool) -> Result<String, ScopeError> {
    scopes.into_scope_list().serialize(reject_empty)
}
