//! Dependent tokens: a resource server that received a user's token exchanges it for
//! tokens to call other services on the user's behalf.
//!
//! ```sh
//! cargo run --example dependent_tokens       # offline, against the embedded fake
//! GLOBUS_CLIENT_ID=... GLOBUS_CLIENT_SECRET=... GLOBUS_INCOMING_TOKEN=... \
//!     cargo run --example dependent_tokens
//! ```
//!
//! For a real run the client must be a resource server with dependent scopes, and
//! `GLOBUS_INCOMING_TOKEN` a token issued for one of its scopes.

use globus_examples::{BoxError, Target, expires_in};
use globus_sdk::auth::login::DependentTokenOptions;
use globus_sdk::core::secret::AccessToken;

const GROUPS: &str = "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships";

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_env().await?;
    let service = target.confidential_client()?;

    // The token a user's request brought to this service.
    let incoming = match target.fake() {
        Some(fake) => {
            let issued = fake.issue_tokens_for("openid profile")?;
            AccessToken::new(issued.access_token("auth.globus.org").unwrap_or_default())
        }
        None => AccessToken::new(
            std::env::var("GLOBUS_INCOMING_TOKEN")
                .map_err(|_| "set GLOBUS_INCOMING_TOKEN to a token sent to this service")?,
        ),
    };
    println!("exchanging the incoming token {incoming} for a Groups token");

    let tokens = service
        .oauth2_get_dependent_tokens(
            incoming.expose_secret(),
            DependentTokenOptions::new()
                .scope(GROUPS)
                .refresh_tokens(true),
        )
        .await?;
    for token in tokens.by_resource_server() {
        println!(
            "{}: access token {}, refresh token {}, expires {}",
            token.resource_server,
            token.access_token,
            if token.refresh_token.is_some() {
                "yes"
            } else {
                "no"
            },
            expires_in(token.expires_at_seconds)
        );
    }
    let groups = tokens.by_scopes(GROUPS)?;
    println!(
        "use {} as the bearer token for Globus Groups",
        groups.access_token
    );
    Ok(())
}
