//! One-off HTTP/1.1 requests for setup: readiness, sign-up, the `/me` check.

use anyhow::{bail, ensure, Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use tokio::net::TcpStream;

pub const EMAIL: &str = "bench@example.com";
pub const PASSWORD: &str = "benchmark password";
const ORGANIZATION: &str = "Bench";

/// Sends `req` on a fresh connection and returns the status and the whole body.
pub async fn send(addr: SocketAddr, req: Request<Full<Bytes>>) -> Result<(StatusCode, Bytes)> {
    let stream = TcpStream::connect(addr)
        .await
        .with_context(|| format!("connecting to {addr}"))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .context("HTTP handshake")?;
    // The connection future does the socket I/O; it ends when `sender` is dropped.
    tokio::spawn(conn);
    let res = sender.send_request(req).await.context("sending request")?;
    let status = res.status();
    let body = res.into_body().collect().await.context("reading body")?;
    Ok((status, body.to_bytes()))
}

pub fn get(addr: SocketAddr, path: &str, token: Option<&str>) -> Result<Request<Full<Bytes>>> {
    let mut req = Request::get(path).header(HOST, addr.to_string());
    if let Some(token) = token {
        req = req.header(AUTHORIZATION, format!("Bearer {token}"));
    }
    Ok(req.body(Full::default())?)
}

pub fn post_json(
    addr: SocketAddr,
    path: &str,
    token: Option<&str>,
    body: &serde_json::Value,
) -> Result<Request<Full<Bytes>>> {
    json_request(addr, Method::POST, path, token, body)
}

/// `method path` with a JSON body, and the bearer token when given.
pub fn json_request(
    addr: SocketAddr,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: &serde_json::Value,
) -> Result<Request<Full<Bytes>>> {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(HOST, addr.to_string())
        .header(CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        req = req.header(AUTHORIZATION, format!("Bearer {token}"));
    }
    Ok(req.body(Full::new(Bytes::from(body.to_string())))?)
}

/// Creates the bench account and returns its bearer token.
pub async fn sign_up(addr: SocketAddr) -> Result<String> {
    let json = sign_up_answer(addr).await?;
    let token = json["accessToken"]
        .as_str()
        .with_context(|| format!("sign-up body has no accessToken: {json}"))?;
    Ok(token.to_owned())
}

/// Creates the bench account and returns the whole answer (token, user, workspace).
pub async fn sign_up_answer(addr: SocketAddr) -> Result<serde_json::Value> {
    let body = serde_json::json!({
        "email": EMAIL,
        "password": PASSWORD,
        "organizationName": ORGANIZATION,
    });
    let req = post_json(addr, "/api/auth/signup", None, &body)?;
    let (status, body) = send(addr, req).await.context("sign-up request")?;
    let text = String::from_utf8_lossy(&body);
    if status != StatusCode::CREATED {
        bail!("sign-up answered {status}, expected 201 Created: {text}");
    }
    serde_json::from_slice(&body).with_context(|| format!("sign-up body is not JSON: {text}"))
}

/// `GET path` with the token; the JSON answer, which must be 200.
pub async fn get_json(addr: SocketAddr, path: &str, token: &str) -> Result<serde_json::Value> {
    let (status, body) = send(addr, get(addr, path, Some(token))?)
        .await
        .with_context(|| format!("GET {path}"))?;
    let text = String::from_utf8_lossy(&body);
    ensure!(
        status == StatusCode::OK,
        "GET {path} answered {status}: {text}"
    );
    serde_json::from_slice(&body).with_context(|| format!("GET {path}: not JSON: {text}"))
}

/// The measured endpoint must really succeed, or the load run would time error pages.
pub async fn check_me(addr: SocketAddr, token: &str) -> Result<()> {
    let (status, body) = send(addr, get(addr, "/api/auth/me", Some(token))?)
        .await
        .context("GET /api/auth/me")?;
    ensure!(
        status == StatusCode::OK,
        "GET /api/auth/me answered {status}, expected 200: {}",
        String::from_utf8_lossy(&body)
    );
    Ok(())
}
