//! Identity lookups with IdentityMap: ids and usernames in, identity records out, in as
//! few requests as possible.
//!
//! ```sh
//! cargo run --example identity_lookup -- ada@globusid.org 46bd0f56-e24f-11e5-a510-131bef46955c
//! ```
//!
//! Without arguments it looks a few example identities up. Against real Globus
//! (`GLOBUS_CLIENT_ID` set) you log in first.

use globus_examples::{BoxError, Target};
use globus_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let mut keys: Vec<String> = std::env::args().skip(1).collect();
    if keys.is_empty() {
        keys = [
            "ada@globusid.org",
            "alan@globusid.org",
            "46bd0f56-e24f-11e5-a510-131bef46955c",
        ]
        .map(String::from)
        .to_vec();
    }
    let target = Target::from_env().await?;
    let tokens = target
        .login([
            "openid",
            "urn:globus:auth:scope:auth.globus.org:view_identities",
        ])
        .await?;
    let token = tokens.by_scopes("urn:globus:auth:scope:auth.globus.org:view_identities")?;
    let auth = target.auth_client(AccessTokenAuthorizer::new(token.access_token.clone()))?;

    // Usernames and ids go in separate requests (Auth does not mix them), up to 100 keys
    // per request, several requests in flight.
    let identities = IdentityMap::new(auth);
    let found = identities.get_many(keys.iter().cloned()).await?;
    for key in &keys {
        match found.get(key).and_then(Option::as_ref) {
            Some(identity) => println!(
                "{key}: {} {} status={:?} name={:?} organization={:?}",
                identity.id,
                identity.username,
                identity.status,
                identity.name,
                identity.organization
            ),
            None => println!("{key}: not found"),
        }
    }
    // Every record is cached under both its id and its username: no new request here.
    if let Some(Some(first)) = found.values().next() {
        let again = identities.get(&first.id).await?;
        println!("cached lookup of {}: {}", first.id, again.is_some());
    }
    Ok(())
}
