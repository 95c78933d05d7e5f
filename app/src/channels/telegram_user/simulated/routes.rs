//! The control routes of the simulated Telegram (`/api/simulated-telegram`), mounted only with
//! `telegram_user_backend = "simulated"`. They play Telegram's other side for tests and demos:
//! create accounts with chats, read the login code "sent to the app", scan a QR code, write as
//! a lead, impose flood waits, revoke sessions, add people to find by username or phone, and see
//! what an account sent, read and typed in.

use super::{NewAccount, NewPerson, Poke, SimulatedTelegram};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

pub fn router(sim: SimulatedTelegram) -> Router {
    Router::new()
        .route("/accounts", post(add_account))
        .route("/accounts/{phone}/code", get(code))
        .route("/accounts/{phone}/updates", post(poke))
        .route("/accounts/{phone}/flood", post(flood_send))
        .route("/accounts/{phone}/revoke", post(revoke))
        .route("/accounts/{phone}/sent", get(sent))
        .route("/accounts/{phone}/reads", get(reads))
        .route("/accounts/{phone}/listeners", get(listeners))
        .route("/accounts/{phone}/sessions", get(sessions))
        .route("/accounts/{phone}/login-flood", post(flood_login))
        .route("/accounts/{phone}/resolve-flood", post(flood_resolve))
        .route("/accounts/{phone}/typing", get(typing))
        .route("/people", post(add_person))
        .route("/qr/scan", post(scan))
        .route("/qr/ttl", post(qr_ttl))
        .with_state(sim)
}

fn refused(why: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": why }))).into_response()
}

async fn add_account(
    State(sim): State<SimulatedTelegram>,
    Json(new): Json<NewAccount>,
) -> Response {
    match sim.add_account(new) {
        Ok(()) => StatusCode::CREATED.into_response(),
        Err(why) => refused(why),
    }
}

async fn add_person(
    State(sim): State<SimulatedTelegram>,
    Json(person): Json<NewPerson>,
) -> Response {
    match sim.add_person(person) {
        Ok(()) => StatusCode::CREATED.into_response(),
        Err(why) => refused(why),
    }
}

async fn code(State(sim): State<SimulatedTelegram>, Path(phone): Path<String>) -> Response {
    match sim.code_for(&phone) {
        Some(code) => Json(json!({ "code": code })).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn poke(
    State(sim): State<SimulatedTelegram>,
    Path(phone): Path<String>,
    Json(poke): Json<Poke>,
) -> Response {
    match sim.poke(&phone, poke) {
        Ok(id) => Json(json!({ "id": id })).into_response(),
        Err(why) => refused(why),
    }
}

#[derive(Deserialize)]
struct Seconds {
    seconds: u64,
}

async fn flood_send(
    State(sim): State<SimulatedTelegram>,
    Path(phone): Path<String>,
    Json(s): Json<Seconds>,
) -> Response {
    match sim.flood_next_send(&phone, s.seconds) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(why) => refused(why),
    }
}

async fn flood_login(
    State(sim): State<SimulatedTelegram>,
    Path(phone): Path<String>,
    Json(s): Json<Seconds>,
) -> StatusCode {
    sim.flood_next_login(&phone, s.seconds);
    StatusCode::NO_CONTENT
}

async fn flood_resolve(
    State(sim): State<SimulatedTelegram>,
    Path(phone): Path<String>,
    Json(s): Json<Seconds>,
) -> Response {
    match sim.flood_next_resolve(&phone, s.seconds) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(why) => refused(why),
    }
}

async fn typing(State(sim): State<SimulatedTelegram>, Path(phone): Path<String>) -> Response {
    Json(json!({ "peers": sim.typing(&phone) })).into_response()
}

async fn listeners(State(sim): State<SimulatedTelegram>, Path(phone): Path<String>) -> Response {
    Json(json!({ "listeners": sim.listeners(&phone) })).into_response()
}

async fn sessions(State(sim): State<SimulatedTelegram>, Path(phone): Path<String>) -> Response {
    Json(json!({ "keys": sim.session_keys(&phone) })).into_response()
}

async fn revoke(State(sim): State<SimulatedTelegram>, Path(phone): Path<String>) -> StatusCode {
    sim.revoke_sessions(&phone);
    StatusCode::NO_CONTENT
}

async fn sent(State(sim): State<SimulatedTelegram>, Path(phone): Path<String>) -> Response {
    Json(sim.sent(&phone)).into_response()
}

async fn reads(State(sim): State<SimulatedTelegram>, Path(phone): Path<String>) -> Response {
    Json(sim.reads(&phone)).into_response()
}

#[derive(Deserialize)]
struct Scan {
    token: String,
    phone: String,
}

/// The rep scans the QR code with the Telegram app of `phone`; 410 when the code expired.
async fn scan(State(sim): State<SimulatedTelegram>, Json(s): Json<Scan>) -> Response {
    let token = s
        .token
        .rsplit("token=")
        .next()
        .unwrap_or(&s.token)
        .to_string();
    match sim.scan_qr(&token, &s.phone) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(why) => (StatusCode::GONE, Json(json!({ "error": why }))).into_response(),
    }
}

#[derive(Deserialize)]
struct Ttl {
    ms: i64,
}

async fn qr_ttl(State(sim): State<SimulatedTelegram>, Json(t): Json<Ttl>) -> StatusCode {
    sim.set_qr_ttl_ms(t.ms);
    StatusCode::NO_CONTENT
}
