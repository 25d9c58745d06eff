//! Prisme's sync server: a team's reports and datamarts, shared between laptops.
//!
//! It never loses an acknowledged write (a save is answered only after its transaction is
//! durable), never lets a stale save overwrite a newer one (every update names the version it
//! replaces), and lets no token read or write another workspace.
//!
//! Code map: [`routes`] (HTTP API), [`auth`] (tokens), [`ratelimit`], [`validate`] (what is
//! accepted), [`store`] (SQLite / PostgreSQL), [`error`] (JSON errors).

pub mod auth;
pub mod error;
pub mod ratelimit;
pub mod routes;
pub mod store;
pub mod validate;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, Method, StatusCode, header};
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::ratelimit::RateLimiter;
use crate::routes::AppState;
use crate::store::{Store, StoreError, StoreOptions};

/// How `serve` runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://FILE` or `postgres://…`.
    pub database: String,
    /// Origins allowed to call the API from a browser (the app's host); none: same-origin only.
    pub cors_origins: Vec<String>,
    /// Largest request body, in bytes.
    pub body_limit: usize,
    /// Longest a request may take, body upload included.
    pub request_timeout: Duration,
    /// Requests per second per token, sustained (0: no limit), and the burst allowed.
    pub rate_limit: f64,
    pub rate_burst: u32,
    pub store: StoreOptions,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database: "sqlite://prisme.db".to_string(),
            cors_origins: Vec::new(),
            body_limit: 8 << 20,
            request_timeout: Duration::from_secs(30),
            rate_limit: 20.0,
            rate_burst: 100,
            store: StoreOptions::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("--cors-origin {0:?} is not an origin: write it as https://host[:port], no path")]
    BadOrigin(String),
}

/// The server: the database opened and migrated, the routes built.
pub struct Server {
    store: Store,
    router: Router,
}

impl Server {
    pub async fn new(config: &Config) -> Result<Server, ServerError> {
        let cors = cors(&config.cors_origins)?;
        let store = Store::open(&config.database, &config.store).await?;
        let state = AppState {
            store: store.clone(),
            limiter: Arc::new(RateLimiter::new(config.rate_limit, config.rate_burst)),
            body_limit: config.body_limit,
        };
        // Outermost first: the trace sees every request; CORS headers go on errors too (a
        // browser hides an error's body without them); errors made by the layers inside get
        // JSON bodies.
        let mut router = routes::router(state)
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                config.request_timeout,
            ))
            .layer(axum::middleware::from_fn(error::json_errors));
        if let Some(cors) = cors {
            router = router.layer(cors);
        }
        let router = router.layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<_>| {
                    // Method and path only: never a body, never a header (tokens).
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        path = %req.uri().path(),
                        token = tracing::field::Empty,
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        );
        Ok(Server { store, router })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight and closes the
    /// database.
    pub async fn run(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await?;
        self.store.close().await;
        Ok(())
    }
}

fn cors(origins: &[String]) -> Result<Option<CorsLayer>, ServerError> {
    if origins.is_empty() {
        return Ok(None);
    }
    let mut allowed = Vec::with_capacity(origins.len());
    for o in origins {
        let o = o.trim_end_matches('/');
        let valid = (o.starts_with("http://") || o.starts_with("https://"))
            && !o
                .split_once("://")
                .is_some_and(|(_, rest)| rest.contains('/'));
        let value = HeaderValue::from_str(o)
            .ok()
            .filter(|_| valid)
            .ok_or_else(|| ServerError::BadOrigin(o.to_string()))?;
        allowed.push(value);
    }
    Ok(Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(allowed))
            .allow_methods([Method::GET, Method::PUT, Method::DELETE, Method::POST])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_MATCH,
                header::IF_NONE_MATCH,
            ])
            .expose_headers([
                header::ETAG,
                header::LOCATION,
                header::RETRY_AFTER,
                header::WWW_AUTHENTICATE,
            ])
            .max_age(Duration::from_secs(600)),
    ))
}
