//! The five GARE shapes and the strict member checks (Python's `validators`).

use serde_json::{Map, Value};

use super::{AuthorizationParameters, Gare, GareError};

pub(super) type Check<T> = Result<T, GareError>;

pub(super) fn fail<T>(message: impl Into<String>) -> Check<T> {
    Err(GareError(message.into()))
}

// --- strict member checks (Python's `validators`) -----------------------------------

fn opt_str(data: &Map<String, Value>, name: &str) -> Check<Option<String>> {
    match data.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => fail(format!("'{name}' must be a string or null")),
    }
}

fn opt_bool(data: &Map<String, Value>, name: &str) -> Check<Option<bool>> {
    match data.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => fail(format!("'{name}' must be a bool or null")),
    }
}

fn string_list(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn opt_str_list(data: &Map<String, Value>, name: &str) -> Check<Option<Vec<String>>> {
    match data.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => match string_list(value) {
            Some(list) => Ok(Some(list)),
            None => fail(format!("'{name}' must be a list of strings or null")),
        },
    }
}

fn opt_str_list_or_commasep(data: &Map<String, Value>, name: &str) -> Check<Option<Vec<String>>> {
    match data.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.split(',').map(str::to_owned).collect())),
        Some(value) => match string_list(value) {
            Some(list) => Ok(Some(list)),
            None => fail(format!(
                "'{name}' must be a list of strings or a comma-delimited string or null"
            )),
        },
    }
}

fn extra_without(data: &Map<String, Value>, known: &[&str]) -> Map<String, Value> {
    data.iter()
        .filter(|(k, _)| !known.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

const PARAMETER_FIELDS: &[&str] = &[
    "session_message",
    "session_required_identities",
    "session_required_policies",
    "session_required_single_domain",
    "session_required_mfa",
    "required_scopes",
    "prompt",
];

pub(super) fn parameters_to_object(
    p: &AuthorizationParameters,
    include_extra: bool,
) -> Map<String, Value> {
    let mut out = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            out.insert(key.to_owned(), value);
        }
    };
    let list = |l: &Option<Vec<String>>| l.as_ref().map(|l| Value::from(l.clone()));
    put(
        "session_message",
        p.session_message.clone().map(Value::String),
    );
    put(
        "session_required_identities",
        list(&p.session_required_identities),
    );
    put(
        "session_required_policies",
        list(&p.session_required_policies),
    );
    put(
        "session_required_single_domain",
        list(&p.session_required_single_domain),
    );
    put(
        "session_required_mfa",
        p.session_required_mfa.map(Value::Bool),
    );
    put("required_scopes", list(&p.required_scopes));
    put("prompt", p.prompt.clone().map(Value::String));
    if include_extra {
        out.extend(p.extra.clone());
    }
    out
}

// --- the five shapes ------------------------------------------------------------------

/// Shape 1, strict.
pub(super) fn canonical(data: &Map<String, Value>) -> Check<Gare> {
    let Some(Value::String(code)) = data.get("code") else {
        return fail("'code' must be a string");
    };
    let Some(Value::Object(params)) = data.get("authorization_parameters") else {
        return fail(
            "'authorization_parameters' must be a 'GlobusAuthorizationParameters' object or a dictionary",
        );
    };
    let mut p = AuthorizationParameters::default();
    p.session_message = opt_str(params, "session_message")?;
    p.session_required_identities = opt_str_list(params, "session_required_identities")?;
    p.session_required_policies = opt_str_list(params, "session_required_policies")?;
    p.session_required_single_domain = opt_str_list(params, "session_required_single_domain")?;
    p.session_required_mfa = opt_bool(params, "session_required_mfa")?;
    p.required_scopes = opt_str_list(params, "required_scopes")?;
    p.prompt = opt_str(params, "prompt")?;
    p.extra = extra_without(params, PARAMETER_FIELDS);
    Ok(Gare {
        code: code.clone(),
        authorization_parameters: p,
        extra: extra_without(data, &["code", "authorization_parameters"]),
    })
}

/// Python's truthiness, for `code or "AuthorizationRequired"`.
fn is_falsy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => !b,
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
    }
}

/// Shape 2: legacy authorization parameters (plus the `required_scopes` fix).
fn legacy_authorization_parameters(data: &Map<String, Value>) -> Check<Gare> {
    let code = match data.get("code") {
        raw if is_falsy(raw) => "AuthorizationRequired".to_owned(),
        Some(Value::String(code)) => code.clone(),
        _ => return fail("'code' must be a string"),
    };
    let Some(Value::Object(params)) = data.get("authorization_parameters") else {
        return fail(
            "'authorization_parameters' must be a 'LegacyAuthorizationParameters' object or a dictionary",
        );
    };
    let mut p = AuthorizationParameters::default();
    p.session_message = opt_str(params, "session_message")?;
    p.session_required_identities = opt_str_list(params, "session_required_identities")?;
    p.session_required_policies = opt_str_list_or_commasep(params, "session_required_policies")?;
    p.session_required_single_domain =
        opt_str_list_or_commasep(params, "session_required_single_domain")?;
    p.session_required_mfa = opt_bool(params, "session_required_mfa")?;
    p.prompt = match params.get("prompt") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s == "login" => Some(s.clone()),
        Some(_) => return fail("'prompt' must be 'login' or null"),
    };
    let mut known: Vec<&str> = PARAMETER_FIELDS.to_vec();
    known.retain(|k| *k != "required_scopes");
    p.extra = extra_without(params, &known);
    // The fix: Python leaves `required_scopes` in `extra` here.
    if let Some(scopes) = p.extra.get("required_scopes").and_then(string_list) {
        p.extra.remove("required_scopes");
        p.required_scopes = Some(scopes);
    } else if let Some(scopes) = data.get("required_scopes").and_then(string_list) {
        p.required_scopes = Some(scopes);
    }
    Ok(Gare {
        code,
        authorization_parameters: p,
        extra: extra_without(data, &["code", "authorization_parameters"]),
    })
}

fn consent_required_code(data: &Map<String, Value>) -> Check<String> {
    match data.get("code") {
        Some(Value::String(code)) if code == "ConsentRequired" => Ok(code.clone()),
        _ => fail("'code' must be the string 'ConsentRequired'"),
    }
}

/// Shape 3: legacy Transfer `ConsentRequired` with `required_scopes`.
fn legacy_transfer_consent(data: &Map<String, Value>) -> Check<Gare> {
    let code = consent_required_code(data)?;
    let Some(scopes) = data.get("required_scopes").and_then(string_list) else {
        return fail("'required_scopes' must be a list of strings");
    };
    let extra = extra_without(data, &["code", "required_scopes"]);
    let mut p = AuthorizationParameters::default();
    p.required_scopes = Some(scopes);
    p.session_message = opt_str(&extra, "message")
        .map_err(|_| GareError("'session_message' must be a string or null".into()))?;
    Ok(Gare {
        code,
        authorization_parameters: p,
        extra,
    })
}

/// Shape 4: legacy Flows/Actions `ConsentRequired` with a singular `required_scope`.
fn legacy_actions_consent(data: &Map<String, Value>) -> Check<Gare> {
    let code = consent_required_code(data)?;
    let Some(Value::String(scope)) = data.get("required_scope") else {
        return fail("'required_scope' must be a string");
    };
    let mut extra = extra_without(data, &["code", "required_scope"]);
    let mut p = AuthorizationParameters::default();
    p.required_scopes = Some(vec![scope.clone()]);
    p.session_message = opt_str(&extra, "description")
        .map_err(|_| GareError("'session_message' must be a string or null".into()))?;
    // A nested object becomes the parameters' extra (anything else is dropped).
    if let Some(Value::Object(nested)) = extra.remove("authorization_parameters") {
        p.extra = nested;
    }
    Ok(Gare {
        code,
        authorization_parameters: p,
        extra,
    })
}

/// Shape 5: legacy Auth `dependent_consent_required`.
fn legacy_dependent_consent(data: &Map<String, Value>) -> Check<Gare> {
    match data.get("error") {
        Some(Value::String(e)) if e == "dependent_consent_required" => {}
        _ => return fail("'error' must be the string 'dependent_consent_required'"),
    }
    let Some(Value::Object(first)) = data
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|errors| errors.first())
    else {
        return fail("'errors' must be list of errors with at least one error object");
    };
    let scopes = match first.get("unapproved_scopes") {
        None => Vec::new(),
        Some(value) => match string_list(value) {
            Some(list) => list,
            None => return fail("'unapproved_scopes' must be a list of strings"),
        },
    };
    let mut p = AuthorizationParameters::default();
    p.required_scopes = Some(scopes);
    Ok(Gare::new("ConsentRequired", p))
}

/// A parser for one shape.
type Shape = fn(&Map<String, Value>) -> Check<Gare>;

/// Tries the five shapes in order (Python's `_lenient_dict2gare`).
pub(super) fn lenient(data: &Map<String, Value>) -> Option<Gare> {
    let shapes: [(&str, Shape); 5] = [
        ("GARE", canonical),
        (
            "LegacyAuthorizationParametersError",
            legacy_authorization_parameters,
        ),
        (
            "LegacyConsentRequiredTransferError",
            legacy_transfer_consent,
        ),
        ("LegacyConsentRequiredAPError", legacy_actions_consent),
        (
            "LegacyDependentConsentRequiredAuthError",
            legacy_dependent_consent,
        ),
    ];
    for (name, parse) in shapes {
        match parse(data) {
            Ok(gare) => return Some(gare),
            Err(err) => tracing::trace!(shape = name, reason = %err, "not a GARE of this shape"),
        }
    }
    None
}
