//! A small, bracket-aware scope-string splitter and the scope → resource server mapping.

/// Globus Auth's own resource server.
pub(crate) const AUTH_RS: &str = "auth.globus.org";

/// One top-level requested scope, e.g. `a[b c[d]]` → base `a`, dependents `["b", "c[d]"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestedScope {
    pub(crate) base: String,
    pub(crate) dependents: Vec<String>,
}

/// Splits a space-separated scope string, honouring `[...]` dependent-scope groups.
pub(crate) fn split_scopes(input: &str) -> Result<Vec<RequestedScope>, String> {
    let mut out = Vec::new();
    for item in split_top_level(input)? {
        out.push(parse_item(&item)?);
    }
    Ok(out)
}

fn split_top_level(input: &str) -> Result<Vec<String>, String> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in input.chars() {
        match c {
            '[' => {
                depth += 1;
                current.push(c);
            }
            ']' => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| format!("unbalanced ']' in scope string {input:?}"))?;
                current.push(c);
            }
            c if c.is_whitespace() && depth == 0 => {
                if !current.is_empty() {
                    items.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if depth != 0 {
        return Err(format!("unbalanced '[' in scope string {input:?}"));
    }
    if !current.is_empty() {
        items.push(current);
    }
    Ok(items)
}

fn parse_item(item: &str) -> Result<RequestedScope, String> {
    let item = item.strip_prefix('*').unwrap_or(item);
    match item.find('[') {
        None => Ok(RequestedScope {
            base: item.to_owned(),
            dependents: Vec::new(),
        }),
        Some(open) => {
            let base = &item[..open];
            let inner = item[open + 1..]
                .strip_suffix(']')
                .ok_or_else(|| format!("text after ']' in scope {item:?}"))?;
            if base.is_empty() {
                return Err(format!("dependent scopes without a parent in {item:?}"));
            }
            let dependents = split_top_level(inner)?;
            for dep in &dependents {
                parse_item(dep)?;
            }
            Ok(RequestedScope {
                base: base.to_owned(),
                dependents: dependents
                    .into_iter()
                    .map(|d| d.strip_prefix('*').map(str::to_owned).unwrap_or(d))
                    .collect(),
            })
        }
    }
}

/// The resource server a scope string belongs to, or `None` for an unknown scope shape.
pub(crate) fn resource_server(scope: &str) -> Option<String> {
    if matches!(scope, "openid" | "profile" | "email") {
        return Some(AUTH_RS.to_owned());
    }
    if let Some(rest) = scope.strip_prefix("urn:globus:auth:scope:") {
        let (rs, name) = rest.split_once(':')?;
        return (!rs.is_empty() && !name.is_empty()).then(|| rs.to_owned());
    }
    if let Some(rest) = scope.strip_prefix("https://auth.globus.org/scopes/") {
        let (rs, name) = rest.split_once('/')?;
        return (!rs.is_empty() && !name.is_empty()).then(|| rs.to_owned());
    }
    None
}

/// Splits a requested scope string and checks that every scope in it (dependents included)
/// has a known shape. Errors are human-readable.
pub(crate) fn parse_known(input: &str) -> Result<Vec<RequestedScope>, String> {
    let parsed = split_scopes(input)?;
    if parsed.is_empty() {
        return Err("no scopes were requested".into());
    }
    for s in &parsed {
        check_known(s)?;
    }
    Ok(parsed)
}

fn check_known(s: &RequestedScope) -> Result<(), String> {
    if resource_server(&s.base).is_none() {
        return Err(format!("unknown scope {:?}", s.base));
    }
    for dep in &s.dependents {
        for inner in split_scopes(dep)? {
            check_known(&inner)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_brackets() {
        let got = split_scopes("openid  a[b *c[d e]] f").unwrap_or_default();
        assert_eq!(got.len(), 3);
        assert_eq!(got[1].base, "a");
        assert_eq!(got[1].dependents, vec!["b".to_owned(), "c[d e]".to_owned()]);
        assert!(split_scopes("a[b").is_err());
        assert!(split_scopes("a]b").is_err());
        assert!(split_scopes("a[b]c").is_err());
        assert!(split_scopes("[b]").is_err());
    }

    #[test]
    fn resource_servers() {
        assert_eq!(resource_server("openid").as_deref(), Some(AUTH_RS));
        assert_eq!(
            resource_server("urn:globus:auth:scope:auth.globus.org:view_identities").as_deref(),
            Some(AUTH_RS)
        );
        assert_eq!(
            resource_server("urn:globus:auth:scope:transfer.api.globus.org:all").as_deref(),
            Some("transfer.api.globus.org")
        );
        assert_eq!(
            resource_server("https://auth.globus.org/scopes/abc/data_access").as_deref(),
            Some("abc")
        );
        assert_eq!(resource_server("bogus"), None);
        assert_eq!(resource_server("urn:globus:auth:scope:x"), None);
    }
}
