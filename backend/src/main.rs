//! `tillit [serve] [--demo]` starts the server; `tillit openapi` prints the spec.

use std::net::TcpListener;

use tillit_backend::config::Config;
use tillit_backend::StartupError;

fn main() {
    restrict_new_files();
    if let Err(e) = run() {
        eprintln!("tillit: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), StartupError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("openapi") {
        let spec = tillit_backend::openapi()
            .to_pretty_json()
            .map_err(|e| StartupError::Other(e.to_string()))?;
        println!("{spec}");
        return Ok(());
    }
    let demo = args.iter().any(|a| a == "--demo");
    let config = Config::from_env()?;
    tracing_subscriber::fmt()
        // Colours for a person at a terminal; plain text for log collectors.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&config.log)
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    tracing::info!(config = %config.describe(), "starting");
    let listener = TcpListener::bind(&config.bind).map_err(|cause| StartupError::Io {
        what: format!("cannot listen on {}", config.bind),
        cause,
    })?;
    let addr = listener.local_addr().map_err(|cause| StartupError::Io {
        what: "no local address".into(),
        cause,
    })?;
    let public_url = config.public_url.clone();
    let state = tillit_backend::prepare(config)?;
    if demo {
        let data_dir = state.config.data_dir.clone();
        let mut conn = state.pool.get()?;
        let logins = tillit_backend::seed::demo(&mut conn, &data_dir, &public_url)?;
        // Passwords go to a person at a terminal, never into a log stream
        // (a pipe to a collector): then only where to find them is printed.
        if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            println!("\n{logins}");
        } else {
            println!(
                "Demo logins: {} (readable by this user only)",
                data_dir.join(tillit_backend::seed::FILE).display()
            );
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|cause| StartupError::Io {
            what: "cannot start the runtime".into(),
            cause,
        })?;
    rt.block_on(async move {
        let server = tillit_backend::start(state, listener)?;
        println!("Tillit is running: {public_url} (API docs: {public_url}/api/docs)");
        println!("Listening on http://{addr}");
        server.await.map_err(|cause| StartupError::Io {
            what: "the server stopped".into(),
            cause,
        })
    })
}

/// Files and folders the server creates (database, keys, mail, logins) are
/// readable by its own user only, whatever the umask it was started with.
fn restrict_new_files() {
    #[cfg(unix)]
    // SAFETY: umask only sets this process's file-creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}
