//! `POST /api/crm/contacts/import/preview` and `POST /api/crm/contacts/import`.

use crate::crm_support::{call, csv_text, owner_and_viewer};
use crate::helpers::on_each_backend;
use reqwest::Method as M;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Instant;

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// 50 people; rows 9, 21 and 35 (data rows 8, 20 and 34) are invalid.
fn fifty_rows_three_bad() -> String {
    let mut rows = vec![row(&[
        "First name",
        "Last name",
        "Email",
        "Phone",
        "Company",
        "Telegram",
    ])];
    for i in 0..50 {
        let email = if i == 7 {
            "not-an-email".to_string()
        } else {
            format!("p{i}@mail.example")
        };
        let phone = if i == 19 {
            "call me maybe".to_string()
        } else {
            format!("+1 555 01{i:02}")
        };
        let (first, last) = if i == 33 {
            (String::new(), String::new())
        } else {
            (format!("Person{i}"), "Tester".to_string())
        };
        let company = if i % 5 == 0 { "Northwind" } else { "" };
        rows.push(vec![
            first,
            last,
            email,
            phone,
            company.into(),
            format!("@tg_person_{i}"),
        ]);
    }
    csv_text(&rows)
}

async fn count_events(app: &crate::helpers::TestApp, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE type = $1")
        .bind(kind)
        .fetch_one(&app.db().await)
        .await
        .unwrap()
}

#[tokio::test]
async fn importing_fifty_rows_with_three_bad_ones_creates_the_rest_and_reports_the_bad_rows() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Import").await;
        let (s, report) = call(
            &app,
            &t,
            M::POST,
            "/api/crm/contacts/import",
            Some(json!({"csv": fifty_rows_three_bad()})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{report}");
        assert_eq!(
            (report["created"].as_i64(), report["updated"].as_i64()),
            (Some(47), Some(0)),
            "{report}"
        );
        assert_eq!(report["companiesCreated"], 1);
        let failed: Vec<(i64, &str)> = report["failed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["row"].as_i64().unwrap(),
                    f["details"][0]["field"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(failed, [(9, "email"), (21, "phone"), (35, "displayName")]);
        assert_eq!(
            report["failed"][0]["reason"],
            "email: Enter a valid email address"
        );

        let (_, list) = call(
            &app,
            &t,
            M::GET,
            "/api/crm/contacts?search=tester&limit=1",
            None,
        )
        .await;
        assert_eq!(list["pagination"]["total"], 47);
        let (_, northwind) =
            call(&app, &t, M::GET, "/api/crm/contacts?search=northwind", None).await;
        assert_eq!(
            northwind["pagination"]["total"], 10,
            "search sees the company name of imported contacts"
        );
        let (_, one) = call(&app, &t, M::GET, "/api/crm/contacts?search=p12@mail", None).await;
        assert_eq!(one["items"][0]["telegramUsername"], "tg_person_12");
        assert_eq!(
            count_events(&app, "contacts.imported").await,
            1,
            "one event for the whole import"
        );
        let (_, timeline) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/crm/contacts/{}/activities", one["items"][0]["id"]),
            None,
        )
        .await;
        assert_eq!(timeline[0]["kind"], "created");
    })
    .await;
}

#[tokio::test]
async fn import_updates_contacts_matched_by_email_or_telegram_username() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Match").await;
        let (_, ada) = call(&app, &t, M::POST, "/api/crm/contacts", Some(json!({"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"}))).await;
        let (_, bob) = call(&app, &t, M::POST, "/api/crm/contacts", Some(json!({"displayName": "Bob", "telegramUsername": "Bob_TG", "email": "bob@example.com"}))).await;
        let file = csv_text(&[
            row(&["Email", "Telegram username", "Phone", "Last name"]),
            row(&["ADA@Example.com", "", "+44 20 7946 0000", "King"]),
            row(&["", "@bob_tg", "+1 555 0100", ""]),
            row(&["new@example.com", "", "", "Newman"]),
            row(&["ada@example.com", "", "+44 20 7946 0000", "King"]),
        ]);
        let (s, report) = call(&app, &t, M::POST, "/api/crm/contacts/import", Some(json!({"csv": file}))).await;
        assert_eq!(s, StatusCode::OK, "{report}");
        assert_eq!(report, json!({"created": 1, "updated": 2, "unchanged": 1, "companiesCreated": 0, "dealsCreated": 0, "failed": []}));

        let (_, ada) = call(&app, &t, M::GET, &format!("/api/crm/contacts/{}", ada["id"]), None).await;
        assert_eq!((ada["phone"].as_str(), ada["lastName"].as_str()), (Some("+44 20 7946 0000"), Some("King")));
        assert_eq!(ada["displayName"], "Ada King", "a display name made of the names follows them");
        assert_eq!(ada["email"], "ada@example.com");
        let (_, bob) = call(&app, &t, M::GET, &format!("/api/crm/contacts/{}", bob["id"]), None).await;
        assert_eq!(bob["phone"], "+1 555 0100");
        assert_eq!((bob["displayName"].as_str(), bob["email"].as_str()), (Some("Bob"), Some("bob@example.com")), "empty cells keep what was there");
        let (_, all) = call(&app, &t, M::GET, "/api/crm/contacts", None).await;
        assert_eq!(all["pagination"]["total"], 3);
        let (_, timeline) = call(&app, &t, M::GET, &format!("/api/crm/contacts/{}/activities", ada["id"]), None).await;
        assert_eq!(timeline[0]["kind"], "edited");
    })
    .await;
}

#[tokio::test]
async fn import_follows_the_given_mapping_and_finds_or_creates_companies_by_name() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Mapping").await;
        let (_, acme) = call(&app, &t, M::POST, "/api/crm/companies", Some(json!({"name": "Acme Corp"}))).await;
        let file = "Col A;Col B;Col C;Notes\nGrace;grace@navy.example;acme corp;x\nLinus;linus@example.org;Globex;y\nKen;ken@example.org;GLOBEX ;z\n";
        let mapping = json!({"Col A": "displayName", "Col B": "email", "Col C": "company", "Notes": null});
        let (s, report) = call(&app, &t, M::POST, "/api/crm/contacts/import", Some(json!({"csv": file, "mapping": mapping}))).await;
        assert_eq!(s, StatusCode::OK, "{report}");
        assert_eq!((report["created"].as_i64(), report["companiesCreated"].as_i64()), (Some(3), Some(1)), "{report}");
        let (_, grace) = call(&app, &t, M::GET, "/api/crm/contacts?search=grace", None).await;
        assert_eq!(grace["items"][0]["companyId"], acme["id"], "matched ignoring case");
        let (_, globex) = call(&app, &t, M::GET, "/api/crm/contacts?search=globex&sort=name", None).await;
        let items = globex["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["companyId"], items[1]["companyId"], "one Globex for both rows");
        assert_eq!(items[0]["companyName"], "Globex");
        let (_, companies) = call(&app, &t, M::GET, "/api/crm/companies?search=globex", None).await;
        assert_eq!(companies["items"][0]["contactCount"], 2, "the created company is searchable");

        for (mapping, code) in [
            (json!({"Nope": "email"}), "VALIDATION"),
            (json!({"Col A": "email", "Col B": "email"}), "VALIDATION"),
            (json!({"Col A": null}), "VALIDATION"),
            (json!({"Col A": "favouriteColour"}), "BAD_REQUEST"),
        ] {
            let (s, body) = call(&app, &t, M::POST, "/api/crm/contacts/import", Some(json!({"csv": file, "mapping": mapping}))).await;
            assert_eq!((s, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some(code)), "{mapping}: {body}");
        }
        let (s, body) = call(&app, &t, M::POST, "/api/crm/contacts/import", Some(json!({"csv": ""}))).await;
        assert_eq!((s, body["details"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("csv")));
    })
    .await;
}

#[tokio::test]
async fn preview_suggests_a_mapping_from_russian_headers_and_shows_what_rows_would_do() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Preview").await;
        call(&app, &t, M::POST, "/api/crm/contacts", Some(json!({"displayName": "Иван Петров", "email": "ivan0@example.ru"}))).await;
        let mut rows = vec![row(&["Имя", "Фамилия", "Почта", "Телефон", "Компания", "Telegram", "Отчество"])];
        for i in 0..25 {
            let email = if i == 1 { "broken@".to_string() } else { format!("ivan{i}@example.ru") };
            rows.push(vec!["Иван".into(), format!("Петров{i}"), email, "+7 900 000-00-00".into(), "Ромашка".into(), format!("ivan_{i}"), "Иванович".into()]);
        }
        let (s, preview) = call(&app, &t, M::POST, "/api/crm/contacts/import/preview", Some(json!({"csv": csv_text(&rows)}))).await;
        assert_eq!(s, StatusCode::OK, "{preview}");
        assert_eq!(preview["total"], 25);
        assert_eq!(preview["columns"][0], "Имя");
        assert_eq!(
            preview["suggestedMapping"],
            json!({"Имя": "firstName", "Фамилия": "lastName", "Почта": "email", "Телефон": "phone", "Компания": "company", "Telegram": "telegramUsername", "Отчество": null})
        );
        let shown = preview["rows"].as_array().unwrap();
        assert_eq!(shown.len(), 20);
        assert_eq!((shown[0]["row"].as_i64(), shown[0]["action"].as_str()), (Some(2), Some("update")), "matches by email");
        assert_eq!(shown[0]["values"]["lastName"], "Петров0");
        assert_eq!((shown[1]["action"].as_str(), shown[1]["errors"][0]["field"].as_str()), (Some("fail"), Some("email")));
        assert_eq!(shown[2]["action"], "create");
        let (_, list) = call(&app, &t, M::GET, "/api/crm/contacts", None).await;
        assert_eq!(list["pagination"]["total"], 1, "a preview writes nothing");
        let (_, companies) = call(&app, &t, M::GET, "/api/crm/companies", None).await;
        assert_eq!(companies["pagination"]["total"], 0);
    })
    .await;
}

#[tokio::test]
async fn an_import_never_touches_another_workspaces_contacts() {
    on_each_backend(|app| async move {
        let (a, _) = app.new_account("A").await;
        let (b, _) = app.new_account("B").await;
        let (_, theirs) = call(&app, &b, M::POST, "/api/crm/contacts", Some(json!({"displayName": "Theirs", "email": "shared@example.com", "telegramUsername": "shared_tg"}))).await;
        let file = "Name,Email,Telegram,Phone\nMine,shared@example.com,,+1 555 0001\nAlso mine,,shared_tg,+1 555 0002\n";
        let (s, report) = call(&app, &a, M::POST, "/api/crm/contacts/import", Some(json!({"csv": file}))).await;
        assert_eq!(s, StatusCode::OK, "{report}");
        assert_eq!((report["created"].as_i64(), report["updated"].as_i64()), (Some(2), Some(0)), "{report}");
        let (_, after) = call(&app, &b, M::GET, &format!("/api/crm/contacts/{}", theirs["id"]), None).await;
        assert_eq!(after, theirs, "B's contact is as it was");
        let (_, mine) = call(&app, &a, M::GET, "/api/crm/contacts", None).await;
        assert_eq!(mine["pagination"]["total"], 2);
    })
    .await;
}

#[tokio::test]
async fn viewers_cannot_import_or_preview_but_can_export() {
    on_each_backend(|app| async move {
        let (_, _, viewer) = owner_and_viewer(&app).await;
        let body = json!({"csv": "Name\nSomeone\n"});
        for path in [
            "/api/crm/contacts/import",
            "/api/crm/contacts/import/preview",
        ] {
            let (s, err) = call(&app, &viewer, M::POST, path, Some(body.clone())).await;
            assert_eq!(
                (s, err["code"].as_str()),
                (StatusCode::FORBIDDEN, Some("FORBIDDEN")),
                "{path}"
            );
        }
        let res = app
            .client
            .get(app.url("/api/crm/contacts/export.csv"))
            .bearer_auth(&viewer)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn importing_ten_thousand_rows_fits_the_body_limit_and_is_timed() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Bulk").await;
        let mut rows = vec![row(&[
            "First name",
            "Last name",
            "Email",
            "Phone",
            "Company",
            "Telegram",
            "Notes",
        ])];
        for i in 0..10_000 {
            rows.push(vec![
                format!("First{i}"),
                format!("Last{i}"),
                format!("person{i}@bulk.example.com"),
                format!("+1 555 {:03} {:04}", i / 1000, i % 10_000),
                format!("Company {}", i % 100),
                format!("bulk_user_{i}"),
                "Met at the trade fair; follow up in spring".into(),
            ]);
        }
        let file = csv_text(&rows);
        assert!(
            file.len() > 1024 * 1024,
            "the file is larger than the default body limit"
        );
        let started = Instant::now();
        let (s, report) = call(
            &app,
            &t,
            M::POST,
            "/api/crm/contacts/import",
            Some(json!({"csv": file})),
        )
        .await;
        let elapsed = started.elapsed();
        assert_eq!(s, StatusCode::OK, "{report}");
        assert_eq!(
            (
                report["created"].as_i64(),
                report["companiesCreated"].as_i64()
            ),
            (Some(10_000), Some(100))
        );
        let backend = if app.is_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        };
        eprintln!("10,000-row import on {backend}: {} ms", elapsed.as_millis());
        let (_, found) = call(
            &app,
            &t,
            M::GET,
            "/api/crm/contacts?search=person9999@",
            None,
        )
        .await;
        assert_eq!(found["pagination"]["total"], 1);
        let _: Value = found;
    })
    .await;
}

#[tokio::test]
async fn a_file_over_the_row_limit_is_refused_whole() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Too many").await;
        let mut file = String::from("Name,Email\n");
        for i in 0..20_001 {
            file.push_str(&format!("Person {i},p{i}@limit.example\n"));
        }
        let (s, body) = call(
            &app,
            &t,
            M::POST,
            "/api/crm/contacts/import",
            Some(json!({"csv": file})),
        )
        .await;
        assert_eq!(
            (s, body["details"][0]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some("csv")),
            "{body}"
        );
        assert!(
            body["details"][0]["message"]
                .as_str()
                .unwrap()
                .contains("20000"),
            "{body}"
        );
        let (_, list) = call(&app, &t, M::GET, "/api/crm/contacts", None).await;
        assert_eq!(list["pagination"]["total"], 0);
    })
    .await;
}
