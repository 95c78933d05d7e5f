//! A started fake with one registered bot, and a plain reqwest client that talks to it the
//! way a Bot API client does.

#![allow(
    dead_code,
    reason = "shared by several test binaries, each using part of it"
)]

use fake_telegram::{FakeTelegram, FromUser, Inject, NewBot};
use serde_json::Value;

/// The token of the bot every test registers.
pub const TOKEN: &str = "123456789:AAE-test_secret";
/// The user who writes to the bot in tests.
pub const ALICE: i64 = 5_550_001;

pub struct TestBot {
    pub fake: FakeTelegram,
    pub http: reqwest::Client,
}

impl TestBot {
    /// Starts a fake on a free loopback port with the `parley_test_bot` bot registered.
    pub async fn start() -> TestBot {
        let fake = FakeTelegram::start("127.0.0.1:0".parse().expect("loopback address"))
            .await
            .expect("the fake starts");
        fake.add_bot(NewBot::new(TOKEN, "parley_test_bot"))
            .expect("the bot registers");
        TestBot {
            fake,
            http: reqwest::Client::new(),
        }
    }

    pub fn method_url(&self, method: &str) -> String {
        format!("{}/bot{TOKEN}/{method}", self.fake.base_url())
    }

    /// POSTs `params` as JSON; answers the HTTP status and the decoded body.
    pub async fn call(&self, method: &str, params: Value) -> (u16, Value) {
        let response = self
            .http
            .post(self.method_url(method))
            .json(&params)
            .send()
            .await
            .expect("the fake answers");
        decode(response).await
    }

    /// Alice writes `text` to the bot; answers the update.
    pub fn alice_says(&self, text: &str) -> Value {
        let alice = FromUser {
            username: Some("alice".into()),
            ..FromUser::new(ALICE, "Alice")
        };
        self.fake
            .inject_message(Inject::text(TOKEN, alice, text))
            .expect("the message is injected")
    }
}

pub async fn decode(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.json().await.expect("a JSON body");
    (status, body)
}
