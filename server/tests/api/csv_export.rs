//! `GET /api/crm/{contacts,companies,deals}/export.csv`.

use crate::crm_support::{call, download};
use crate::helpers::on_each_backend;
use reqwest::Method as M;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn export_csv_is_served_by_the_export_and_not_taken_for_a_record_id() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Routes").await;
        for kind in ["contacts", "companies", "deals"] {
            let d = download(&app, &t, &format!("/api/crm/{kind}/export.csv")).await;
            assert_eq!(d.status, StatusCode::OK, "{kind}");
            assert_eq!(d.content_type, "text/csv; charset=utf-8");
            assert!(
                d.disposition
                    .starts_with(&format!("attachment; filename=\"{kind}-")),
                "{}",
                d.disposition
            );
            assert_eq!(d.rows.len(), 1, "only the header in an empty workspace");
            assert_eq!(d.rows[0][0], "ID");
            let (s, body) = call(
                &app,
                &t,
                M::GET,
                &format!("/api/crm/{kind}/123456789"),
                None,
            )
            .await;
            assert_eq!(
                (s, body["code"].as_str()),
                (StatusCode::NOT_FOUND, Some("NOT_FOUND")),
                "{kind}/{{id}} still works"
            );
        }
        // A client without the session cookie.
        let res = reqwest::Client::new()
            .get(app.url("/api/crm/contacts/export.csv"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn contact_export_honours_search_filters_and_sort_and_escapes_formula_cells() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Export").await;
        let (_, acme) = call(&app, &t, M::POST, "/api/crm/companies", Some(json!({"name": "Acme"}))).await;
        for body in [
            json!({"displayName": "=HYPERLINK(\"http://evil.example\")", "phone": "+1 555 0100", "email": "formula@example.com", "companyId": acme["id"]}),
            json!({"displayName": "@SUM(1+1)", "firstName": "-minus", "companyId": acme["id"]}),
            json!({"displayName": "Zed Plain", "email": "zed@example.com", "telegramUsername": "zed_tg"}),
        ] {
            let (s, c) = call(&app, &t, M::POST, "/api/crm/contacts", Some(body)).await;
            assert_eq!(s, StatusCode::CREATED, "{c}");
        }
        let all = download(&app, &t, "/api/crm/contacts/export.csv?sort=name&limit=1&page=7").await;
        assert_eq!(all.rows[0], ["ID", "Display name", "First name", "Last name", "Email", "Phone", "Telegram username", "Telegram user ID", "Company", "Owner", "Created at (UTC)", "Updated at (UTC)"]);
        let names: Vec<&str> = all.rows[1..].iter().map(|r| r[1].as_str()).collect();
        assert_eq!(names, ["'=HYPERLINK(\"http://evil.example\")", "'@SUM(1+1)", "Zed Plain"], "every row, sorted, paging ignored");
        assert_eq!(all.rows[1][5], "'+1 555 0100");
        assert_eq!(all.rows[1][8], "Acme");
        assert_eq!(all.rows[2][2], "'-minus");
        assert_eq!(all.rows[3][6], "zed_tg");
        assert!(all.rows[3][10].len() == 19 && all.rows[3][10].starts_with("20"), "{}", all.rows[3][10]);

        let searched = download(&app, &t, "/api/crm/contacts/export.csv?search=acme").await;
        assert_eq!(searched.rows.len(), 3, "the two contacts of Acme, found by their company's name");
        let filtered = download(&app, &t, &format!("/api/crm/contacts/export.csv?companyId={}&sort=-name", acme["id"])).await;
        let names: Vec<&str> = filtered.rows[1..].iter().map(|r| r[1].as_str()).collect();
        assert_eq!(names, ["'@SUM(1+1)", "'=HYPERLINK(\"http://evil.example\")"]);
        let none = download(&app, &t, "/api/crm/contacts/export.csv?search=nobody-at-all").await;
        assert_eq!(none.rows.len(), 1);
        let (s, body) = call(&app, &t, M::GET, "/api/crm/contacts/export.csv?companyId=abc", None).await;
        assert_eq!((s, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("BAD_REQUEST")));

        let (other, _) = app.new_account("Other").await;
        let theirs = download(&app, &other, "/api/crm/contacts/export.csv").await;
        assert_eq!(theirs.rows.len(), 1, "another workspace sees none of them");
    })
    .await;
}

#[tokio::test]
async fn company_and_deal_exports_honour_filters_and_escape_formula_cells() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Deals export").await;
        let (_, acme) = call(&app, &t, M::POST, "/api/crm/companies", Some(json!({"name": "Acme", "industry": "=cmd|' /C calc'!A0", "website": "acme.example"}))).await;
        call(&app, &t, M::POST, "/api/crm/companies", Some(json!({"name": "Globex", "industry": "Energy"}))).await;
        let (_, pipelines) = call(&app, &t, M::GET, "/api/pipeline", None).await;
        let won = pipelines[0]["stages"][4]["id"].clone();
        let (_, big) = call(&app, &t, M::POST, "/api/crm/deals", Some(json!({"title": "Big licence", "valueMinor": 1250000, "currency": "eur", "companyId": acme["id"], "expectedCloseDate": "2026-12-31", "probability": 60}))).await;
        call(&app, &t, M::POST, "/api/crm/deals", Some(json!({"title": "+Upsell", "valueMinor": 5}))).await;
        call(&app, &t, M::POST, "/api/crm/deals", Some(json!({"title": "Small pilot", "valueMinor": 99900}))).await;
        call(&app, &t, M::PATCH, &format!("/api/crm/deals/{}/stage", big["id"]), Some(json!({"stageId": won}))).await;

        let companies = download(&app, &t, "/api/crm/companies/export.csv?search=acme").await;
        assert_eq!(companies.rows.len(), 2);
        assert_eq!(companies.rows[0][..4], ["ID", "Name", "Industry", "Size"]);
        assert_eq!(companies.rows[1][1..3], ["Acme", "'=cmd|' /C calc'!A0"]);
        assert_eq!(companies.rows[1][8], "1", "its deal count");

        let won_deals = download(&app, &t, &format!("/api/crm/deals/export.csv?stageId={won}")).await;
        assert_eq!(won_deals.rows.len(), 2, "{:?}", won_deals.rows);
        let r = &won_deals.rows[1];
        assert_eq!(
            r[1..13],
            ["Big licence", "12500.00", "EUR", "Sales", "Won", "won", "", "Acme", "", "2026-12-31", "60", ""]
        );
        let sorted = download(&app, &t, "/api/crm/deals/export.csv?sort=-value").await;
        let titles: Vec<&str> = sorted.rows[1..].iter().map(|r| r[1].as_str()).collect();
        assert_eq!(titles, ["Big licence", "Small pilot", "'+Upsell"]);
        assert_eq!(sorted.rows[3][2], "0.05");
        let searched = download(&app, &t, "/api/crm/deals/export.csv?search=pilot").await;
        assert_eq!(searched.rows.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn an_exported_file_imports_back_without_changes() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Round trip").await;
        let (_, acme) = call(&app, &t, M::POST, "/api/crm/companies", Some(json!({"name": "Acme"}))).await;
        for body in [
            json!({"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com", "phone": "+44 20 7946 0000", "companyId": acme["id"]}),
            json!({"displayName": "Борис", "telegramUsername": "boris_tg", "telegramUserId": 123456789}),
            json!({"displayName": "=cell", "email": "eq@example.com", "phone": "-5 55"}),
        ] {
            let (s, c) = call(&app, &t, M::POST, "/api/crm/contacts", Some(body)).await;
            assert_eq!(s, StatusCode::CREATED, "{c}");
        }
        let text = app.client.get(app.url("/api/crm/contacts/export.csv")).bearer_auth(&t).send().await.unwrap().text().await.unwrap();
        let (s, report) = call(&app, &t, M::POST, "/api/crm/contacts/import", Some(json!({"csv": text}))).await;
        assert_eq!(s, StatusCode::OK, "{report}");
        assert_eq!(report, json!({"created": 0, "updated": 0, "unchanged": 3, "companiesCreated": 0, "dealsCreated": 0, "failed": []}));
    })
    .await;
}
