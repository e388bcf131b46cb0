//! What the CLI prints.

use std::collections::HashMap;
use std::io::{BufRead as _, Write as _};
use std::process::ExitCode;

use globus_sdk::identity::IdentityRecord;
use globus_sdk::scopes::{ScopeGraph, parse_scopes as parse, serialize};

use crate::BoxError;

/// `globus scopes parse`: the normalised scope string, or exit status 2 with the reason.
pub(crate) fn parse_scopes(text: &str, dot: bool) -> ExitCode {
    let result = if dot {
        ScopeGraph::parse(text).map(|graph| graph.to_dot())
    } else {
        parse(text).and_then(|scopes| serialize(scopes, false))
    };
    match result {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("invalid scope string: {err}");
            ExitCode::from(2)
        }
    }
}

/// `globus identities`: a table (or JSON), in the order the keys were given.
pub(crate) fn identities(
    keys: &[String],
    found: &HashMap<String, Option<IdentityRecord>>,
    json: bool,
) -> Result<(), BoxError> {
    if json {
        let records: Vec<serde_json::Value> = keys
            .iter()
            .filter_map(|key| found.get(key).and_then(Option::as_ref))
            .map(|record| record.raw_json().clone())
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "identities": records }))?
        );
        return Ok(());
    }
    let rows: Vec<[String; 5]> = keys
        .iter()
        .map(|key| match found.get(key).and_then(Option::as_ref) {
            Some(identity) => [
                identity.id.clone(),
                identity.username.clone(),
                identity.name.clone().unwrap_or_default(),
                identity.organization.clone().unwrap_or_default(),
                identity.email.clone().unwrap_or_default(),
            ],
            None => [
                "NO_SUCH_IDENTITY".to_owned(),
                key.clone(),
                String::new(),
                String::new(),
                String::new(),
            ],
        })
        .collect();
    print_table(
        &[
            "ID",
            "Username",
            "Full Name",
            "Organization",
            "Email Address",
        ],
        &rows,
    );
    Ok(())
}

fn print_table<const N: usize>(headers: &[&str; N], rows: &[[String; N]]) {
    let mut widths = headers.map(str::len);
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        println!("{}", padded.join(" | ").trim_end());
    };
    line(headers.to_vec());
    println!("{}", widths.map(|w| "-".repeat(w)).join("-+-"));
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

/// Reads one line from standard input after a prompt on standard error.
pub(crate) fn read_secret_line(prompt: &str) -> Result<String, BoxError> {
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line)? == 0 {
        return Err("no input".into());
    }
    Ok(line.trim().to_owned())
}
