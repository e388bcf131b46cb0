//! Paginated listings as `Stream`s.
//!
//! No Globus Auth endpoint is paginated, but other Globus services are, in a few styles
//! that the Python SDK names: a `marker` with `has_next_page`, a nullable `marker`, a
//! `next_token`, and a `last_key` with `has_next_page`. A [`Paginator`] repeats one request,
//! carrying the continuation value forward, and yields pages or the items inside them.
//!
//! ```no_run
//! use futures_util::TryStreamExt as _;
//! use globus_core::{BaseClient, Paginator, PagingStyle};
//!
//! # async fn demo(client: BaseClient) -> globus_core::Result<()> {
//! let request = client.get("/v0.10/endpoint_search").query("filter_fulltext", "tutorial").build()?;
//! let names: Vec<serde_json::Value> = Paginator::new(client, request, PagingStyle::NextToken)
//!     .items("DATA")
//!     .try_collect()
//!     .await?;
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::fmt;

use futures_util::Stream;
use futures_util::stream;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::BaseClient;
use crate::error::{DecodeError, Error, Result};
use crate::request::Request;
use crate::response::Response;

/// How a service links its pages.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PagingStyle {
    /// Sends `marker=<value>`; continues while the page's `has_next_page` is true, with
    /// the page's `marker`.
    Marker,
    /// Sends `marker=<value>`; continues while the page's `marker` is not null.
    NullableMarker,
    /// Sends `next_token=<value>`; continues while the page's `next_token` is not null.
    NextToken,
    /// Sends `last_key=<value>`; continues while `has_next_page` is true, with the page's
    /// `last_key`.
    LastKey,
}

impl PagingStyle {
    /// The query parameter and body field that carry the continuation value.
    fn key(&self) -> &'static str {
        match self {
            PagingStyle::Marker | PagingStyle::NullableMarker => "marker",
            PagingStyle::NextToken => "next_token",
            PagingStyle::LastKey => "last_key",
        }
    }

    /// The continuation value for the page after `page`, if there is one.
    fn next_value(&self, page: &Value) -> Option<String> {
        let value = page.get(self.key())?;
        let continues = match self {
            PagingStyle::Marker | PagingStyle::LastKey => {
                page.get("has_next_page").and_then(Value::as_bool) == Some(true)
            }
            PagingStyle::NullableMarker | PagingStyle::NextToken => !value.is_null(),
        };
        if !continues {
            return None;
        }
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

/// Repeats a request page by page.
pub struct Paginator {
    client: BaseClient,
    request: Request,
    style: PagingStyle,
    max_pages: Option<usize>,
}

impl Paginator {
    /// Pages through `request` (its first page is sent as given).
    pub fn new(client: BaseClient, request: Request, style: PagingStyle) -> Self {
        Self {
            client,
            request,
            style,
            max_pages: None,
        }
    }

    /// Stops after `max_pages` pages even if the service says there are more.
    pub fn with_max_pages(mut self, max_pages: usize) -> Self {
        self.max_pages = Some(max_pages);
        self
    }

    /// The pages, as responses.
    pub fn pages(self) -> impl Stream<Item = Result<Response>> + Send {
        let Paginator {
            client,
            request,
            style,
            max_pages,
        } = self;
        let state = (Some(request), 0usize);
        stream::try_unfold(state, move |(next, count)| {
            let client = client.clone();
            let style = style.clone();
            async move {
                let Some(request) = next else {
                    return Ok(None);
                };
                if max_pages.is_some_and(|max| count >= max) {
                    return Ok(None);
                }
                let response = client.execute(request.clone()).await?;
                let following = response
                    .raw_json()
                    .and_then(|page| style.next_value(page))
                    .map(|value| {
                        let mut request = request;
                        request.set_query(style.key(), value);
                        request
                    });
                Ok(Some((response, (following, count + 1))))
            }
        })
    }

    /// The items of every page: the array under `items_key`, each decoded into `T`.
    pub fn items<T>(self, items_key: &str) -> impl Stream<Item = Result<T>> + Send
    where
        T: DeserializeOwned + Send + 'static,
    {
        let items_key = items_key.to_owned();
        let pages = Box::pin(self.pages());
        stream::try_unfold((pages, VecDeque::new()), move |(mut pages, mut buffer)| {
            let items_key = items_key.clone();
            async move {
                use futures_util::TryStreamExt as _;
                loop {
                    if let Some(item) = buffer.pop_front() {
                        return Ok(Some((item, (pages, buffer))));
                    }
                    let Some(page) = pages.try_next().await? else {
                        return Ok(None);
                    };
                    buffer = decode_items::<T>(&page, &items_key)?;
                }
            }
        })
    }
}

fn decode_items<T: DeserializeOwned>(page: &Response, items_key: &str) -> Result<VecDeque<T>> {
    let missing = || -> Error {
        DecodeError::new(
            page.method().clone(),
            page.url(),
            page.status(),
            std::any::type_name::<T>(),
            format!("page has no array under {items_key:?}"),
        )
        .into()
    };
    let items = page
        .raw_json()
        .and_then(|json| json.get(items_key))
        .and_then(Value::as_array)
        .ok_or_else(missing)?;
    items
        .iter()
        .map(|item| T::deserialize(item).map_err(|err| page.decode_error::<T>(&err)))
        .collect()
}

impl fmt::Debug for Paginator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("request", &self.request)
            .field("style", &self.style)
            .field("max_pages", &self.max_pages)
            .finish()
    }
}
