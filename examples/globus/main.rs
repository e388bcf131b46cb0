//! `globus`: a small command-line client for Globus Auth, in the spirit of globus-cli's
//! auth commands.
//!
//! ```sh
//! cargo run --example globus -- --help
//! cargo run --example globus -- scopes parse 'openid transfer[*data_access]'
//! GLOBUS_CLIENT_ID=<native app id> cargo run --example globus -- login
//! cargo run --example globus -- whoami
//! cargo run --example globus -- identities ada@globusid.org 46bd0f56-e24f-11e5-a510-131bef46955c
//! cargo run --example globus -- logout
//! ```
//!
//! Configuration comes from the environment, as in the Python SDK: `GLOBUS_CLIENT_ID`
//! (required for everything but `scopes parse`), `GLOBUS_CLIENT_SECRET` (for `token
//! introspect`), `GLOBUS_SDK_ENVIRONMENT`, `GLOBUS_SDK_SERVICE_URL_AUTH`. Tokens are kept
//! in `~/.globus/app/<client id>/globus-cli-rs/tokens.json` (mode 0600, the layout Python
//! globus-sdk apps use). Nothing it prints is ever a secret.

mod output;
mod session;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::session::Session;

/// A small Globus Auth command-line client.
#[derive(Debug, Parser)]
#[command(name = "globus", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Log in to Globus and keep the tokens.
    Login {
        /// Log in again even if the stored tokens are still good.
        #[arg(long)]
        force: bool,
    },
    /// Show who is logged in.
    Whoami {
        /// Print the raw userinfo JSON.
        #[arg(long)]
        json: bool,
    },
    /// Look identities up by id or username.
    Identities {
        /// Identity ids and/or usernames.
        #[arg(required = true)]
        keys: Vec<String>,
        /// Print the records as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Scope strings.
    Scopes {
        #[command(subcommand)]
        command: ScopesCommand,
    },
    /// Tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Revoke the stored tokens and forget them.
    Logout,
}

#[derive(Debug, Subcommand)]
enum ScopesCommand {
    /// Parse a scope string and print it normalised (exit status 2 if it is invalid).
    Parse {
        /// The scope string, e.g. `openid urn:...:transfer.api.globus.org:all[*https://...]`.
        scopes: String,
        /// Print the dependency graph in Graphviz DOT instead.
        #[arg(long)]
        dot: bool,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Ask Globus Auth about a token (needs a confidential client: GLOBUS_CLIENT_SECRET).
    Introspect {
        /// The token to introspect (read from standard input when absent, so it stays out of
        /// the shell history and the process list).
        token: Option<String>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command).await {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            let mut source = std::error::Error::source(err.as_ref());
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

async fn run(command: Command) -> Result<ExitCode, BoxError> {
    match command {
        Command::Scopes {
            command: ScopesCommand::Parse { scopes, dot },
        } => Ok(output::parse_scopes(&scopes, dot)),
        Command::Login { force } => {
            let session = Session::open()?;
            let who = session.login(force).await?;
            println!("You have logged in to Globus as {who}.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Whoami { json } => {
            let session = Session::open()?;
            let me = session.auth_client().await?.userinfo().await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        me.raw_json().unwrap_or(&serde_json::Value::Null)
                    )?
                );
            } else {
                println!("{}", me.preferred_username.as_deref().unwrap_or(&me.sub));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Identities { keys, json } => {
            let session = Session::open()?;
            let map = globus_sdk::identity::IdentityMap::new(session.auth_client().await?);
            let found = map.get_many(keys.iter().cloned()).await?;
            output::identities(&keys, &found, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Token {
            command: TokenCommand::Introspect { token },
        } => {
            let session = Session::open()?;
            let token = match token {
                Some(token) => token,
                None => output::read_secret_line("Token to introspect: ")?,
            };
            let info = session.introspect(&token).await?;
            println!(
                "{}",
                serde_json::to_string_pretty(info.raw_json().unwrap_or(&serde_json::Value::Null))?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Logout => {
            let session = Session::open()?;
            let revoked = session.logout().await?;
            println!("Logged out: {revoked} token(s) revoked and removed.");
            Ok(ExitCode::SUCCESS)
        }
    }
}
