//! The baseline: the smallest axum server, run as `parley-bench hello <port>`.

use anyhow::{Context, Result};
use axum::routing::get;
use axum::Router;
use std::net::Ipv4Addr;

pub const SUBCOMMAND: &str = "hello";

pub fn main(args: &[String]) -> Result<()> {
    let port: u16 = args
        .first()
        .and_then(|p| p.parse().ok())
        .context("usage: parley-bench hello <port>")?;
    serve(port)
}

/// Default multi-thread runtime, as `parley` itself uses, so the comparison is like for like.
#[tokio::main]
async fn serve(port: u16) -> Result<()> {
    let app = Router::new().route("/", get(|| async { "Hello, World!" }));
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .with_context(|| format!("binding 127.0.0.1:{port}"))?;
    axum::serve(listener, app).await.context("serving")
}
