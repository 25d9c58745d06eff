//! `prisme-server`: `serve` the sync API, or manage its access tokens.

use std::io::{IsTerminal as _, Write as _};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use prisme_server::store::{Store, StoreOptions};
use prisme_server::{Config, Server, auth, routes, validate};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "prisme-server",
    version,
    about = "Prisme's sync server: shared reports and datamarts"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API; prints the address it listens on.
    Serve(ServeArgs),
    /// Create, list or revoke access tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Args)]
struct Database {
    /// sqlite://FILE (created on first start) or postgres://USER:PASSWORD@HOST:PORT/DB.
    /// PRISME_DATABASE keeps a password off the command line.
    #[arg(long, env = "PRISME_DATABASE", default_value = "sqlite://prisme.db")]
    database: String,
}

#[derive(Args)]
struct ServeArgs {
    /// Address and port to listen on (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: String,
    #[command(flatten)]
    db: Database,
    /// An origin allowed to call the API from a browser, e.g. https://prisme.example.com
    /// (repeat for several).
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    cors_origins: Vec<String>,
    /// Largest request body: bytes, or with KiB / MiB.
    #[arg(long, default_value = "8MiB", value_parser = parse_size)]
    body_limit: usize,
    /// Longest a request may take, in seconds.
    #[arg(long, default_value_t = 30)]
    timeout_secs: u64,
    /// Requests per second per token, sustained (0: no limit).
    #[arg(long, default_value_t = 20.0)]
    rate_limit: f64,
    /// Requests a token may send at once after a quiet spell.
    #[arg(long, default_value_t = 100)]
    rate_burst: u32,
    /// Versions kept per document, the current one included.
    #[arg(long, default_value_t = 50)]
    history: u32,
    /// Database connections (PostgreSQL; SQLite uses one writer and four readers).
    #[arg(long, default_value_t = 10)]
    max_connections: u32,
    /// Log lines as text or as JSON objects (one per line), on standard error.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token for one workspace and print it (and nothing else) on standard output.
    Create {
        /// The workspace the token opens.
        #[arg(long)]
        workspace: String,
        /// Allow saving and deleting (default: read only).
        #[arg(long)]
        write: bool,
        /// Who holds it: shown as the author of what it saves.
        #[arg(long)]
        label: Option<String>,
        #[command(flatten)]
        db: Database,
    },
    /// List tokens (ids, workspaces, rights, labels; never secrets).
    List {
        #[command(flatten)]
        db: Database,
    },
    /// Revoke a token by its id (the 16 hex digits after `prisme_`).
    Revoke {
        #[arg(long)]
        id: String,
        #[command(flatten)]
        db: Database,
    },
}

fn parse_size(s: &str) -> Result<usize, String> {
    let s = s.trim();
    let (digits, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, ""),
    };
    let n: usize = digits
        .parse()
        .map_err(|_| format!("{s:?} is not a size: write e.g. 8MiB, 512KiB or 1000000"))?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" | "kb" => 1 << 10,
        "m" | "mib" | "mb" => 1 << 20,
        other => return Err(format!("unknown size unit {other:?}: use KiB or MiB")),
    };
    n.checked_mul(factor)
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{s:?} is not a usable size"))
}

fn init_logs(format: LogFormat, default: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Token { command } => {
            // Standard output carries the token alone; anything else goes to standard error.
            init_logs(LogFormat::Text, "warn");
            token(command).await
        }
    }
}

async fn serve(args: ServeArgs) -> Result<()> {
    init_logs(args.log_format, "info,sqlx=warn");
    let config = Config {
        database: args.db.database,
        cors_origins: args.cors_origins,
        body_limit: args.body_limit,
        request_timeout: Duration::from_secs(args.timeout_secs.max(1)),
        rate_limit: args.rate_limit,
        rate_burst: args.rate_burst,
        store: StoreOptions {
            history: args.history,
            max_connections: args.max_connections,
        },
    };
    let server = Server::new(&config).await.context("cannot start")?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    std::io::stdout().flush()?;
    tracing::info!(%addr, database = server.store().backend(), "serving");
    server.run(listener, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, finish what is in flight.
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; Ctrl-C still stops");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

async fn token(command: TokenCommand) -> Result<()> {
    let open = |db: Database| async move {
        Store::open(&db.database, &StoreOptions::default())
            .await
            .with_context(|| format!("cannot open the database {}", db.database))
    };
    match command {
        TokenCommand::Create {
            workspace,
            write,
            label,
            db,
        } => {
            validate::id("workspace", &workspace).map_err(|e| anyhow::anyhow!(e.message))?;
            let label = label.unwrap_or_else(|| {
                format!("{workspace} {}", if write { "writer" } else { "reader" })
            });
            validate::name(&label).map_err(|e| anyhow::anyhow!("--label: {}", e.message))?;
            let store = open(db).await?;
            let token = auth::create_token(&store, &workspace, write, &label).await?;
            store.close().await;
            println!("{token}");
        }
        TokenCommand::List { db } => {
            let store = open(db).await?;
            for t in store.tokens().await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}{}",
                    t.id,
                    t.workspace,
                    if t.can_write { "read-write" } else { "read" },
                    routes::rfc3339(t.created_at),
                    t.label,
                    if t.revoked { "\t(revoked)" } else { "" }
                );
            }
            store.close().await;
        }
        TokenCommand::Revoke { id, db } => {
            let store = open(db).await?;
            let done = store.revoke_token(&id).await?;
            store.close().await;
            if !done {
                bail!("no live token with id {id:?} (see prisme-server token list)");
            }
            eprintln!("revoked {id}");
        }
    }
    Ok(())
}
