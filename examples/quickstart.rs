//! Quickstart: log in, verify who logged in, look identities up, refresh, revoke.
//!
//! ```sh
//! cargo run --example quickstart                          # offline, against the embedded fake
//! GLOBUS_CLIENT_ID=<your native app id> cargo run --example quickstart   # real Globus
//! ```
//!
//! Register a native app ("thick client") at <https://app.globus.org/settings/developers>
//! to get a client id for real runs; you will paste the code Globus shows after login.

use std::collections::BTreeSet;

use globus_examples::{BoxError, Target, expires_in};
use globus_sdk::core::secret::AccessToken;
use globus_sdk::prelude::*;

/// The scopes this app asks for: who the user is, and permission to look identities up.
const SCOPES: [&str; 4] = [
    "openid",
    "profile",
    "email",
    "urn:globus:auth:scope:auth.globus.org:view_identities",
];

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    println!("Globus SDK for Rust {} — quickstart\n", globus_sdk::VERSION);
    let target = Target::from_env().await?;
    let login = target.native_client()?;

    // 1. A native app logs users in with the authorization-code flow and PKCE: the flow
    //    object keeps the secret verifier and a random `state`, and is consumed by the
    //    code exchange, so a code can be exchanged only once.
    println!("\n1. Log in (native app, authorization code + PKCE)");
    let flow = login.oauth2_start_flow(SCOPES)?.with_refresh_tokens(true);
    let url = flow.authorize_url();
    println!("   authorize URL: {}", without_query(&url));
    if target.fake().is_some() {
        println!("   (the fake logs its test user in and redirects back, as a browser would)");
    }
    let (code, state) = target.authorize(&url).await?;
    let tokens = match state {
        // The redirect carried our state back: it is checked in constant time first.
        Some(state) => flow.exchange_code(code, &state).await?,
        // Globus's show-the-code page returns no state; PKCE still binds the code to us.
        None => flow.exchange_code_without_state_check(code).await?,
    };
    println!(
        "   got tokens for {} resource server(s):",
        tokens.by_resource_server().len()
    );
    for token in tokens.by_resource_server() {
        println!("   - {}", token.resource_server);
        println!("       scopes:        {}", token.scope);
        println!(
            "       access token:  {} (secrets print redacted)",
            token.access_token
        );
        println!(
            "       refresh token: {}",
            token
                .refresh_token
                .as_ref()
                .map_or("none".to_owned(), |t| t.to_string())
        );
        println!(
            "       expires:       {}",
            expires_in(token.expires_at_seconds)
        );
    }

    // 2. The ID token says who logged in. The decoder checks its signature against the
    //    key set Globus publishes, the algorithm, issuer, audience and validity times.
    println!("\n2. Verify the ID token");
    let decoder = IdTokenDecoder::new(login.clone())?;
    let claims = tokens.decode_id_token(&decoder).await?;
    let username = claims.preferred_username.clone().unwrap_or_default();
    println!("   signature, issuer, audience and times verified");
    println!("   logged in as {username} (identity {})", claims.sub);
    println!(
        "   issued by {} for client {}",
        claims.iss,
        login.client_id()
    );

    // 3. IdentityMap turns ids and usernames into identity records, in batches of up to
    //    100 per request, caching every record under both its id and its username.
    println!("\n3. Resolve identities with IdentityMap");
    let auth_tokens = tokens
        .by_resource_server()
        .get(AUTH_RESOURCE_SERVER)
        .ok_or("no token for auth.globus.org")?;
    let auth = target.auth_client(AccessTokenAuthorizer::new(auth_tokens.access_token.clone()))?;
    let identities = IdentityMap::new(auth.clone());
    let keys: BTreeSet<String> = [
        username.clone(),
        claims.sub.clone(),
        "ada.lovelace@globusid.org".to_owned(),
        "46bd0f56-e24f-11e5-a510-131bef46955c".to_owned(),
    ]
    .into_iter()
    .filter(|k| !k.is_empty())
    .collect();
    let found = identities.get_many(keys.iter().cloned()).await?;
    for key in &keys {
        match found.get(key).and_then(Option::as_ref) {
            Some(identity) => println!(
                "   {key:<40} -> {} {} ({})",
                identity.id,
                identity.username,
                identity.name.as_deref().unwrap_or("no name shared")
            ),
            None => println!("   {key:<40} -> not found"),
        }
    }

    // 4. Access tokens expire (48 h on Globus); the refresh token gets new ones without a
    //    new login. Apps usually let a RefreshTokenAuthorizer do this when needed.
    println!("\n4. Refresh the access token");
    let refresh_token = auth_tokens
        .refresh_token
        .clone()
        .ok_or("no refresh token (were refresh tokens requested?)")?;
    let refreshed = login
        .oauth2_refresh_token(&refresh_token, Vec::new())
        .await?;
    let new_auth = refreshed
        .by_resource_server()
        .get(AUTH_RESOURCE_SERVER)
        .ok_or("the refresh returned no auth.globus.org token")?;
    let changed = new_auth.access_token.expose_secret() != auth_tokens.access_token.expose_secret();
    println!(
        "   new access token: {} (differs from the old one: {changed}), expires {}",
        new_auth.access_token,
        expires_in(new_auth.expires_at_seconds)
    );
    let me = target
        .auth_client(AccessTokenAuthorizer::new(new_auth.access_token.clone()))?
        .userinfo()
        .await?;
    println!(
        "   userinfo with the new token: {}",
        me.preferred_username.as_deref().unwrap_or(&me.sub)
    );

    // 5. Token introspection is only for confidential clients (resource servers checking
    //    tokens sent to them), so a native app does not introspect. It revokes on logout.
    println!("\n5. Revoke (log out)");
    let current_refresh = new_auth.refresh_token.clone().unwrap_or(refresh_token);
    login
        .oauth2_revoke_token(current_refresh.expose_secret(), Vec::new())
        .await?;
    for token in [&auth_tokens.access_token, &new_auth.access_token] {
        login
            .oauth2_revoke_token(token.expose_secret(), Vec::new())
            .await?;
    }
    println!("   revoked the refresh token and both access tokens");
    let revoked = target.auth_client(AccessTokenAuthorizer::new(AccessToken::new(
        new_auth.access_token.expose_secret(),
    )))?;
    match revoked.userinfo().await {
        Err(err) => println!(
            "   the revoked token is refused: HTTP {} {}",
            err.http_status().map_or(0, |s| s.as_u16()),
            err.code().unwrap_or("")
        ),
        Ok(_) => return Err("a revoked token was still accepted".into()),
    }

    println!("\nDone.");
    Ok(())
}

/// The URL without its query (the query is long and carries nothing to read here).
fn without_query(url: &url::Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    format!("{url}?client_id=…&scope=…&code_challenge=…&state=…")
}
