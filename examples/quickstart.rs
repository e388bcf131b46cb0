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
use globus_sdk::app::GlobusAuthorizer;
use globus_sdk::core::secret::AccessToken;
use globus_sdk::prelude::*;

/// What this app needs: who the user is, and permission to look identities up.
const AUTH_SCOPES: &str =
    "openid profile email urn:globus:auth:scope:auth.globus.org:view_identities";

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    println!("Globus SDK for Rust {} — quickstart\n", globus_sdk::VERSION);
    let target = Target::from_env().await?;

    // 1. A UserApp ties a native login client, scope requirements, token storage and
    //    authorizers together (Python's `UserApp`). Its login runs the authorization-code
    //    flow with PKCE and a random `state`, verifies the ID token, and stores the tokens.
    println!("\n1. Log in with a UserApp (native app, authorization code + PKCE)");
    let app = target.user_app(
        "globus-rs quickstart",
        [(AUTH_RESOURCE_SERVER, AUTH_SCOPES)],
    )?;
    if target.fake().is_some() {
        println!("   (the fake logs its test user in and redirects back, as a browser would)");
    }
    app.login(false).await?;
    let stored = app
        .token_storage()
        .inner()
        .get_token_data_by_resource_server()?;
    println!("   stored tokens for {} resource server(s):", stored.len());
    for token in stored.values() {
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
            expires_in(Some(token.expires_at_seconds))
        );
    }

    // 2. The ID token says who logged in. The app's decoder checked its signature against
    //    the key set Globus publishes, the algorithm, issuer, audience and validity times,
    //    and the app pins that identity: tokens of another user are never mixed in.
    println!("\n2. Who logged in");
    let claims = app
        .token_storage()
        .id_token_claims()
        .ok_or("the login returned no ID token")?;
    let identity_id = claims.sub.clone();
    let username = claims.preferred_username.clone().unwrap_or_default();
    println!("   ID token signature, issuer, audience and times verified at login");
    println!("   logged in as {username} (identity {identity_id})");
    println!("   issued by {} for client {}", claims.iss, app.client_id());
    let auth = app.auth_client()?;

    // 3. IdentityMap turns ids and usernames into identity records, in batches of up to
    //    100 per request, caching every record under both its id and its username.
    println!("\n3. Resolve identities with IdentityMap");
    let identities = IdentityMap::new(auth.clone());
    let keys: BTreeSet<String> = [
        username.clone(),
        identity_id.clone(),
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

    // 4. Access tokens expire (48 h on Globus). The app's authorizer renews them with the
    //    refresh token and stores the new ones, once, however many requests meet the old
    //    one. `expire()` plays a 401 (or the passing of two days).
    println!("\n4. Refresh the access token");
    let GlobusAuthorizer::RefreshToken(authorizer) =
        app.get_authorizer(AUTH_RESOURCE_SERVER).await?
    else {
        return Err("expected a refresh-token authorizer (refresh tokens were requested)".into());
    };
    let old = authorizer.access_token().await?;
    authorizer.expire();
    let new = authorizer.access_token().await?;
    let changed = new.expose_secret() != old.expose_secret();
    let stored = app
        .token_storage()
        .get_token_data(AUTH_RESOURCE_SERVER)
        .await?;
    println!(
        "   new access token: {new} (differs from the old one: {changed}), expires {}",
        expires_in(Some(stored.expires_at_seconds))
    );
    println!(
        "   the app stored it: {}",
        stored.access_token.expose_secret() == new.expose_secret()
    );
    let me = auth.userinfo().await?;
    println!(
        "   userinfo with the new token: {}",
        me.preferred_username.as_deref().unwrap_or(&me.sub)
    );

    // 5. Logging out revokes every stored token, then removes it. (Token introspection is
    //    only for confidential clients: resource servers checking tokens sent to them.)
    println!("\n5. Log out (revoke)");
    app.logout(true).await?;
    println!("   revoked the stored refresh and access tokens, and removed them");
    let revoked = target.auth_client(AccessTokenAuthorizer::new(AccessToken::new(
        new.expose_secret(),
    )))?;
    match revoked.userinfo().await {
        Err(err) => println!(
            "   the revoked token is refused: HTTP {} {}",
            err.http_status().map_or(0, |s| s.as_u16()),
            err.code().unwrap_or("")
        ),
        Ok(_) => return Err("a revoked token was still accepted".into()),
    }
    let old_refused = target
        .auth_client(AccessTokenAuthorizer::new(old))?
        .userinfo()
        .await
        .is_err();
    println!("   the first access token is refused too: {old_refused}");
    println!("   login required now: {}", app.login_required().await?);

    println!("\nDone.");
    Ok(())
}
