//! The OAuth2 / OIDC endpoints under `/v2/oauth2/`, the discovery documents and the
//! code-display page.

pub(crate) mod authorize;
pub(crate) mod discovery;
pub(crate) mod grants;
pub(crate) mod introspect;
pub(crate) mod revoke;
pub(crate) mod token;
pub(crate) mod userinfo;

/// The first value of `name` among decoded form or query pairs.
pub(crate) fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}
