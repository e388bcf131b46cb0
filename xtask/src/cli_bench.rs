//! The `globus` CLI example's cold start (process start to first request) and binary size.

use std::process::Command;

use crate::{run, workspace_root};

const CLI_EXAMPLE: &str = "globus";
const CLI_ARGS: &[&str] = &["whoami"];
const CLI_CLIENT_ID: &str = "7fb58e00-839d-44e3-8047-10a502612dca";
const CLI_RUNS: usize = 31;

pub(crate) fn cli_cold_start() -> Vec<String> {
    let row = |sdk: String, verdict: &str| {
        vec![
            "cli/globus whoami cold start".to_owned(),
            "-".to_owned(),
            sdk,
            "-".to_owned(),
            "< 10 ms to first request".to_owned(),
            verdict.to_owned(),
        ]
    };
    let Ok(root) = workspace_root() else {
        return row("cannot find the workspace root".into(), "not measured");
    };
    match measure_cli(&root) {
        Ok(cli) => {
            println!(
                "xtask: cli cold start over {CLI_RUNS} runs: min {:.2} ms, median {:.2} ms, max {:.2} ms",
                cli.min_ms, cli.median_ms, cli.max_ms
            );
            let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
            let stripped = cli
                .stripped
                .map(|bytes| format!(", {:.1} MiB stripped", mib(bytes)))
                .unwrap_or_default();
            row(
                format!(
                    "{:.2} ms median to first request (min {:.2}); release binary {:.1} MiB{stripped}",
                    cli.median_ms,
                    cli.min_ms,
                    mib(cli.size),
                ),
                if cli.median_ms < 10.0 {
                    "met"
                } else {
                    "MISSED"
                },
            )
        }
        Err(err) => row(err, "not measured"),
    }
}

/// What [`measure_cli`] found.
struct CliFigures {
    size: u64,
    stripped: Option<u64>,
    min_ms: f64,
    median_ms: f64,
    max_ms: f64,
}

/// A stored login for the CLI (the Python SDK's JSON token file, format 2.0) whose access
/// token is valid for a day.
fn cli_token_file(home: &std::path::Path) -> Result<(), String> {
    let dir = home
        .join(".globus/app")
        .join(CLI_CLIENT_ID)
        .join("globus-cli-rs");
    std::fs::create_dir_all(&dir).map_err(|err| format!("creating {}: {err}", dir.display()))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|err| err.to_string())?
        .as_secs();
    let record = format!(
        r#"{{"resource_server": "auth.globus.org", "identity_id": "c8aad43e-d274-11e5-bf98-8b02896cf782", "scope": "openid profile email urn:globus:auth:scope:auth.globus.org:view_identities", "access_token": "bench-access-token", "refresh_token": "bench-refresh-token", "expires_at_seconds": {}, "token_type": "Bearer"}}"#,
        now + 86_400
    );
    let text = format!(
        r#"{{"data": {{"DEFAULT": {{"auth.globus.org": {record}}}}}, "format_version": "2.0", "globus-sdk.version": "4.10.0"}}"#
    );
    let path = dir.join("tokens.json");
    std::fs::write(&path, text).map_err(|err| format!("writing {}: {err}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .map_err(|err| format!("chmod {}: {err}", path.display()))?;
    }
    Ok(())
}

/// Builds the CLI, then runs `globus whoami` [`CLI_RUNS`] times against a loopback
/// listener: the binary's size and the time from spawn to the first byte of the request.
fn measure_cli(root: &std::path::Path) -> Result<CliFigures, String> {
    use std::io::{Read as _, Write as _};
    use std::time::Instant;
    run(
        "cargo",
        &[
            "build",
            "--release",
            "-p",
            "globus-examples",
            "--example",
            CLI_EXAMPLE,
        ],
        &[],
    )?;
    let binary = root.join("target/release/examples").join(CLI_EXAMPLE);
    let size = std::fs::metadata(&binary)
        .map_err(|err| format!("{}: {err}", binary.display()))?
        .len();
    // The release profile keeps line tables; the size without them is what ships.
    let stripped_path =
        std::env::temp_dir().join(format!("xtask-cli-stripped-{}", std::process::id()));
    let stripped = Command::new("strip")
        .arg("-o")
        .arg(&stripped_path)
        .arg(&binary)
        .status()
        .ok()
        .filter(std::process::ExitStatus::success)
        .and_then(|_| std::fs::metadata(&stripped_path).ok())
        .map(|meta| meta.len());
    let _ = std::fs::remove_file(&stripped_path);
    let home = std::env::temp_dir().join(format!("xtask-cli-home-{}", std::process::id()));
    cli_token_file(&home)?;
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
        .map_err(|err| format!("binding a loopback listener: {err}"))?;
    let base_url = format!(
        "http://{}/",
        listener.local_addr().map_err(|err| err.to_string())?
    );
    const USERINFO: &str = r#"{"sub": "c8aad43e-d274-11e5-bf98-8b02896cf782", "preferred_username": "ada@globusid.org"}"#;
    let mut times = Vec::new();
    // One extra run first, to warm the page cache; it is not counted.
    for run in 0..=CLI_RUNS {
        let start = Instant::now();
        let child = Command::new(&binary)
            .args(CLI_ARGS)
            .env_clear()
            .env("HOME", &home)
            .env("GLOBUS_CLIENT_ID", CLI_CLIENT_ID)
            .env("GLOBUS_SDK_SERVICE_URL_AUTH", &base_url)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|err| format!("starting {}: {err}", binary.display()))?;
        let (mut stream, _) = listener
            .accept()
            .map_err(|err| format!("waiting for the CLI's request: {err}"))?;
        let mut first = [0u8; 1];
        stream
            .read_exact(&mut first)
            .map_err(|err| format!("reading the CLI's request: {err}"))?;
        let elapsed = start.elapsed().as_secs_f64() * 1e3;
        // Read the rest of the head, then answer, so the CLI finishes normally.
        let mut head = vec![first[0]];
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
            match stream.read(&mut byte) {
                Ok(1) => head.push(byte[0]),
                _ => break,
            }
        }
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{USERINFO}",
            USERINFO.len()
        );
        drop(stream);
        let output = child
            .wait_with_output()
            .map_err(|err| format!("waiting for the CLI: {err}"))?;
        if !output.status.success() {
            return Err(format!(
                "`globus whoami` failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        if run > 0 {
            times.push(elapsed);
        }
    }
    let _ = std::fs::remove_dir_all(&home);
    times.sort_by(f64::total_cmp);
    Ok(CliFigures {
        size,
        stripped,
        min_ms: times.first().copied().unwrap_or(0.0),
        median_ms: times[times.len() / 2],
        max_ms: times.last().copied().unwrap_or(0.0),
    })
}
