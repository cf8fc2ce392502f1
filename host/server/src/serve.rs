//! [`serve`]: listening, and graceful shutdown.
//!
//! On the shutdown signal (SIGTERM or Ctrl-C, [`shutdown_signal`]) the listeners stop accepting,
//! the requests in flight — plugin calls among them — run to their end within
//! [`ServeOptions::shutdown_grace`], and `serve` returns. Every call's audit record is committed
//! before its response is sent, so nothing is left to flush; a `kill -9` loses no committed
//! record either (the trail's own guarantee).

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::App;
use crate::routes::{metrics_router, router};

/// How `serve` listens.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The API's address (`127.0.0.1:8700`; port 0 picks a free one).
    pub listen: SocketAddr,
    /// A separate address for `/metrics`, which then leaves the API's address.
    pub metrics_listen: Option<SocketAddr>,
    /// How long the requests in flight may run after the shutdown signal.
    pub shutdown_grace: Duration,
}

/// What a finished `serve` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeSummary {
    /// Plugin-call requests received.
    pub calls: u64,
    /// Whether every request in flight finished within the grace period.
    pub drained: bool,
}

/// Resolves on SIGTERM (Unix) or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("a SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// Binds the listeners and calls `bound` with the API's address (and the metrics address), then
/// serves until `shutdown` resolves, and drains.
pub async fn serve(
    app: Arc<App>,
    options: ServeOptions,
    bound: impl FnOnce(SocketAddr, Option<SocketAddr>),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<ServeSummary> {
    let api = TcpListener::bind(options.listen).await?;
    let metrics = match options.metrics_listen {
        Some(address) => Some(TcpListener::bind(address).await?),
        None => None,
    };
    bound(
        api.local_addr()?,
        metrics.as_ref().map(TcpListener::local_addr).transpose()?,
    );
    let (stop, stopped) = watch::channel(false);
    let until_stopped = |mut stopped: watch::Receiver<bool>| async move {
        let _ = stopped.wait_for(|s| *s).await;
    };
    let api_server = axum::serve(api, router(Arc::clone(&app), metrics.is_none()))
        .with_graceful_shutdown(until_stopped(stopped.clone()))
        .into_future();
    let mut servers = vec![tokio::spawn(api_server)];
    if let Some(listener) = metrics {
        let server = axum::serve(listener, metrics_router(Arc::clone(&app)))
            .with_graceful_shutdown(until_stopped(stopped.clone()))
            .into_future();
        servers.push(tokio::spawn(server));
    }
    shutdown.await;
    let _ = stop.send(true);
    let drained = tokio::time::timeout(options.shutdown_grace, async {
        for server in servers {
            let _ = server.await;
        }
    })
    .await
    .is_ok();
    Ok(ServeSummary {
        calls: app.calls_served(),
        drained,
    })
}
