//! Identities: a login as someone else is rejected and changes nothing; a login without an
//! ID token is rejected while openid is required; a logout lets another user log in.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod app_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use app_support::{AUTH, CountingStorage, Env, TRANSFER, TRANSFER_ALL};
use globus_app::Error;
use globus_app::app::testing::BrowserLoginFlowManager;
use globus_app::app::{LoginFlowManagerConfig, UserApp};
use globus_app::login_flow::{LoginFlowManager, LoginFlowParams};
use globus_app::storage::{TokenStorage, TokenStorageData};
use globus_auth::OAuthTokenResponse;
use globus_core::Response;
use globus_core::authorizer::BoxFuture;
use globus_core::clock::{Clock, ManualClock};
use globus_core::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use globus_testing::{FakeGlobusAuth, IssueOptions};

const OTHER_USER: &str = "b0b0b0b0-0000-4000-8000-000000000001";

/// Logs in through the fake's authorize page, or — once switched — hands back tokens the
/// fake issued for another identity (or, with `scopes`, for those scopes only).
#[derive(Debug)]
struct Impostor {
    browser: BrowserLoginFlowManager,
    fake: FakeGlobusAuth,
    switched: AtomicBool,
    only_scopes: Option<&'static str>,
    runs: AtomicUsize,
    clock: Arc<ManualClock>,
}

impl Impostor {
    fn new(env: &Env, only_scopes: Option<&'static str>) -> Arc<Self> {
        let fake = env.fake.clone();
        let browser = BrowserLoginFlowManager::new(env.native(), move |url| {
            let fake = fake.clone();
            async move { Ok::<_, globus_testing::Error>(fake.authorize(&url).await?.redirect) }
        });
        Arc::new(Self {
            browser,
            fake: env.fake.clone(),
            switched: AtomicBool::new(false),
            only_scopes,
            runs: AtomicUsize::new(0),
            clock: env.clock.clone(),
        })
    }

    fn issued(&self, scopes: &str) -> OAuthTokenResponse {
        let issued = self
            .fake
            .issue_tokens(IssueOptions::new(scopes).identity_id(OTHER_USER))
            .unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let response = Response::from_parts(
            Method::POST,
            self.fake.url("/v2/oauth2/token").as_str(),
            StatusCode::OK,
            headers,
            serde_json::to_vec(issued.json()).unwrap(),
        );
        OAuthTokenResponse::from_response(response, self.clock.now_unix()).unwrap()
    }
}

impl LoginFlowManager for Impostor {
    fn run_login_flow<'a>(
        &'a self,
        params: &'a LoginFlowParams,
    ) -> BoxFuture<'a, globus_app::Result<OAuthTokenResponse>> {
        self.runs.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            if !self.switched.load(Ordering::SeqCst) {
                return self.browser.run_login_flow(params).await;
            }
            let requested = params.required_scopes.join(" ");
            Ok(self.issued(self.only_scopes.unwrap_or(&requested)))
        })
    }
}

fn app_with(env: &Env, flow: Arc<Impostor>, storage: Arc<CountingStorage>) -> UserApp {
    UserApp::builder("identity")
        .login_client(env.native())
        .scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .config(
            env.user_config(storage)
                .with_login_flow_manager(LoginFlowManagerConfig::Manager(flow)),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_login_as_someone_else_is_rejected_and_changes_nothing() {
    let env =
        Env::with(FakeGlobusAuth::builder().access_token_lifetime(Duration::from_secs(600))).await;
    let storage = CountingStorage::new();
    let flow = Impostor::new(&env, None);
    let app = app_with(&env, flow.clone(), storage.clone());
    app.login(false).await.unwrap();
    let user = env.fake.user().id.clone();
    let before = storage.get(TRANSFER).unwrap();
    let writes = storage.writes();

    flow.switched.store(true, Ordering::SeqCst);
    let err = app.login(true).await.unwrap_err();
    match &err {
        Error::IdentityMismatch { stored, new } => {
            assert_eq!(stored, &user);
            assert_eq!(new, OTHER_USER);
        }
        other => panic!("expected IdentityMismatch, got {other}"),
    }
    assert!(!err.is_login_required());
    assert_eq!(storage.writes(), writes, "nothing written");
    let after = storage.get(TRANSFER).unwrap();
    assert_eq!(
        after.access_token.expose_secret(),
        before.access_token.expose_secret()
    );
    assert_eq!(app.token_storage().identity_id(), Some(user.clone()));

    // The default handler's login meets the same mismatch and returns it: no loop.
    env.advance(601);
    let runs = flow.runs.load(Ordering::SeqCst);
    let err = app.get_authorizer(TRANSFER).await.unwrap_err();
    assert!(matches!(err, Error::IdentityMismatch { .. }), "{err}");
    assert_eq!(flow.runs.load(Ordering::SeqCst), runs + 1);

    // After a logout, the other user may log in.
    app.logout(true).await.unwrap();
    app.login(false).await.unwrap();
    assert_eq!(
        app.token_storage().identity_id().as_deref(),
        Some(OTHER_USER)
    );
    assert_eq!(
        storage.get(TRANSFER).unwrap().identity_id.as_deref(),
        Some(OTHER_USER)
    );
}

#[tokio::test]
async fn a_login_without_an_id_token_is_rejected_while_openid_is_required() {
    let env = Env::start().await;
    let storage = CountingStorage::new();
    let flow = Impostor::new(&env, Some(TRANSFER_ALL));
    flow.switched.store(true, Ordering::SeqCst);
    let app = app_with(&env, flow.clone(), storage.clone());
    let err = app.login(false).await.unwrap_err();
    assert!(matches!(err, Error::MissingIdentity), "{err}");
    assert_eq!(storage.writes(), 0);

    // With openid turned off, the same tokens are accepted (no identity is recorded).
    let app = UserApp::builder("identity")
        .login_client(env.native())
        .scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .config(
            env.user_config(storage.clone())
                .with_require_openid(false)
                .with_login_flow_manager(LoginFlowManagerConfig::Manager(flow)),
        )
        .build()
        .unwrap();
    app.login(false).await.unwrap();
    let data = storage.get(TRANSFER).unwrap();
    assert!(data.identity_id.is_none());
    assert!(storage.get(AUTH).is_none());
    assert!(!app.login_required().await.unwrap());
}

#[tokio::test]
async fn stored_tokens_of_two_identities_are_reported() {
    let env = Env::start().await;
    let storage = CountingStorage::new();
    let far = env.now() + 3600;
    for (rs, id) in [(AUTH, "id-1"), (TRANSFER, "id-2")] {
        storage
            .store_token_data(TokenStorageData::new(rs, "openid", "AT", far).with_identity_id(id))
            .unwrap();
    }
    let app = UserApp::builder("identity")
        .login_client(env.native())
        .config(env.user_config(storage.clone()))
        .build()
        .unwrap();
    let err = app.get_authorizer(AUTH).await.unwrap_err();
    assert!(matches!(err, Error::IdentityMismatch { .. }), "{err}");
    assert_eq!(env.authorize_hits(), 0, "never resolved by a login");
}

/// Hands back one fixed token response (no ID token, no `expires_in`).
#[derive(Debug)]
struct Fixed {
    url: String,
}

impl LoginFlowManager for Fixed {
    fn run_login_flow<'a>(
        &'a self,
        _params: &'a LoginFlowParams,
    ) -> BoxFuture<'a, globus_app::Result<OAuthTokenResponse>> {
        Box::pin(async move {
            let body = serde_json::json!({
                "access_token": "AT-without-expiry",
                "scope": TRANSFER_ALL,
                "resource_server": TRANSFER,
                "token_type": "Bearer",
            });
            let response = Response::from_parts(
                Method::POST,
                self.url.as_str(),
                StatusCode::OK,
                HeaderMap::new(),
                serde_json::to_vec(&body).unwrap(),
            );
            Ok(OAuthTokenResponse::from_response(response, 0).unwrap())
        })
    }
}

#[tokio::test]
async fn a_token_of_unknown_expiry_is_used_until_rejected() {
    let env = Env::start().await;
    let storage = CountingStorage::new();
    let app = UserApp::builder("no expiry")
        .login_client(env.native())
        .scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .config(
            env.user_config(storage.clone())
                .with_require_openid(false)
                .with_login_flow_manager(LoginFlowManagerConfig::manager(Fixed {
                    url: env.fake.url("/v2/oauth2/token").to_string(),
                })),
        )
        .build()
        .unwrap();
    app.login(false).await.unwrap();
    assert_eq!(
        storage.get(TRANSFER).unwrap().expires_at_seconds,
        globus_app::app::UNKNOWN_EXPIRY
    );
    env.advance(10 * 365 * 24 * 3600);
    assert!(!app.login_required().await.unwrap());
    let token = app
        .get_authorizer(TRANSFER)
        .await
        .unwrap()
        .access_token()
        .await
        .unwrap();
    assert_eq!(token.expose_secret(), "AT-without-expiry");
}
