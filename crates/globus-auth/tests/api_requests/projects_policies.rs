//! Projects and policies.

use serde_json::json;

use super::api_support::Expect;
use super::{case, policy, project, run};

#[tokio::test]
async fn projects() {
    run(vec![
        case(
            "get_project",
            Expect::get("/v2/api/projects/p1").respond(json!({"project": project("p1")})),
            call!(|c| {
                let p = c.get_project("p1").await?;
                assert_eq!(p.id, "p1");
                assert_eq!(
                    p.admins.as_ref().unwrap().identities[0].username,
                    "a@example.org"
                );
                assert_eq!(p.raw_json().unwrap()["project"]["id"], "p1");
            }),
        ),
        case(
            "get_project: the id is one path segment",
            Expect::get("/v2/api/projects/a%2Fb%20c").respond(json!({"project": project("x")})),
            call!(|c| {
                c.get_project("a/b c").await?;
            }),
        ),
        case(
            "get_projects",
            Expect::get("/v2/api/projects")
                .respond(json!({"projects": [project("p1"), project("p2")]})),
            call!(|c| {
                let ps = c.get_projects().await?;
                assert_eq!(
                    ps.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
                    ["p1", "p2"]
                );
            }),
        ),
        case(
            "create_project, required arguments only",
            Expect::post("/v2/api/projects")
                .body(json!({"project": {"display_name": "P", "contact_email": "x@example.org"}}))
                .respond(json!({"project": project("p1")})),
            call!(|c| {
                assert_eq!(
                    c.create_project("P", "x@example.org").send().await?.id,
                    "p1"
                );
            }),
        ),
        case(
            "create_project with admins",
            Expect::post("/v2/api/projects")
                .body(
                    json!({"project": {"display_name": "P", "contact_email": "x@example.org",
                    "admin_ids": ["a1", "a2"], "admin_group_ids": ["g1"]}}),
                )
                .respond(json!({"project": project("p1")})),
            call!(|c| {
                c.create_project("P", "x@example.org")
                    .admin_ids(["a1", "a2"])
                    .admin_group_ids(vec!["g1".to_owned()])
                    .send()
                    .await?;
            }),
        ),
        case(
            "update_project, nothing set: an empty project",
            Expect::put("/v2/api/projects/p1")
                .body(json!({"project": {}}))
                .respond(json!({"project": project("p1")})),
            call!(|c| {
                c.update_project("p1").send().await?;
            }),
        ),
        case(
            "update_project, everything set",
            Expect::put("/v2/api/projects/p1")
                .body(
                    json!({"project": {"display_name": "Q", "contact_email": "y@example.org",
                    "admin_ids": [], "admin_group_ids": ["g1"]}}),
                )
                .respond(json!({"project": project("p1")})),
            call!(|c| {
                c.update_project("p1")
                    .display_name("Q")
                    .contact_email("y@example.org")
                    .admin_ids(Vec::<String>::new())
                    .admin_group_ids(["g1"])
                    .send()
                    .await?;
            }),
        ),
        case(
            "delete_project",
            Expect::delete("/v2/api/projects/p1").respond(json!({"project": project("p1")})),
            call!(|c| {
                assert_eq!(c.delete_project("p1").await?.id, "p1");
            }),
        ),
    ])
    .await;
}

#[tokio::test]
async fn policies() {
    run(vec![
        case(
            "get_policy",
            Expect::get("/v2/api/policies/pol1").respond(json!({"policy": policy("pol1")})),
            call!(|c| {
                let p = c.get_policy("pol1").await?;
                assert_eq!(p.id.as_deref(), Some("pol1"));
                assert_eq!(p.domain_constraints_include.as_deref(), Some(&["example.org".to_owned()][..]));
                assert_eq!(p.domain_constraints_exclude, None);
            }),
        ),
        case(
            "get_policies",
            Expect::get("/v2/api/policies").respond(json!({"policies": [policy("a"), policy("b")]})),
            call!(|c| {
                assert_eq!(c.get_policies().await?.len(), 2);
            }),
        ),
        case(
            "create_policy, required arguments only",
            Expect::post("/v2/api/policies")
                .body(json!({"policy": {"project_id": "p1", "display_name": "D", "description": "d"}}))
                .respond(json!({"policy": policy("pol1")})),
            call!(|c| {
                c.create_policy("p1", "D", "d").send().await?;
            }),
        ),
        case(
            "create_policy, everything set",
            Expect::post("/v2/api/policies")
                .body(json!({"policy": {"project_id": "p1", "display_name": "D", "description": "d",
                    "high_assurance": true, "authentication_assurance_timeout": 35, "required_mfa": false,
                    "domain_constraints_include": ["globus.org", "uchicago.edu"],
                    "domain_constraints_exclude": []}}))
                .respond(json!({"policy": policy("pol1")})),
            call!(|c| {
                c.create_policy("p1", "D", "d")
                    .high_assurance(true)
                    .authentication_assurance_timeout(35)
                    .required_mfa(false)
                    .domain_constraints_include(["globus.org", "uchicago.edu"])
                    .domain_constraints_exclude(Vec::<String>::new())
                    .send()
                    .await?;
            }),
        ),
        case(
            "create_policy, domain constraints explicitly null",
            Expect::post("/v2/api/policies")
                .body(json!({"policy": {"project_id": "p1", "display_name": "D", "description": "d",
                    "domain_constraints_include": null, "domain_constraints_exclude": null}}))
                .respond(json!({"policy": policy("pol1")})),
            call!(|c| {
                c.create_policy("p1", "D", "d")
                    .domain_constraints_include(["overridden.org"])
                    .clear_domain_constraints_include()
                    .clear_domain_constraints_exclude()
                    .send()
                    .await?;
            }),
        ),
        case(
            "update_policy, nothing set",
            Expect::put("/v2/api/policies/pol1")
                .body(json!({"policy": {}}))
                .respond(json!({"policy": {"display_name": "D"}})),
            call!(|c| {
                // An answer without `id` (as in the corpus) still decodes.
                let p = c.update_policy("pol1").send().await?;
                assert_eq!(p.id, None);
            }),
        ),
        case(
            "update_policy, everything set",
            Expect::put("/v2/api/policies/pol1")
                .body(json!({"policy": {"project_id": "p2", "display_name": "E", "description": "e",
                    "authentication_assurance_timeout": 9100, "required_mfa": true,
                    "domain_constraints_include": null, "domain_constraints_exclude": ["x.org"]}}))
                .respond(json!({"policy": policy("pol1")})),
            call!(|c| {
                c.update_policy("pol1")
                    .project_id("p2")
                    .display_name("E")
                    .description("e")
                    .authentication_assurance_timeout(9100)
                    .required_mfa(true)
                    .clear_domain_constraints_include()
                    .domain_constraints_exclude(["x.org"])
                    .send()
                    .await?;
            }),
        ),
        case(
            "delete_policy",
            Expect::delete("/v2/api/policies/pol1").respond(json!({"policy": policy("pol1")})),
            call!(|c| {
                c.delete_policy("pol1").await?;
            }),
        ),
    ])
    .await;
}
