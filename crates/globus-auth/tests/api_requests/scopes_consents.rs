//! Scopes and consents.

use globus_scopes::DependentScopeSpec;
use serde_json::json;

use super::api_support::Expect;
use super::{case, run, scope};

#[tokio::test]
async fn scopes_and_consents() {
    run(vec![
        case(
            "get_scope",
            Expect::get("/v2/api/scopes/s1").respond(json!({"scope": scope("s1")})),
            call!(|c| {
                let s = c.get_scope("s1").await?;
                assert_eq!(s.dependent_scopes, [DependentScopeSpec::new("s2", false, true)]);
            }),
        ),
        case(
            "get_scopes, no filter",
            Expect::get("/v2/api/scopes").respond(json!({"scopes": [scope("s1"), scope("s2")]})),
            call!(|c| {
                assert_eq!(c.get_scopes().send().await?.len(), 2);
            }),
        ),
        case(
            "get_scopes by ids",
            Expect::get("/v2/api/scopes")
                .query(&[("ids", "s1,s2")])
                .respond(json!({"scopes": []})),
            call!(|c| {
                c.get_scopes().ids(["s1", "s2"]).send().await?;
            }),
        ),
        case(
            "get_scopes by scope strings, extra query parameter",
            Expect::get("/v2/api/scopes")
                .query(&[("scope_strings", "openid,email"), ("x", "1")])
                .respond(json!({"scopes": []})),
            call!(|c| {
                c.get_scopes().scope_strings(["openid", "email"]).query_param("x", "1").send().await?;
            }),
        ),
        case(
            "create_scope, required arguments only",
            Expect::post("/v2/api/clients/c1/scopes")
                .body(json!({"scope": {"name": "N", "description": "D", "scope_suffix": "manage"}}))
                .respond(json!({"scope": scope("s1")})),
            call!(|c| {
                assert_eq!(c.create_scope("c1", "N", "D", "manage").send().await?.id, "s1");
            }),
        ),
        case(
            "create_scope, everything set",
            Expect::post("/v2/api/clients/c1/scopes")
                .body(json!({"scope": {"name": "N", "description": "D", "scope_suffix": "manage",
                    "advertised": true, "allows_refresh_token": false,
                    "required_domains": ["globus.org"],
                    "dependent_scopes": [
                        {"scope": "s2", "optional": true, "requires_refresh_token": true},
                        {"scope": "s3", "optional": false, "requires_refresh_token": false}]}}))
                .respond(json!({"scope": scope("s1")})),
            call!(|c| {
                c.create_scope("c1", "N", "D", "manage")
                    .advertised(true)
                    .allows_refresh_token(false)
                    .required_domains(["globus.org"])
                    .dependent_scopes([
                        DependentScopeSpec::new("s2", true, true),
                        DependentScopeSpec::new("s3", false, false),
                    ])
                    .send()
                    .await?;
            }),
        ),
        case(
            "update_scope, nothing set",
            Expect::put("/v2/api/scopes/s1")
                .body(json!({"scope": {}}))
                .respond(json!({"scope": scope("s1")})),
            call!(|c| {
                c.update_scope("s1").send().await?;
            }),
        ),
        case(
            "update_scope, everything set (empty lists are sent)",
            Expect::put("/v2/api/scopes/s1")
                .body(json!({"scope": {"name": "N", "description": "D", "scope_suffix": "x",
                    "advertised": false, "allows_refresh_token": true,
                    "required_domains": [], "dependent_scopes": []}}))
                .respond(json!({"scope": scope("s1")})),
            call!(|c| {
                c.update_scope("s1")
                    .name("N")
                    .description("D")
                    .scope_suffix("x")
                    .advertised(false)
                    .allows_refresh_token(true)
                    .required_domains(Vec::<String>::new())
                    .dependent_scopes([])
                    .send()
                    .await?;
            }),
        ),
        case(
            "delete_scope",
            Expect::delete("/v2/api/scopes/s1").respond(json!({"scope": scope("s1")})),
            call!(|c| {
                c.delete_scope("s1").await?;
            }),
        ),
        case(
            "get_consents: all=False by default",
            Expect::get("/v2/api/identities/u1/consents")
                .query(&[("all", "False")])
                .respond(json!({"consents": [
                    {"id": 1, "client": "c", "scope": "s", "scope_name": "openid",
                     "effective_identity": "u1", "dependency_path": [1], "created": "t",
                     "updated": "t", "last_used": null, "status": "approved",
                     "allows_refresh": true, "auto_approved": false, "atomically_revocable": false}]})),
            call!(|c| {
                let consents = c.get_consents("u1").send().await?;
                assert_eq!(consents.len(), 1);
                assert!(consents.to_forest().unwrap().meets_scope_requirements("openid").unwrap());
            }),
        ),
        case(
            "get_consents: all=True",
            Expect::get("/v2/api/identities/u1/consents")
                .query(&[("all", "True")])
                .respond(json!({"consents": []})),
            call!(|c| {
                c.get_consents("u1").all(true).send().await?;
            }),
        ),
    ])
    .await;
}
