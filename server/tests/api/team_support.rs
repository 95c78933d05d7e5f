//! Helpers for the team and security tests: joining by invitation link, reading mail (the
//! outbox files, or an SMTP sink on loopback), and computing TOTP codes.

use crate::crm_support::call;
use crate::helpers::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A fresh account that joins the owner's workspace through an invitation link with `role`.
/// Returns the new member's token (a session in the owner's workspace) and their user id.
pub async fn join_as(app: &TestApp, owner: &str, role: &str) -> (String, i64) {
    let invite_role = if role == "owner" { "admin" } else { role };
    let (status, link) = call(
        app,
        owner,
        Method::POST,
        "/api/team/invite-links",
        Some(json!({ "role": invite_role, "maxUses": 1 })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{link}");
    let token = token_of(link["url"].as_str().unwrap());
    let (member, _) = app.new_account("Own").await;
    let res = app
        .client
        .post(app.url("/api/invites/accept"))
        .bearer_auth(&member)
        .json(&json!({ "token": token }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    let member = body["accessToken"].as_str().unwrap().to_string();
    let user_id = body["user"]["id"].as_i64().unwrap();
    if role == "owner" {
        let (status, body) = call(
            app,
            owner,
            Method::PUT,
            &format!("/api/team/members/{user_id}/role"),
            Some(json!({ "role": "owner" })),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    }
    (member, user_id)
}

/// The `token` query parameter of a join, reset or verification link.
pub fn token_of(url: &str) -> String {
    url.split("token=")
        .nth(1)
        .expect("a link with a token")
        .split(|c: char| c.is_whitespace() || c == '&')
        .next()
        .unwrap()
        .to_string()
}

/// The link in a message's text (the line starting with `http`).
pub fn link_in(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| l.starts_with("http"))
        .expect("a link in the message")
        .to_string()
}

/// The outbox summaries in one folder (`system`, or a workspace id), oldest first.
pub fn outbox(app: &TestApp, folder: &str) -> Vec<Value> {
    let dir = app.data_dir().join("outbox").join(folder);
    let mut found: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                .map(|e| {
                    let body = std::fs::read(e.path()).unwrap();
                    (
                        e.file_name().to_string_lossy().to_string(),
                        serde_json::from_slice(&body).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found.into_iter().map(|(_, v)| v).collect()
}

/// Waits (up to 10 s) for a message to `to` whose subject contains `subject` in an outbox
/// folder.
pub async fn mail_to(app: &TestApp, folder: &str, to: &str, subject: &str) -> Value {
    for _ in 0..200 {
        let found = outbox(app, folder)
            .into_iter()
            .rev()
            .find(|m| m["to"] == to && m["subject"].as_str().is_some_and(|s| s.contains(subject)));
        if let Some(m) = found {
            return m;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no mail to {to} in the {folder} outbox");
}

/// The current TOTP code for a base32 secret, or the code `steps` time steps away.
pub fn totp_code(secret: &str, steps: i64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_string())
        .to_bytes()
        .unwrap();
    let totp = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        None,
        String::new(),
    )
    .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    totp.generate((now + steps * 30) as u64)
}

/// A message an SMTP client delivered to the sink.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

/// A minimal SMTP server on loopback (plain text, no authentication): it accepts every
/// message and keeps it.
pub struct SmtpSink {
    pub port: u16,
    pub messages: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let store = messages.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let _ = session(socket, store).await;
                });
            }
        });
        SmtpSink { port, messages }
    }

    /// Waits (up to 10 s) for a message to `to`.
    pub async fn message_to(&self, to: &str) -> Received {
        for _ in 0..200 {
            if let Some(m) = self
                .messages
                .lock()
                .unwrap()
                .iter()
                .find(|m| m.to.iter().any(|t| t == to))
            {
                return m.clone();
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the SMTP sink received nothing for {to}");
    }
}

async fn session(
    socket: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<Received>>>,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 sink ESMTP\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250-sink\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&line);
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            to.push(address(&line));
            b"250 OK\r\n"
        } else if upper == "DATA" {
            write.write_all(b"354 go ahead\r\n").await?;
            let mut data = String::new();
            while let Some(l) = lines.next_line().await? {
                if l == "." {
                    break;
                }
                data.push_str(
                    l.strip_prefix('.')
                        .filter(|_| l.starts_with(".."))
                        .unwrap_or(&l),
                );
                data.push('\n');
            }
            store.lock().unwrap().push(Received {
                from: from.clone(),
                to: std::mem::take(&mut to),
                data,
            });
            b"250 queued\r\n"
        } else if upper == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"250 OK\r\n"
        };
        write.write_all(reply).await?;
    }
    Ok(())
}

fn address(line: &str) -> String {
    line.split_once(':')
        .map(|(_, a)| {
            a.trim()
                .trim_start_matches('<')
                .split('>')
                .next()
                .unwrap_or("")
                .to_string()
        })
        .unwrap_or_default()
}

/// Accepts an invitation signed out, creating an account (`email` for links; an email
/// invitation fixes its own). Returns the status and the body.
pub async fn accept_new(app: &TestApp, token: &str, email: Option<String>) -> (StatusCode, Value) {
    let body =
        json!({"token": token, "email": email, "name": "New Member", "password": "long enough pw"});
    let res = reqwest::Client::new()
        .post(app.url("/api/invites/accept"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The members of the caller's workspace (`GET /api/team/members`).
pub async fn members(app: &crate::helpers::TestApp, token: &str) -> Vec<Value> {
    let (status, body) = call(app, token, Method::GET, "/api/team/members", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}
