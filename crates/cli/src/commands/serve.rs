//! `esplab serve`: starts the local web explorer.

use crate::options::ServeArgs;
use crate::shared::usage;
use anyhow::{Context, Result};
use esplab_server::Limits;
use std::io::Write;
use std::process::ExitCode;

pub fn serve(args: ServeArgs) -> Result<ExitCode> {
    if !args.host.is_loopback() && !args.allow_remote {
        return usage(format!(
            "--host {}: not a loopback address; the explorer runs simulations for anyone who can reach it, so \
             listening beyond this machine needs --allow-remote",
            args.host
        ));
    }
    if !(args.max_years > 0.0 && args.max_years <= 1000.0) {
        return usage(format!(
            "--max-years {}: out of range; allowed: (0, 1000]",
            args.max_years
        ));
    }
    if !args.host.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this address can run simulations here",
            args.host
        );
    }
    let limits = Limits {
        max_users: args.max_users,
        max_years: args.max_years,
        max_runs: args.max_runs,
        max_concurrent: args.max_concurrent as usize,
        ..Limits::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    let address = std::net::SocketAddr::new(args.host, args.port);
    runtime
        .block_on(esplab_server::serve(address, limits, |bound| {
            println!("esplab serve: open http://{bound}/ (Ctrl-C stops)");
            let _ = std::io::stdout().flush();
        }))
        .with_context(|| format!("cannot serve on {address}"))?;
    Ok(ExitCode::SUCCESS)
}
