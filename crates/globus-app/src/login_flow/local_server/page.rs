//! The page the browser shows when it comes back to the local server: a template with
//! Python's two placeholders, filled with HTML-escaped text.

/// The result line of a successful login (Python's text).
pub(crate) const LOGIN_SUCCESSFUL: &str = "Login successful";
/// The result line of a failed login (Python's text).
pub(crate) const LOGIN_FAILED: &str = "Login failed";

/// The default landing page. It carries Python's text ("Globus Login Result",
/// `$login_result. You may close this tab.`, `$post_login_message`) in a page of its own,
/// with no external resources.
pub const DEFAULT_HTML_TEMPLATE: &str = r#"<!DOCTYPE html>
<html lang="en-US">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Globus Login</title>
  <style>
    html { font: 75% "Helvetica Neue", Arial, Helvetica, sans-serif; }
    html, body { margin: 0; padding: 0; }
    header { background: #2e5793; color: #fff; }
    header div { max-width: 980px; margin: 0 auto; padding: 18px 0;
                 font-size: 200%; font-weight: bold; letter-spacing: 0.05em; }
    main { max-width: 980px; margin: 0 auto; padding: 25px 0 50px; }
    main h1 { border-bottom: solid 1px #aaa; font-size: 233.33%; font-weight: normal; }
    main p { color: #333; font-size: 116.67%; max-width: 560px; margin: 1em auto;
             line-height: 150%; }
  </style>
</head>
<body>
  <header><div>globus</div></header>
  <main>
    <h1>Globus Login Result</h1>
    <p>$login_result. You may close this tab.</p>
    <p>$post_login_message</p>
  </main>
</body>
</html>
"#;

/// Escapes text for an HTML element or a quoted attribute.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// Fills a template written in Python's `string.Template` syntax: `$login_result` or
/// `${login_result}`, `$post_login_message` or `${post_login_message}`, and `$$` for a
/// dollar sign. Both values are HTML-escaped. Anything else is left as written (Python's
/// `safe_substitute`), so a template never fails to render.
pub(crate) fn render(template: &str, login_result: &str, post_login_message: &str) -> String {
    let value = |name: &str| match name {
        "login_result" => Some(escape_html(login_result)),
        "post_login_message" => Some(escape_html(post_login_message)),
        _ => None,
    };
    let mut out = String::with_capacity(template.len() + post_login_message.len() * 2);
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        let (name, tail) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (&braced[..end], &braced[end + 1..]),
                None => ("", after),
            }
        } else {
            let end = after
                .char_indices()
                .find(|&(i, c)| {
                    !(c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()))
                })
                .map_or(after.len(), |(i, _)| i);
            (&after[..end], &after[end..])
        };
        match value(name) {
            Some(text) => {
                out.push_str(&text);
                rest = tail;
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_template_has_python_text() {
        let page = render(DEFAULT_HTML_TEMPLATE, LOGIN_SUCCESSFUL, "");
        assert!(page.contains("<h1>Globus Login Result</h1>"));
        assert!(page.contains("Login successful. You may close this tab."));
        assert!(!page.contains('$'));
    }

    #[test]
    fn values_are_escaped() {
        let page = render(
            DEFAULT_HTML_TEMPLATE,
            LOGIN_FAILED,
            "<script>alert(\"1\")</script> & 'x'",
        );
        assert!(!page.contains("<script>"));
        assert!(
            page.contains("&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt; &amp; &#x27;x&#x27;")
        );
    }

    #[test]
    fn template_syntax() {
        assert_eq!(render("$login_result!", "ok", ""), "ok!");
        assert_eq!(render("${login_result}s", "ok", ""), "oks");
        assert_eq!(render("$$5 $login_results", "ok", ""), "$5 $login_results");
        assert_eq!(render("$ ${nope} ${open", "ok", ""), "$ ${nope} ${open");
        assert_eq!(render("end$", "ok", ""), "end$");
        assert_eq!(render("$post_login_message", "ok", "<b>"), "&lt;b&gt;");
        assert_eq!(render("é$login_result€", "ok", ""), "éok€");
    }
}
