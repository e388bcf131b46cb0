//! Fuzzes token-response parsing: arbitrary bytes as the JSON body of a 200 from the token
//! endpoint, through `OAuthTokenResponse::from_response` or
//! `DependentTokenResponse::from_response`. Nothing may panic or overflow, and no access
//! or refresh token from the body may appear in `Display`/`Debug` of the result or error.
#![no_main]

use globus_auth::{AuthError, ByResourceServer, DependentTokenResponse, OAuthTokenResponse};
use globus_core::Response;
use globus_core::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const NOW: i64 = 1_700_000_000;

/// Strings of the body that are secrets: every `access_token`, `refresh_token` and
/// `id_token` string value, at any depth.
fn secrets(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if let ("access_token" | "refresh_token" | "id_token", Value::String(s)) =
                    (key.as_str(), v)
                {
                    out.push(s.clone());
                }
                secrets(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| secrets(v, out)),
        _ => {}
    }
}

/// Text that legitimately appears in output: every string and number of the body that is
/// not a secret value (resource servers, scopes, token types, error messages, numbers).
fn public_text(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                out.push_str(key);
                out.push('\u{0}');
                if !matches!(key.as_str(), "access_token" | "refresh_token" | "id_token") {
                    public_text(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| public_text(v, out)),
        Value::String(s) => {
            out.push_str(s);
            out.push_str(&format!("{s:?}"));
            out.push('\u{0}');
        }
        other => {
            out.push_str(&other.to_string());
            out.push('\u{0}');
        }
    }
}

fn check_tokens(by_rs: &ByResourceServer) {
    for token in by_rs.iter() {
        assert!(!token.resource_server.is_empty() || by_rs.get("").is_some());
        let _ = token.is_expired(NOW);
        let _ = token.scopes().count();
        let _ = by_rs.by_scopes(&token.scope);
    }
}

fn parse(mode: u8, body: &[u8]) -> String {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let response = Response::from_parts(
        Method::POST,
        "https://auth.globus.org/v2/oauth2/token",
        StatusCode::OK,
        headers,
        body.to_vec(),
    );
    if mode % 2 == 0 {
        match OAuthTokenResponse::from_response(response, NOW) {
            Ok(tokens) => {
                check_tokens(tokens.by_resource_server());
                let _ = (tokens.state(), tokens.id_token());
                format!("{tokens} {tokens:?}")
            }
            Err(err) => shown_error(&err),
        }
    } else {
        match DependentTokenResponse::from_response(response, NOW) {
            Ok(tokens) => {
                check_tokens(tokens.by_resource_server());
                format!("{tokens} {tokens:?}")
            }
            Err(err) => shown_error(&err),
        }
    }
}

/// `value` with `from` replaced by `to` in every string.
fn replace_in_strings(value: &Value, from: &str, to: &str) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.replace(from, to), replace_in_strings(v, from, to)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| replace_in_strings(v, from, to))
                .collect(),
        ),
        Value::String(s) => Value::String(s.replace(from, to)),
        other => other.clone(),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let shown = parse(mode, body);
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return;
    };
    let mut found = Vec::new();
    secrets(&json, &mut found);
    let mut public = String::new();
    public_text(&json, &mut public);
    for secret in found {
        // Only distinctive secrets, written literally in the body, that the output could
        // not show for another reason.
        if secret.len() < 6
            || public.contains(&secret)
            || secret.contains(['\\', '"'])
            || !shown.contains(&secret)
        {
            continue;
        }
        let raw = String::from_utf8_lossy(body);
        if !raw.contains(&secret) {
            continue;
        }
        // The same body with the secret replaced: if its output lacks the secret, the
        // first output showed it because it was in the body.
        let filler = if secret.starts_with('q') { "w" } else { "q" }.repeat(secret.len());
        let body2 = raw.replace(&secret, &filler);
        match serde_json::from_str::<Value>(&body2) {
            Ok(v2) if v2 == replace_in_strings(&json, &secret, &filler) => {}
            _ => continue,
        }
        let shown2 = parse(mode, body2.as_bytes());
        assert!(shown2.contains(&secret), "token {secret:?} shown in {shown}");
    }
});
fn shown_error(err: &AuthError) -> String {
    let mut text = format!("{err} {err:?}");
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        text.push_str(&format!(" {s} {s:?}"));
        source = s.source();
    }
    text
}
