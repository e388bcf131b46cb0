use super::static_collection;

static_collection! {
    /// Globus Timers' scopes (its resource server is its client id).
    pub struct TimersScopes;
    resource_server = "524230d7-ea86-4a52-8312-86065a9e0417";
    TIMER, timer = "https://auth.globus.org/scopes/524230d7-ea86-4a52-8312-86065a9e0417/timer";
}
