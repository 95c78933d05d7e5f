//! Amounts read the way each language writes them (REST, server functions, CSV import), and
//! times shown in each member's time zone and language.

use crate::crm_support::{call, csv_text};
use crate::helpers::on_each_backend;
use crate::messaging_support::{eventually, new_bot, with_fake_telegram};
use fake_telegram::{FromUser, Inject};
use reqwest::{Method as M, StatusCode};
use serde_json::{json, Value};

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

#[tokio::test]
async fn an_amount_typed_in_russian_is_stored_in_minor_units_through_rest() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Amounts").await;
        for (amount, locale, currency, minor) in [
            ("1500,50", "ru", "RUB", 150_050),
            ("1 500,50", "ru", "RUB", 150_050),
            ("1\u{a0}500,5", "ru", "RUB", 150_050),
            ("1,500.50", "en", "USD", 150_050),
            ("1 500", "ru", "JPY", 1_500),
            ("1,5", "ru", "KWD", 1_500),
            ("", "ru", "EUR", 0),
        ] {
            let (s, deal) = call(
                &app,
                &t,
                M::POST,
                "/api/crm/deals",
                Some(json!({"title": "Typed", "amount": amount, "amountLocale": locale, "currency": currency})),
            )
            .await;
            assert_eq!(s, StatusCode::CREATED, "{amount} {deal}");
            assert_eq!((deal["valueMinor"].as_i64(), deal["currency"].as_str()), (Some(minor), Some(currency)), "{amount}");
        }
        // Read two ways, or with more decimals than the currency has: a field error, nothing saved.
        for (amount, currency, code) in [("1,500", "RUB", "amount_ambiguous"), ("1500,505", "RUB", "amount_decimals"), ("1500,5", "JPY", "amount_decimals"), ("12abc", "RUB", "amount_invalid")] {
            let (s, body) = call(&app, &t, M::POST, "/api/crm/deals", Some(json!({"title": "Bad", "amount": amount, "amountLocale": "ru", "currency": currency}))).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{amount} {body}");
            assert_eq!(body["code"], "VALIDATION", "{body}");
            assert_eq!((body["details"][0]["field"].as_str(), body["details"][0]["code"].as_str()), (Some("amount"), Some(code)), "{amount} {body}");
        }
        // A language the server does not read amounts in is refused, not guessed.
        let (s, body) = call(&app, &t, M::POST, "/api/crm/deals", Some(json!({"title": "Bad", "amount": "1,5", "amountLocale": "de", "currency": "EUR"}))).await;
        assert_eq!((s, body["details"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("amountLocale")), "{body}");
        let (_, list) = call(&app, &t, M::GET, "/api/crm/deals?search=bad", None).await;
        assert_eq!(list["pagination"]["total"], 0);
        // Without a locale the amount is read the English way; `valueMinor` alone still works.
        let (_, deal) = call(&app, &t, M::POST, "/api/crm/deals", Some(json!({"title": "En", "amount": "2,000.25", "currency": "USD"}))).await;
        assert_eq!(deal["valueMinor"], 200_025);
        let (_, deal) = call(&app, &t, M::POST, "/api/crm/deals", Some(json!({"title": "Minor", "valueMinor": 42}))).await;
        assert_eq!(deal["valueMinor"], 42);
        // Editing reads the amount the same way.
        let (s, edited) = call(&app, &t, M::PUT, &format!("/api/crm/deals/{}", deal["id"]), Some(json!({"title": "Minor", "amount": "3 000,75", "amountLocale": "ru", "currency": "EUR"}))).await;
        assert_eq!(s, StatusCode::OK, "{edited}");
        assert_eq!(edited["valueMinor"], 300_075);
    })
    .await;
}

#[tokio::test]
async fn the_deal_form_server_function_reads_the_amount_in_the_language_it_was_typed_in() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Form").await;
        let save = |amount: &'static str| {
            let form = [
                ("input[title]", "Reproduction"),
                ("input[amount]", amount),
                ("input[amountLocale]", "ru"),
                ("input[currency]", "RUB"),
            ];
            app.client
                .post(app.url("/sfn/save_deal"))
                .bearer_auth(&t)
                .form(&form)
                .send()
        };
        let res = save("1500,50").await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let deal: Value = res.json().await.unwrap();
        assert_eq!(
            (deal["valueMinor"].as_i64(), deal["currency"].as_str()),
            (Some(150_050), Some("RUB")),
            "{deal}"
        );
        let res = save("1,500").await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let error: Value = res.json().await.unwrap();
        assert_eq!(error["details"][0]["code"], "amount_ambiguous", "{error}");
    })
    .await;
}

#[tokio::test]
async fn a_csv_import_reads_deal_values_with_the_decimal_separator_it_is_given() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Import amounts").await;
        let file = csv_text(&[
            row(&["Имя", "Почта", "Сделка", "Сумма сделки", "Валюта"]),
            row(&["Анна", "anna@example.ru", "Поставка", "1 500,50", "rub"]),
            row(&["Борис", "boris@example.ru", "Пилот", "1500", ""]),
            row(&["Вера", "vera@example.ru", "Сервис", "1,500", "RUB"]),
        ]);
        let body = json!({"csv": file, "decimalSeparator": "comma"});
        let (s, preview) = call(
            &app,
            &t,
            M::POST,
            "/api/crm/contacts/import/preview",
            Some(body.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{preview}");
        assert_eq!(preview["suggestedMapping"]["Сумма сделки"], "dealValue");
        assert_eq!(preview["suggestedMapping"]["Сделка"], "dealTitle");
        assert_eq!(preview["suggestedMapping"]["Валюта"], "dealCurrency");
        let rows = preview["rows"].as_array().unwrap();
        assert_eq!(
            (
                rows[0]["dealValueMinor"].as_i64(),
                rows[0]["dealCurrency"].as_str()
            ),
            (Some(150_050), Some("RUB")),
            "the preview shows the value as read"
        );
        assert_eq!(
            (
                rows[1]["dealValueMinor"].as_i64(),
                rows[1]["dealCurrency"].as_str()
            ),
            (Some(150_000), Some("USD"))
        );
        assert_eq!(
            (
                rows[2]["action"].as_str(),
                rows[2]["errors"][0]["field"].as_str(),
                rows[2]["errors"][0]["code"].as_str()
            ),
            (Some("fail"), Some("dealValue"), Some("amount_ambiguous"))
        );

        // The same file read with points: "1 500,50" is now the ambiguous one.
        let (_, as_points) = call(
            &app,
            &t,
            M::POST,
            "/api/crm/contacts/import/preview",
            Some(json!({"csv": body["csv"], "decimalSeparator": "point"})),
        )
        .await;
        assert_eq!(as_points["rows"][0]["action"], "fail", "{as_points}");
        assert_eq!(as_points["rows"][2]["dealValueMinor"], 150_000);

        let (s, report) = call(
            &app,
            &t,
            M::POST,
            "/api/crm/contacts/import",
            Some(body.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{report}");
        assert_eq!(
            (
                report["created"].as_i64(),
                report["dealsCreated"].as_i64(),
                report["failed"].as_array().map(Vec::len)
            ),
            (Some(2), Some(2), Some(1)),
            "{report}"
        );
        let (_, deals) = call(&app, &t, M::GET, "/api/crm/deals?sort=title", None).await;
        let got: Vec<(&str, i64, &str, &str)> = deals["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["title"].as_str().unwrap(),
                    d["valueMinor"].as_i64().unwrap(),
                    d["currency"].as_str().unwrap(),
                    d["contactName"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("Пилот", 150_000, "USD", "Борис"),
                ("Поставка", 150_050, "RUB", "Анна")
            ]
        );

        // Importing the file again gives no second deal.
        let (_, again) = call(&app, &t, M::POST, "/api/crm/contacts/import", Some(body)).await;
        assert_eq!(
            (again["unchanged"].as_i64(), again["dealsCreated"].as_i64()),
            (Some(2), Some(0)),
            "{again}"
        );
    })
    .await;
}

/// The conversation page rendered for a member with these cookies.
async fn inbox_page(
    app: &crate::helpers::TestApp,
    token: &str,
    conversation: i64,
    cookies: &str,
) -> String {
    app.client
        .get(app.url(&format!("/inbox?c={conversation}")))
        .header("cookie", format!("parley_session={token}; {cookies}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_members_time_zone_moves_a_message_to_its_own_day() {
    with_fake_telegram(|app, fake| async move {
        let (t, _) = app.new_account("Zones").await;
        let (bot, _) = new_bot(&fake);
        let (s, account) = call(
            &app,
            &t,
            M::POST,
            "/api/messaging/accounts",
            Some(json!({"type": "telegram_bot", "token": bot})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{account}");
        // 2026-12-05 22:30 UTC: still the 5th in London, already the 6th in Vladivostok (UTC+10).
        fake.inject_message(
            Inject::text(
                &bot,
                FromUser::new(777_001, "Lena"),
                "Late evening question",
            )
            .at(1_796_509_800),
        )
        .unwrap();
        let chat = eventually("the chat", || async {
            let (_, chats) = call(&app, &t, M::GET, "/api/messaging/chats", None).await;
            chats["items"].as_array().and_then(|a| a.first().cloned())
        })
        .await;
        let id = chat["id"].as_i64().unwrap();

        let utc = inbox_page(&app, &t, id, "parley_tz=UTC; parley_lang=en").await;
        assert!(
            utc.contains("datetime=\"2026-12-05\"") && utc.contains("December 5, 2026"),
            "UTC day separator"
        );
        assert!(utc.contains("10:30\u{a0}PM"), "the message's time in UTC");

        let east = inbox_page(&app, &t, id, "parley_tz=Asia/Vladivostok; parley_lang=en").await;
        assert!(
            east.contains("datetime=\"2026-12-06\"") && east.contains("December 6, 2026"),
            "Vladivostok's day separator"
        );
        assert!(
            east.contains("8:30\u{a0}AM"),
            "the message's time in Vladivostok"
        );
        assert!(!east.contains("December 5, 2026"));

        let russian = inbox_page(&app, &t, id, "parley_tz=Asia/Vladivostok; parley_lang=ru").await;
        assert!(
            russian.contains("6 декабря 2026 г.") && russian.contains("08:30"),
            "Russian words and a 24-hour clock"
        );
    })
    .await;
}

#[tokio::test]
async fn joining_by_invitation_keeps_the_browsers_language_and_time_zone() {
    on_each_backend(|app| async move {
        let (owner, _) = app.new_account("Joined").await;
        let (s, link) = call(&app, &owner, M::POST, "/api/team/invite-links", Some(json!({"role": "rep", "maxUses": 2}))).await;
        assert_eq!(s, StatusCode::CREATED, "{link}");
        let token = crate::team_support::token_of(link["url"].as_str().unwrap());
        let join = |email: &str, locale: &str, zone: &str| {
            json!({"token": token, "email": email, "name": "Новый", "password": "long enough pw", "locale": locale, "timeZone": zone})
        };
        let res = reqwest::Client::new().post(app.url("/api/invites/accept")).json(&join("ru-joiner@example.com", "ru", "Asia/Vladivostok")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        assert_eq!((body["user"]["locale"].as_str(), body["user"]["timeZone"].as_str()), (Some("ru"), Some("Asia/Vladivostok")), "{body}");
        // Unknown values fall back instead of refusing the join.
        let res = reqwest::Client::new().post(app.url("/api/invites/accept")).json(&join("other-joiner@example.com", "xx", "Mars/Olympus")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        assert_eq!((body["user"]["locale"].as_str(), body["user"]["timeZone"].as_str()), (Some("en"), Some("UTC")), "{body}");
    })
    .await;
}

/// The `name=value` of every cookie a response sets.
fn cookies_set(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn the_members_language_and_zone_reach_the_page_through_sign_in_cookies() {
    on_each_backend(|app| async move {
        let email = crate::helpers::unique_email("zone");
        let (s, body) = app
            .sign_up(&email, "correct horse battery", "Cookies")
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let token = body["accessToken"].as_str().unwrap();
        let res = app
            .client
            .post(app.url("/sfn/update_profile"))
            .bearer_auth(token)
            .form(&[
                ("input[locale]", "ru"),
                ("input[timeZone]", "asia/vladivostok"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let set = cookies_set(&res);
        assert!(
            set.contains(&"parley_tz=Asia/Vladivostok".to_string()),
            "{set:?}"
        );

        // A new browser signs in: the cookies come from the account, and the page renders in them.
        let fresh = reqwest::Client::new();
        let res = app
            .sign_in_form(&fresh, &email, "correct horse battery")
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let cookies = cookies_set(&res);
        assert!(
            cookies.contains(&"parley_lang=ru".to_string())
                && cookies.contains(&"parley_tz=Asia/Vladivostok".to_string()),
            "{cookies:?}"
        );
        let page = fresh
            .get(app.url("/"))
            .header("cookie", cookies.join("; "))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("lang=\"ru\"") && page.contains("data-tz=\"Asia/Vladivostok\""),
            "the page renders in the member's language and zone"
        );
        // A zone the server does not know is never passed on to the browser.
        let page = fresh
            .get(app.url("/signin"))
            .header("cookie", "parley_tz=Mars/Olympus")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("data-tz=\"UTC\""));
    })
    .await;
}
