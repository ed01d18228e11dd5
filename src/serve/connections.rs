//! Accepting and driving the preview's HTTP connections with explicit limits, so that no
//! client can exhaust the server: request heads are bounded in size and number of headers,
//! a client has a fixed time to send its head (slowloris), and the number of open
//! connections is capped (live-reload streams included). Request bodies are read only by the
//! editor's desk, within its own limit (`desk: {max_upload}`).
//!
//! `axum::serve` offers none of these settings, so connections are served with hyper's
//! HTTP/1 connection builder directly; HTTP itself is entirely hyper's. Every request
//! carries its client's address as axum's `ConnectInfo<SocketAddr>` extension (the desk
//! limits failed logins per client).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// The time a client has to send a whole request head, counted from when the server starts
/// waiting for it (a new connection, or the end of the previous response on a kept-alive
/// one). A browser sends its head at once; a client dribbling bytes is cut off.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// At most this many connections are served at once; further ones wait, unanswered, until
/// one closes. It keeps the process well below the usual limit of 1024 open files. A browser
/// opens about six connections to a host, one of them the live-reload stream of each open
/// page, so this is far above what editors use.
pub const MAX_CONNECTIONS: usize = 512;

/// The largest request head (request line and headers) read: larger ones get 431. Browsers
/// send a few kilobytes; cookies of other local development servers count too, hence the room.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The most headers one request may have: more get 431. Browsers send about twenty.
pub const MAX_HEADERS: usize = 100;

type Request = axum::http::Request<Incoming>;

/// After a failed `accept` (out of file descriptors, say), the next try waits this long.
const ACCEPT_RETRY: Duration = Duration::from_millis(50);

/// The limits that tests may change (a short timeout, a small cap); the others are fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub header_read_timeout: Duration,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_read_timeout: HEADER_READ_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
        }
    }
}

/// Serves `app` on every connection `listener` accepts, within `limits`, until the process
/// ends. Errors of single connections (closed by the client, timed out, malformed) end that
/// connection only.
pub async fn serve(listener: TcpListener, app: Router, limits: Limits) {
    let permits = Arc::new(Semaphore::new(
        limits.max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_header_size(MAX_HEAD_BYTES)
        .max_buf_size(MAX_HEAD_BYTES)
        .max_headers(MAX_HEADERS);
    loop {
        // The semaphore is never closed, so this always gets a permit.
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(_) => {
                tokio::time::sleep(ACCEPT_RETRY).await;
                continue;
            }
        };
        let service = tower::ServiceExt::map_request(app.clone(), move |mut request: Request| {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer));
            request
        });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        tokio::spawn(async move {
            // A connection's error is its client's business: there is nobody to tell.
            let _ = connection.await;
            drop(permit);
        });
    }
}
