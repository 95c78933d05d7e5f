//! The board page: `GET /board` with the session cookie, one request after another on one
//! keep-alive connection. The page is server-rendered with its data (`SsrMode::Async`), so the
//! time to the last byte of the body is the server's time to render it, plus loopback I/O.

use super::report::{Render, Samples};
use anyhow::{ensure, Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::header::{ACCEPT, COOKIE, HOST};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::time::Instant;
use tokio::net::TcpStream;

/// Unrecorded requests first: connection set-up, cold caches, first allocations.
pub const WARMUP: usize = 5;
/// What shows that the board, not a sign-in or error page, was rendered.
const MARKER: &str = r#"data-testid="board""#;

pub async fn run(addr: SocketAddr, token: &str, renders: usize) -> Result<Render> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let cookie = format!("{}={token}", "parley_session");
    let mut samples = Vec::with_capacity(renders);
    let mut bytes = 0;
    for n in 0..WARMUP + renders {
        let req = Request::get("/board")
            .header(HOST, addr.to_string())
            .header(ACCEPT, "text/html")
            .header(COOKIE, &cookie)
            .body(Empty::<Bytes>::new())?;
        sender.ready().await.context("board connection")?;
        let started = Instant::now();
        let res = sender.send_request(req).await.context("GET /board")?;
        let status = res.status();
        let body = res.into_body().collect().await?.to_bytes();
        let elapsed = started.elapsed();
        let text = String::from_utf8_lossy(&body);
        ensure!(
            status == StatusCode::OK,
            "GET /board answered {status}: {}",
            text.chars().take(300).collect::<String>()
        );
        ensure!(
            text.contains(MARKER),
            "GET /board has no {MARKER}: not the board page ({} bytes)",
            body.len()
        );
        if n >= WARMUP {
            samples.push(elapsed);
        }
        bytes = body.len();
    }
    Ok(Render {
        warmup: WARMUP,
        samples: Samples::new(samples),
        bytes,
    })
}
