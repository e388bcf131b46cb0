//! Get, update and delete for the collections of JSON records (projects, policies, scopes),
//! written once: each behind the API caller check, bodies wrapped in `{"<kind>": {...}}`,
//! answers wrapped the same way, an unknown id a Globus-shaped 404.

use axum::response::Response;
use http::HeaderMap;
use serde_json::{Map, Value};

use super::position;
use crate::authn;
use crate::respond::{self, not_found, wrapped};
use crate::server::App;
use crate::state::State;

/// One collection: its record kind (`"policy"`) and where the fake keeps it.
pub(crate) struct Records {
    /// The singular name: the body and answer wrapper, and the 404 message.
    pub(crate) kind: &'static str,
    /// The collection in the fake's state.
    pub(crate) collection: fn(&mut State) -> &mut Vec<Value>,
}

/// A record edit: the stored record and the unwrapped request body.
type Edit<'a> =
    &'a mut dyn FnMut(&mut Map<String, Value>, &Map<String, Value>) -> Result<(), Response>;

impl Records {
    /// The 404 for an unknown id.
    pub(crate) fn missing(&self, id: &str) -> Response {
        not_found(&format!("No {} with id {id}", self.kind))
    }

    fn answer(&self, record: Value) -> Response {
        let mut body = Map::new();
        body.insert(self.kind.to_owned(), record);
        respond::ok(&Value::Object(body))
    }

    /// `GET …/{id}`.
    pub(crate) fn get(&self, app: &App, headers: &HeaderMap, id: &str) -> Response {
        if let Err(resp) = authn::api_caller(app, headers) {
            return resp;
        }
        let mut st = app.state();
        let records = (self.collection)(&mut st);
        match position(records, id) {
            Some(i) => self.answer(records[i].clone()),
            None => self.missing(id),
        }
    }

    /// `PUT …/{id}`: `edit` changes a copy of the record, outside the state lock (it may
    /// read the state itself); the result replaces the record.
    pub(crate) fn update(
        &self,
        app: &App,
        headers: &HeaderMap,
        id: &str,
        body: &[u8],
        edit: Edit<'_>,
    ) -> Response {
        if let Err(resp) = authn::api_caller(app, headers) {
            return resp;
        }
        let body = match wrapped(body, self.kind) {
            Ok(body) => body,
            Err(resp) => return resp,
        };
        let current = {
            let mut st = app.state();
            let records = (self.collection)(&mut st);
            position(records, id).and_then(|i| records[i].as_object().cloned())
        };
        let Some(mut record) = current else {
            return self.missing(id);
        };
        if let Err(resp) = edit(&mut record, &body) {
            return resp;
        }
        let record = Value::Object(record);
        let mut st = app.state();
        let records = (self.collection)(&mut st);
        match position(records, id) {
            Some(i) => records[i] = record.clone(),
            None => return self.missing(id),
        }
        self.answer(record)
    }

    /// `DELETE …/{id}`: removes the record, lets `cascade` tidy what referred to it, and
    /// answers the deleted record.
    pub(crate) fn delete(
        &self,
        app: &App,
        headers: &HeaderMap,
        id: &str,
        cascade: fn(&mut State, &Value),
    ) -> Response {
        if let Err(resp) = authn::api_caller(app, headers) {
            return resp;
        }
        let mut st = app.state();
        let records = (self.collection)(&mut st);
        let Some(i) = position(records, id) else {
            return self.missing(id);
        };
        let record = records.remove(i);
        cascade(&mut st, &record);
        self.answer(record)
    }
}

/// A delete that leaves nothing else to tidy.
pub(crate) fn no_cascade(_: &mut State, _: &Value) {}
