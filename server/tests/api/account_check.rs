//! "Check connection" (`POST /api/messaging/accounts/{id}/check`): the channel asks the network
//! about the account (a bot's `getMe` at the fake Bot API server, a user account's profile in
//! the simulated Telegram) and what it hears becomes the account's health; the rules the server
//! checks on the way.

use crate::crm_support::call;
use crate::messaging_support::{connected_chat, new_bot, with_fake_telegram};
use crate::team_support::join_as;
use crate::telegram_user_support::{
    account_in_state, connect, set_app, sim, telegram_account, with_simulated,
};
use reqwest::{Method as M, StatusCode};
use serde_json::Value;

async fn check(app: &crate::helpers::TestApp, token: &str, account: i64) -> (StatusCode, Value) {
    call(
        app,
        token,
        M::POST,
        &format!("/api/messaging/accounts/{account}/check"),
        None,
    )
    .await
}

fn get_me_calls(fake: &fake_telegram::FakeTelegram, bot: &str) -> usize {
    fake.call_log(bot)
        .unwrap()
        .iter()
        .filter(|c| c.method == "getMe")
        .count()
}

#[tokio::test]
async fn checking_a_bot_asks_telegram_and_records_what_it_heard() {
    with_fake_telegram(|app, fake| async move {
        let (owner, _) = app.new_account("Check bot").await;
        let (bot, _) = new_bot(&fake);
        let (account, _) = connected_chat(&app, &owner, &fake, &bot).await;

        // It works: Telegram was asked again, and the account is connected.
        let before = get_me_calls(&fake, &bot);
        let (s, found) = check(&app, &owner, account).await;
        assert_eq!(s, StatusCode::OK, "{found}");
        assert_eq!(found["checked"], true);
        assert_eq!(found["error"], "");
        assert_eq!(found["account"]["id"], account);
        assert_eq!(found["account"]["status"], "connected");
        assert_eq!(get_me_calls(&fake, &bot), before + 1);

        // Telegram asks to wait: the account shows the wait and its end.
        fake.fail_next_with_429(&bot, Some("getMe"), 1, 30).unwrap();
        let (s, found) = check(&app, &owner, account).await;
        assert_eq!(s, StatusCode::OK, "{found}");
        assert_eq!(found["account"]["status"], "flood_wait");
        let until = found["account"]["floodWaitUntil"].as_i64().unwrap();
        let now = now_ms();
        assert!(
            until > now + 20_000 && until <= now + 31_000,
            "{until} vs {now}"
        );
        // A later call that succeeds does not lift a wait Telegram set.
        let before = get_me_calls(&fake, &bot);
        let (_, found) = check(&app, &owner, account).await;
        assert_eq!(found["checked"], true);
        assert_eq!(found["error"], "");
        assert_eq!(found["account"]["status"], "flood_wait");
        assert_eq!(found["account"]["floodWaitUntil"], until);
        assert_eq!(get_me_calls(&fake, &bot), before + 1);

        // The token was revoked in BotFather (the poller's long poll is not woken): the check
        // finds out, and the account needs connecting again.
        fake.revoke_token(&bot).unwrap();
        let (s, found) = check(&app, &owner, account).await;
        assert_eq!(s, StatusCode::OK, "{found}");
        assert_eq!(found["checked"], true);
        assert_eq!(found["account"]["status"], "needs_relogin");
        assert!(!found["account"]["lastError"].as_str().unwrap().is_empty());
        let revoked = fake.call_log(&bot).unwrap();
        assert_eq!(
            revoked
                .iter()
                .filter(|c| c.status == 401)
                .map(|c| c.method.as_str())
                .next(),
            Some("getMe"),
            "the check, not the poller, met the revoked token first"
        );
        // Only a new connection leaves that state: checking again answers at once.
        let (_, again) = check(&app, &owner, account).await;
        assert_eq!(again["account"]["status"], "needs_relogin");
        assert_eq!(get_me_calls(&fake, &bot), before + 2);
    })
    .await;
}

#[tokio::test]
async fn checking_a_user_account_asks_through_its_connection() {
    with_simulated(|app| async move {
        let (owner, _) = app.new_account("Check user").await;
        set_app(&app, &owner).await;
        let phone = telegram_account(&app, None).await;
        let account = connect(&app, &owner, &phone, None).await;
        account_in_state(&app, &owner, account, "connected").await;

        let (s, found) = check(&app, &owner, account).await;
        assert_eq!(s, StatusCode::OK, "{found}");
        assert_eq!(found["checked"], true);
        assert_eq!(found["account"]["status"], "connected");

        // The rep ended Parley's session from their phone: the account needs logging in
        // again, and a check answers that at once (only a new login leaves it).
        sim(&app, M::POST, &format!("/accounts/{phone}/revoke"), None).await;
        account_in_state(&app, &owner, account, "needs_relogin").await;
        let (s, found) = check(&app, &owner, account).await;
        assert_eq!(s, StatusCode::OK, "{found}");
        assert_eq!(found["checked"], true);
        assert_eq!(found["account"]["status"], "needs_relogin");
    })
    .await;
}

#[tokio::test]
async fn a_check_needs_the_right_to_connect_the_account_in_its_workspace() {
    with_fake_telegram(|app, fake| async move {
        let (owner, _) = app.new_account("Check rules").await;
        let (bot, _) = new_bot(&fake);
        let (account, _) = connected_chat(&app, &owner, &fake, &bot).await;

        let (viewer, _) = join_as(&app, &owner, "viewer").await;
        let (s, body) = check(&app, &viewer, account).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
        // A rep may check their own accounts only; this one is the owner's.
        let (rep, _) = join_as(&app, &owner, "rep").await;
        let (s, body) = check(&app, &rep, account).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");

        let (stranger, _) = app.new_account("Elsewhere").await;
        let (s, body) = check(&app, &stranger, account).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
        let (s, body) = check(&app, &owner, 999_999_999).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{body}");

        let (s, _) = call(
            &app,
            &owner,
            M::DELETE,
            &format!("/api/messaging/accounts/{account}"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, body) = check(&app, &owner, account).await;
        assert_eq!(s, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["code"], "CONFLICT");
    })
    .await;
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}
