//! `medplug serve`: the HTTP service over the plugins directory, under the policy.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result};
use medplug_host::WatchOptions;
use medplug_server::checkpoints::spawn_checkpoints;
use medplug_server::keys::KeyStore;
use medplug_server::{App, ServeOptions, serve, shutdown_signal};

use super::Globals;

/// The actor of the service's own audit records (the policy in force at start).
const SERVE_ACTOR: &str = "medplug-serve";

/// `medplug serve`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The API's address; port 0 picks a free one (printed at start).
    #[arg(long, default_value = "127.0.0.1:8700")]
    listen: SocketAddr,
    /// Serve `/metrics` on this address instead of the API's.
    #[arg(long)]
    metrics_listen: Option<SocketAddr>,
    /// Hot-reload the plugins directory: new, changed and deleted modules while serving.
    #[arg(long)]
    watch: bool,
    /// Plugin calls running at once; more wait. Default: four per core — each tenant's pool
    /// bounds its own calls (`max_instances`), so one tenant's slow plugin leaves workers for
    /// the others.
    #[arg(long)]
    workers: Option<usize>,
    /// How long a call waits for a worker before it is answered 503, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    worker_wait_ms: u64,
    /// How long calls in flight may finish after SIGTERM or Ctrl-C, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    shutdown_grace_ms: u64,
}

/// Loads the host, then serves until SIGTERM or Ctrl-C.
pub fn run(globals: &Globals, args: &Args) -> Result<()> {
    let policy = globals.policy()?;
    let keys_file = policy.api_keys.clone().context(
        "the policy has no [storage] api_keys: name the file where `medplug tenant-key new` keeps key hashes",
    )?;
    let keys = KeyStore::open(&keys_file)?;
    let checkpoints = policy.audit_checkpoints.clone();
    let audit_trail = policy.audit.clone();
    let host = globals.serving_host(policy)?;
    // The policy a serving host runs under, in the trail before any call it answers.
    host.record_policy(SERVE_ACTOR)
        .context("recording the policy in the audit trail")?;
    let _watcher = if args.watch {
        Some(host.watch(&globals.plugins, WatchOptions::default())?)
    } else {
        None
    };
    let workers = args.workers.unwrap_or_else(|| {
        4 * std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    });
    let app = App::new(
        host,
        keys,
        workers,
        Duration::from_millis(args.worker_wait_ms),
    );
    let options = ServeOptions {
        listen: args.listen,
        metrics_listen: args.metrics_listen,
        shutdown_grace: Duration::from_millis(args.shutdown_grace_ms),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let _checkpoints = match (checkpoints, audit_trail) {
        (Some(schedule), Some(db)) => {
            let _entered = runtime.enter();
            Some(spawn_checkpoints(db, &schedule).context("starting audit checkpoints")?)
        }
        _ => None,
    };
    let summary = runtime.block_on(serve(
        app,
        options,
        |api, metrics| {
            println!("medplug serve: listening on http://{api}");
            if let Some(metrics) = metrics {
                println!("medplug serve: metrics on http://{metrics}/metrics");
            }
            println!(
                "medplug serve: {workers} workers, keys in {}{}",
                keys_file.display(),
                if args.watch {
                    ", watching the plugins directory"
                } else {
                    ""
                }
            );
            use std::io::Write;
            let _ = std::io::stdout().flush();
        },
        shutdown_signal(),
    ))?;
    println!(
        "medplug serve: stopped after {} calls{}",
        summary.calls,
        if summary.drained {
            ""
        } else {
            "; some calls were still running at the deadline"
        }
    );
    Ok(())
}
