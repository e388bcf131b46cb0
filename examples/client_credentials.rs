//! Client credentials: a confidential client (a service, a portal's back end) gets tokens
//! for itself, no user involved.
//!
//! ```sh
//! cargo run --example client_credentials       # offline, against the embedded fake
//! GLOBUS_CLIENT_ID=... GLOBUS_CLIENT_SECRET=... cargo run --example client_credentials
//! ```

use globus_examples::{BoxError, Target, expires_in};
use globus_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_env().await?;
    let client = target.confidential_client()?;

    // One call: tokens for the client's own identity.
    let tokens = client
        .oauth2_client_credentials_tokens("openid email")
        .await?;
    for token in tokens.by_resource_server() {
        println!(
            "{}: scopes \"{}\", access token {}, expires {}",
            token.resource_server,
            token.scope,
            token.access_token,
            expires_in(token.expires_at_seconds)
        );
    }

    // Or let an authorizer fetch tokens when first needed and renew them before they
    // expire — one request however many tasks share it.
    let authorizer = ClientCredentialsAuthorizer::new(client.clone(), "openid email")?;
    let auth = target.auth_client(authorizer)?;
    let me = auth.userinfo().await?;
    println!(
        "the client's own identity: {} ({:?})",
        me.sub, me.preferred_username
    );
    Ok(())
}
