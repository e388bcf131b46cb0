//! Bad input never panics the fake: every route answers junk with a 4xx and keeps serving.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use globus_testing::FakeGlobusAuth;
use globus_testing::http_client::TestRequest;
use http::Method;

#[tokio::test]
async fn junk_requests_get_client_errors() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let id = "46bd0f56-e24f-11e5-a510-131bef46955c";
    let routes = [
        (
            Method::GET,
            "/v2/oauth2/authorize?client_id=%FF&redirect_uri=::&scope=[[".to_owned(),
        ),
        (
            Method::GET,
            format!(
                "/v2/oauth2/authorize?client_id={}&redirect_uri=http://127.0.0.1/&response_type=code&scope=a[b&code_challenge=x&code_challenge_method=S256",
                fake.native_client_id()
            ),
        ),
        (Method::POST, "/v2/oauth2/token".to_owned()),
        (Method::POST, "/v2/oauth2/token/revoke".to_owned()),
        (Method::POST, "/v2/oauth2/token/introspect".to_owned()),
        (Method::GET, "/v2/oauth2/userinfo".to_owned()),
        (
            Method::GET,
            "/v2/api/identities?ids=,,,&usernames=".to_owned(),
        ),
        (Method::GET, "/v2/api/identity_providers?ids=%00".to_owned()),
        (Method::POST, "/v2/api/projects".to_owned()),
        (Method::PUT, format!("/v2/api/projects/{id}")),
        (Method::POST, "/v2/api/policies".to_owned()),
        (Method::POST, "/v2/api/clients".to_owned()),
        (Method::PUT, format!("/v2/api/clients/{id}")),
        (Method::POST, format!("/v2/api/clients/{id}/credentials")),
        (
            Method::DELETE,
            format!("/v2/api/clients/{id}/credentials/x"),
        ),
        (Method::POST, format!("/v2/api/clients/{id}/scopes")),
        (Method::GET, "/v2/api/scopes?ids=%E0%A4%A".to_owned()),
        (Method::PUT, "/v2/api/scopes/%FF".to_owned()),
        (
            Method::GET,
            "/v2/api/identities/%FF/consents?all=maybe".to_owned(),
        ),
    ];
    let bodies: [&[u8]; 4] = [
        b"",
        b"\xff\xfe\x00",
        b"{\"project\": 5}",
        b"grant_type=authorization_code&code=&code_verifier=\xff",
    ];
    let auths = ["", "Basic !!!", "Basic Og==", "Bearer", "Bearer a b"];
    for (method, path) in &routes {
        for body in bodies {
            for auth in auths {
                let url = fake.base_url().join(path.trim_start_matches('/')).unwrap();
                let mut req = TestRequest::new(method.clone(), url).body(body.to_vec());
                if !auth.is_empty() {
                    req = req.header("authorization", auth);
                }
                req = req.header("content-type", "application/x-www-form-urlencoded");
                let resp = req.send().await.unwrap();
                let error_redirect = resp.status == 302
                    && resp
                        .header("location")
                        .is_some_and(|l| l.contains("error="));
                assert!(
                    (400..500).contains(&resp.status) || error_redirect,
                    "{method} {path} with {auth:?} gave {}: {}",
                    resp.status,
                    resp.text()
                );
            }
        }
    }
    // Still serving.
    let resp = TestRequest::get(fake.url("/jwk.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
}
