//! The [`Scope`] value type.

use std::collections::HashSet;
use std::fmt::{self, Write as _};
use std::hash::{BuildHasher, Hash, Hasher, RandomState};
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use crate::error::ScopeError;
use crate::parser::{MAX_SERIALIZED_LEN, ScopeParser};

/// A scope: a scope string, an optional flag and the scopes it depends on.
///
/// A `Scope` is an immutable value. Cloning it is cheap (one reference count), and
/// dependencies are shared, not copied: the parser gives every occurrence of a scope
/// string the same sub-scope. The builders ([`with_dependency`](Self::with_dependency),
/// [`with_dependencies`](Self::with_dependencies), [`with_optional`](Self::with_optional))
/// return new values and leave the original untouched.
///
/// Equality and hashing are by value: two scopes are equal when their strings, optional
/// flags and dependency lists (in order) are equal. Hashing is O(1) (a structural hash is
/// computed once, when the value is built).
///
/// [`Display`](fmt::Display) writes the scope syntax exactly as the Python SDK does: a `*`
/// prefix when optional, then the string, then `[dep1 dep2 …]` when there are
/// dependencies. `Display`, `Debug`, equality and `Drop` are iterative, so no depth of
/// nesting can overflow the stack.
///
/// ```
/// use globus_scopes::Scope;
///
/// let transfer = Scope::new("urn:globus:auth:scope:transfer.api.globus.org:all")?;
/// let data_access = Scope::new("https://auth.globus.org/scopes/c0ffee/data_access")?
///     .with_optional(true);
/// let scope = transfer.with_dependency(data_access);
/// assert_eq!(
///     scope.to_string(),
///     "urn:globus:auth:scope:transfer.api.globus.org:all\
///      [*https://auth.globus.org/scopes/c0ffee/data_access]"
/// );
/// assert_eq!(scope, scope.to_string().parse()?);
/// # Ok::<(), globus_scopes::ScopeError>(())
/// ```
#[derive(Clone)]
pub struct Scope(Arc<Inner>);

struct Inner {
    string: Arc<str>,
    optional: bool,
    dependencies: Box<[Scope]>,
    /// Structural hash of the whole value, computed at construction.
    hash: u64,
    /// Length in bytes of the `Display` output, saturating.
    serialized_len: u64,
}

/// The keys of the structural hash: random per process, so that no input can be built
/// to make many scopes collide in a user's `HashSet<Scope>`.
fn hash_keys() -> &'static RandomState {
    static KEYS: OnceLock<RandomState> = OnceLock::new();
    KEYS.get_or_init(RandomState::new)
}

/// Whether `c` may never appear in a scope string.
pub(crate) fn is_forbidden(c: char) -> bool {
    matches!(c, '[' | ']' | '*') || c.is_whitespace() || c.is_control()
}

/// Checks that `s` is a valid scope string: not empty, no forbidden character.
pub(crate) fn validate_scope_string(s: &str) -> Result<(), ScopeError> {
    if s.is_empty() {
        return Err(ScopeError::EmptyScopeString);
    }
    match s.char_indices().find(|&(_, c)| is_forbidden(c)) {
        Some((position, character)) => Err(ScopeError::ForbiddenCharacter {
            character,
            position,
        }),
        None => Ok(()),
    }
}

impl Scope {
    /// Creates a required scope with no dependencies.
    ///
    /// # Errors
    /// [`ScopeError::EmptyScopeString`] for `""`, and [`ScopeError::ForbiddenCharacter`]
    /// when the string contains `[`, `]`, `*`, whitespace or a control character. To read
    /// text in the scope syntax (`*foo`, `foo[bar]`), use [`Scope::parse`].
    pub fn new(scope_string: impl AsRef<str>) -> Result<Self, ScopeError> {
        let s = scope_string.as_ref();
        validate_scope_string(s)?;
        Ok(Self::from_parts(Arc::from(s), false, Box::default()))
    }

    /// Parses text holding exactly one scope, such as `"foo[bar *baz]"`, with the default
    /// [`ParseLimits`](crate::ParseLimits).
    ///
    /// # Errors
    /// Any parse error (see [`parse_scopes`](crate::parse_scopes)), and
    /// [`ScopeError::NotExactlyOne`] when the text holds no scope or several (`"  "`,
    /// `"foo bar"`).
    pub fn parse(text: &str) -> Result<Self, ScopeError> {
        ScopeParser::new().parse_one(text)
    }

    /// Builds a scope from a string known to be valid (the built-in scope collections).
    pub(crate) fn from_static(scope_string: &'static str) -> Self {
        debug_assert!(validate_scope_string(scope_string).is_ok());
        Self::from_parts(Arc::from(scope_string), false, Box::default())
    }

    /// Builds a scope from already validated parts.
    pub(crate) fn from_parts(string: Arc<str>, optional: bool, dependencies: Box<[Scope]>) -> Self {
        let mut hasher = hash_keys().build_hasher();
        string.hash(&mut hasher);
        optional.hash(&mut hasher);
        dependencies.len().hash(&mut hasher);
        let mut serialized_len = u64::from(optional).saturating_add(string.len() as u64);
        if !dependencies.is_empty() {
            // '[' and ']', plus one separator between each pair of dependencies.
            serialized_len = serialized_len.saturating_add(dependencies.len() as u64 + 1);
        }
        for dependency in dependencies.iter() {
            hasher.write_u64(dependency.0.hash);
            serialized_len = serialized_len.saturating_add(dependency.0.serialized_len);
        }
        Self(Arc::new(Inner {
            string,
            optional,
            dependencies,
            hash: hasher.finish(),
            serialized_len,
        }))
    }

    /// The scope string, without the optional marker and dependencies.
    pub fn scope_string(&self) -> &str {
        &self.0.string
    }

    /// Whether the scope is optional (written with a leading `*`).
    pub fn is_optional(&self) -> bool {
        self.0.optional
    }

    /// The scopes this scope depends on, in order.
    pub fn dependencies(&self) -> &[Scope] {
        &self.0.dependencies
    }

    /// A new scope equal to this one with `dependency` appended to its dependencies.
    #[must_use]
    pub fn with_dependency(&self, dependency: Scope) -> Scope {
        self.with_dependencies(std::iter::once(dependency))
    }

    /// A new scope equal to this one with `dependencies` appended to its dependencies.
    #[must_use]
    pub fn with_dependencies(&self, dependencies: impl IntoIterator<Item = Scope>) -> Scope {
        let all: Vec<Scope> = self
            .dependencies()
            .iter()
            .cloned()
            .chain(dependencies)
            .collect();
        Self::from_parts(
            self.0.string.clone(),
            self.0.optional,
            all.into_boxed_slice(),
        )
    }

    /// A new scope equal to this one with the given optional flag.
    #[must_use]
    pub fn with_optional(&self, optional: bool) -> Scope {
        Self::from_parts(self.0.string.clone(), optional, self.0.dependencies.clone())
    }

    /// Length in bytes of the `Display` output (saturating at `u64::MAX`), known without
    /// writing it. Shared sub-scopes count once per occurrence, as they are written.
    pub(crate) fn serialized_len(&self) -> u64 {
        self.0.serialized_len
    }

    /// An identity for this allocation, used to memoise walks over shared sub-scopes.
    /// Valid while the value is alive.
    pub(crate) fn addr(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    /// The shared string allocation.
    pub(crate) fn shared_string(&self) -> &Arc<str> {
        &self.0.string
    }

    fn write_head(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.optional {
            f.write_char('*')?;
        }
        f.write_str(&self.0.string)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_head(f)?;
        if self.0.dependencies.is_empty() {
            return Ok(());
        }
        f.write_char('[')?;
        // Each frame is a dependency list and the index of the next one to write.
        let mut stack: Vec<(&[Scope], usize)> = vec![(&self.0.dependencies, 0)];
        while let Some(frame) = stack.last_mut() {
            let (list, next) = *frame;
            let Some(scope) = list.get(next) else {
                f.write_char(']')?;
                stack.pop();
                continue;
            };
            frame.1 += 1;
            if next > 0 {
                f.write_char(' ')?;
            }
            scope.write_head(f)?;
            if !scope.0.dependencies.is_empty() {
                f.write_char('[')?;
                stack.push((&scope.0.dependencies, 0));
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Scope")
            .field(&format_args!("{self}"))
            .finish()
    }
}

impl PartialEq for Scope {
    fn eq(&self, other: &Self) -> bool {
        if Arc::ptr_eq(&self.0, &other.0) {
            return true;
        }
        if self.0.hash != other.0.hash {
            return false;
        }
        // Iterative structural comparison; pairs already scheduled are not compared
        // twice, so shared sub-scopes keep this linear.
        let mut seen: HashSet<(usize, usize)> = HashSet::new();
        let mut stack = vec![(self, other)];
        while let Some((a, b)) = stack.pop() {
            let (a, b) = (&a.0, &b.0);
            if a.hash != b.hash
                || a.optional != b.optional
                || a.dependencies.len() != b.dependencies.len()
                || a.string != b.string
            {
                return false;
            }
            for (x, y) in a.dependencies.iter().zip(b.dependencies.iter()) {
                if !Arc::ptr_eq(&x.0, &y.0) && seen.insert((x.addr(), y.addr())) {
                    stack.push((x, y));
                }
            }
        }
        true
    }
}

impl Eq for Scope {}

impl Hash for Scope {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0.hash);
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if self.dependencies.is_empty() {
            return;
        }
        // Take ownership of the dependency chain and free it iteratively: every inner
        // value we are the last owner of has its own dependencies moved onto the work
        // list before it is dropped, so no drop ever recurses.
        let mut pending = std::mem::take(&mut self.dependencies).into_vec();
        while let Some(scope) = pending.pop() {
            if let Some(mut inner) = Arc::into_inner(scope.0) {
                pending.extend(std::mem::take(&mut inner.dependencies).into_vec());
            }
        }
    }
}

impl FromStr for Scope {
    type Err = ScopeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.serialized_len() > MAX_SERIALIZED_LEN as u64 {
            return Err(serde::ser::Error::custom(ScopeError::SerializedTooLarge {
                limit: MAX_SERIALIZED_LEN,
            }));
        }
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Scope::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Scope {
        Scope::new(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    #[test]
    fn display_matches_python() {
        assert_eq!(s("simple").to_string(), "simple");
        assert_eq!(s("simple").with_optional(true).to_string(), "*simple");
        let top = s("top").with_dependency(s("foo"));
        assert_eq!(top.to_string(), "top[foo]");
        let top = top.with_dependency(s("bar"));
        assert_eq!(top.to_string(), "top[foo bar]");
        let nested = s("top").with_dependency(s("mid").with_dependency(s("bottom")));
        assert_eq!(nested.to_string(), "top[mid[bottom]]");
        let opt = s("top").with_dependency(s("subscope").with_optional(true));
        assert_eq!(opt.to_string(), "top[*subscope]");
        assert_eq!(format!("{opt:?}"), "Scope(top[*subscope])");
    }

    #[test]
    fn serialized_len_matches_display() {
        let deep = s("a")
            .with_dependencies([s("bb").with_optional(true), s("c")])
            .with_optional(true);
        let x = s("x").with_dependencies([deep.clone(), deep]);
        assert_eq!(x.serialized_len(), x.to_string().len() as u64);
    }

    #[test]
    fn builders_leave_the_original_unchanged() {
        let s1 = s("s1");
        let s3 = s1.with_dependency(s("s2"));
        assert_eq!(s1.dependencies().len(), 0);
        assert_eq!(s3.dependencies().len(), 1);
        let s2 = s1.with_optional(true);
        assert!(!s1.is_optional());
        assert!(s2.is_optional());
        assert!(!s2.with_optional(false).is_optional());
    }

    #[test]
    fn construction_rejects_special_characters() {
        for (text, character, position) in [
            ("*foo", '*', 0),
            ("foo[bar]", '[', 3),
            ("foo[", '[', 3),
            ("foo]", ']', 3),
            ("foo bar", ' ', 3),
            ("foo\tbar", '\t', 3),
            ("foo\n", '\n', 3),
            ("é\u{a0}", '\u{a0}', 2),
            ("x\u{85}", '\u{85}', 1),
        ] {
            assert_eq!(
                Scope::new(text),
                Err(ScopeError::ForbiddenCharacter {
                    character,
                    position
                }),
                "{text:?}"
            );
        }
        assert_eq!(Scope::new(""), Err(ScopeError::EmptyScopeString));
        assert!(Scope::new("urn:globus:auth:scope:é:%20&#\"").is_ok());
    }

    #[test]
    fn equality_is_by_value_and_order_sensitive() {
        let a = s("a").with_dependencies([s("b"), s("c")]);
        let b = s("a").with_dependencies([s("b"), s("c")]);
        let c = s("a").with_dependencies([s("c"), s("b")]);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, a.with_optional(true));
        let set: HashSet<Scope> = [a.clone(), b, c].into_iter().collect();
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn serde_is_the_scope_string() {
        let scope = s("a").with_dependency(s("b").with_optional(true));
        let json = serde_json::to_string(&scope).unwrap_or_default();
        assert_eq!(json, r#""a[*b]""#);
        let back: Scope = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, scope);
        assert!(serde_json::from_str::<Scope>(r#""a b""#).is_err());
        assert!(serde_json::from_str::<Scope>(r#""a[""#).is_err());
    }

    #[test]
    fn send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Scope>();
    }
}
