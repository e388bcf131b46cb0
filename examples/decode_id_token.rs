//! Verify and decode an ID token: signature (against Globus's published keys), algorithm,
//! issuer, audience, and times — then see a tampered token refused.
//!
//! ```sh
//! cargo run --example decode_id_token
//! ```

use globus_examples::{BoxError, Target};
use globus_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_env().await?;
    let tokens = target.login("openid profile email").await?;
    let id_token = tokens
        .id_token()
        .ok_or("no ID token: was openid requested?")?;

    // One decoder per login client: it fetches the OpenID configuration and the key set
    // once, and re-fetches the keys (at most once a minute) only if Globus rotates them.
    let decoder = IdTokenDecoder::new(target.native_client()?)?;
    let claims = decoder.decode(id_token.expose_secret()).await?;
    println!(
        "verified ID token for {} ({:?})",
        claims.sub, claims.preferred_username
    );
    println!("  issuer   {}", claims.iss);
    println!("  audience {:?}", claims.aud);
    println!("  issued   {} / expires {}", claims.iat, claims.exp);
    println!("  name     {:?}, email {:?}", claims.name, claims.email);
    println!(
        "  identity provider {:?}",
        claims.identity_provider_display_name
    );
    println!(
        "  linked identities: {}",
        claims.identity_set.as_ref().map_or(0, Vec::len)
    );

    // Change one character of the signature: the decoder refuses it.
    let mut forged = id_token.expose_secret().to_owned();
    let last = forged
        .pop()
        .map_or('A', |c| if c == 'A' { 'B' } else { 'A' });
    forged.push(last);
    match decoder.decode(&forged).await {
        Err(err) => println!("a tampered token is refused: {err}"),
        Ok(_) => return Err("a tampered token was accepted".into()),
    }
    Ok(())
}
