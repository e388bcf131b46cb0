//! Environments, service URLs and the GLOBUS_SDK_* variables.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use std::time::Duration;

use globus_core::{BaseClient, EnvVars, Environment, Error};

#[test]
fn service_urls_for_every_environment() {
    let expected = [
        (Environment::Production, "auth", "https://auth.globus.org/"),
        (Environment::Production, "app", "https://app.globus.org/"),
        (
            Environment::Production,
            "transfer",
            "https://transfer.api.globus.org/",
        ),
        (
            Environment::Production,
            "groups",
            "https://groups.api.globus.org/",
        ),
        (
            Environment::Production,
            "search",
            "https://search.api.globus.org/",
        ),
        (
            Environment::Production,
            "nexus",
            "https://nexus.api.globusonline.org/",
        ),
        (
            Environment::Production,
            "timer",
            "https://timer.automate.globus.org/",
        ),
        (
            Environment::Production,
            "flows",
            "https://flows.automate.globus.org/",
        ),
        (
            Environment::Production,
            "actions",
            "https://actions.automate.globus.org/",
        ),
        (
            Environment::Preview,
            "auth",
            "https://auth.preview.globus.org/",
        ),
        (
            Environment::Preview,
            "transfer",
            "https://transfer.api.preview.globus.org/",
        ),
        (
            Environment::Preview,
            "nexus",
            "https://nexus.api.preview.globus.org/",
        ),
        (
            Environment::Preview,
            "flows",
            "https://preview.flows.automate.globus.org/",
        ),
        (
            Environment::Preview,
            "timer",
            "https://preview.timer.automate.globus.org/",
        ),
        (
            Environment::Sandbox,
            "auth",
            "https://auth.sandbox.globuscs.info/",
        ),
        (
            Environment::Sandbox,
            "transfer",
            "https://transfer.api.sandbox.globuscs.info/",
        ),
        (
            Environment::Sandbox,
            "actions",
            "https://sandbox.actions.automate.globus.org/",
        ),
        (
            Environment::Integration,
            "auth",
            "https://auth.integration.globuscs.info/",
        ),
        (
            Environment::Integration,
            "search",
            "https://search.api.integration.globuscs.info/",
        ),
        (
            Environment::Test,
            "auth",
            "https://auth.test.globuscs.info/",
        ),
        (
            Environment::Test,
            "flows",
            "https://test.flows.automate.globus.org/",
        ),
        (
            Environment::Staging,
            "auth",
            "https://auth.staging.globuscs.info/",
        ),
        (
            Environment::Staging,
            "groups",
            "https://groups.api.staging.globuscs.info/",
        ),
    ];
    for (env, service, url) in expected {
        assert_eq!(
            env.service_url(service).unwrap().as_str(),
            url,
            "{env} {service}"
        );
    }
    for env in Environment::ALL {
        assert_eq!(env.as_str().parse::<Environment>().unwrap(), env);
    }
}

#[test]
fn environment_variable_selects_the_environment() {
    assert_eq!(
        EnvVars::empty().environment().unwrap(),
        Environment::Production
    );
    let vars = EnvVars::empty().with("GLOBUS_SDK_ENVIRONMENT", "sandbox");
    assert_eq!(vars.environment().unwrap(), Environment::Sandbox);
    assert_eq!(
        vars.service_url("auth", None).unwrap().as_str(),
        "https://auth.sandbox.globuscs.info/"
    );
    // An explicit environment wins over the variable.
    assert_eq!(
        vars.service_url("auth", Some(Environment::Preview))
            .unwrap()
            .as_str(),
        "https://auth.preview.globus.org/"
    );
    let bad = EnvVars::empty().with("GLOBUS_SDK_ENVIRONMENT", "moon");
    let err = bad.environment().unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid configuration: unrecognized environment \"moon\""
    );
}

#[test]
fn service_url_overrides_win_over_environments() {
    let vars = EnvVars::empty()
        .with("GLOBUS_SDK_ENVIRONMENT", "preview")
        .with("GLOBUS_SDK_SERVICE_URL_AUTH", "https://auth.example.org/")
        .with("GLOBUS_SDK_SERVICE_URL_TRANSFER", "");
    assert_eq!(
        vars.service_url("auth", None).unwrap().as_str(),
        "https://auth.example.org/"
    );
    assert_eq!(
        vars.service_url("auth", Some(Environment::Production))
            .unwrap()
            .as_str(),
        "https://auth.example.org/",
        "as in Python, the override beats an explicit environment"
    );
    assert_eq!(
        vars.service_url("transfer", None).unwrap().as_str(),
        "https://transfer.api.preview.globus.org/",
        "an empty override is ignored"
    );
    let bad = EnvVars::empty().with("GLOBUS_SDK_SERVICE_URL_AUTH", "not a url");
    assert!(matches!(
        bad.service_url("auth", None),
        Err(Error::Config(_))
    ));
}

#[test]
fn clients_resolve_their_base_url() {
    let vars = EnvVars::empty()
        .with("GLOBUS_SDK_ENVIRONMENT", "staging")
        .with(
            "GLOBUS_SDK_SERVICE_URL_SEARCH",
            "https://search.example.org/",
        );
    let build = |service: &str| BaseClient::builder(service).with_env_vars(vars.clone());
    assert_eq!(
        build("auth").build().unwrap().base_url().as_str(),
        "https://auth.staging.globuscs.info/"
    );
    assert_eq!(
        build("auth").build().unwrap().environment(),
        Environment::Staging
    );
    assert_eq!(
        build("search").build().unwrap().base_url().as_str(),
        "https://search.example.org/"
    );
    assert_eq!(
        build("auth")
            .with_environment(Environment::Preview)
            .build()
            .unwrap()
            .base_url()
            .as_str(),
        "https://auth.preview.globus.org/"
    );
    assert_eq!(
        build("search")
            .with_base_url("https://mine.example.org/x/")
            .build()
            .unwrap()
            .base_url()
            .as_str(),
        "https://mine.example.org/x/",
        "an explicit base URL wins over everything"
    );
}

#[test]
fn insecure_base_urls_are_refused_except_loopback() {
    let build = |url: &str| {
        BaseClient::builder("auth")
            .with_env_vars(EnvVars::empty())
            .with_base_url(url)
            .build()
    };
    assert!(matches!(
        build("http://auth.globus.org/"),
        Err(Error::InsecureUrl { .. })
    ));
    assert!(matches!(
        build("ftp://auth.globus.org/"),
        Err(Error::InsecureUrl { .. })
    ));
    for ok in [
        "http://127.0.0.1:8080/",
        "http://localhost:1/",
        "http://[::1]:2/",
        "https://x.org/",
    ] {
        assert!(build(ok).is_ok(), "{ok}");
    }
    let vars = EnvVars::empty().with("GLOBUS_SDK_SERVICE_URL_AUTH", "http://evil.example.org/");
    assert!(matches!(
        BaseClient::builder("auth").with_env_vars(vars).build(),
        Err(Error::InsecureUrl { .. })
    ));
}

#[test]
fn http_timeout_variable() {
    let t = |v: &str| {
        EnvVars::empty()
            .with("GLOBUS_SDK_HTTP_TIMEOUT", v)
            .http_timeout()
    };
    assert_eq!(
        EnvVars::empty().http_timeout().unwrap(),
        Some(Duration::from_secs(60))
    );
    assert_eq!(t("").unwrap(), Some(Duration::from_secs(60)));
    assert_eq!(t("5").unwrap(), Some(Duration::from_secs(5)));
    assert_eq!(t("2.5").unwrap(), Some(Duration::from_millis(2500)));
    assert_eq!(t("-1").unwrap(), None);
    assert!(t("abc").is_err());
    assert!(t("-5").is_err());
    assert!(t("NaN").is_err());
    let err = BaseClient::builder("auth")
        .with_env_vars(EnvVars::empty().with("GLOBUS_SDK_HTTP_TIMEOUT", "soon"))
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)));
}

#[test]
fn process_snapshot_only_reads_globus_variables() {
    let vars = EnvVars::from_process();
    assert!(vars.get("PATH").is_none());
}
