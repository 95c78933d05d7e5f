//! Record lists: paging, search (case-insensitive, inside names, emails and the company's
//! name, counted beside its page), filters and sort.

use crate::crm_support::call;
use crate::helpers::on_each_backend;
use reqwest::{Method as M, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn lists_page_search_filter_and_sort() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Lists").await;
        let (_, co) = call(&app, &t, M::POST, "/api/crm/companies", Some(json!({"name": "Northwind Traders"}))).await;
        for i in 0..25 {
            let company = if i % 5 == 0 { co["id"].clone() } else { Value::Null };
            let (s, _) = call(&app, &t, M::POST, "/api/crm/contacts", Some(json!({
                "firstName": format!("Person{i:02}"), "lastName": "Zed", "email": format!("p{i}@mail.example"), "companyId": company
            }))).await;
            assert_eq!(s, StatusCode::CREATED);
        }
        let (_, page3) = call(&app, &t, M::GET, "/api/crm/contacts?limit=10&page=3&sort=name", None).await;
        assert_eq!(page3["pagination"], json!({"page": 3, "limit": 10, "total": 25, "totalPages": 3}));
        assert_eq!(page3["items"].as_array().unwrap().len(), 5);
        assert_eq!(page3["items"][0]["displayName"], "Person20 Zed");
        let (_, past) = call(&app, &t, M::GET, "/api/crm/contacts?page=9", None).await;
        assert_eq!(past["items"].as_array().unwrap().len(), 0);
        assert_eq!(past["pagination"]["total"], 25);
        let (s, body) = call(&app, &t, M::GET, "/api/crm/contacts?limit=201", None).await;
        assert_eq!((s, body["details"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("limit")));
        let (s, _) = call(&app, &t, M::GET, "/api/crm/contacts?page=0", None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, _) = call(&app, &t, M::GET, "/api/crm/contacts?limit=ten", None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);

        // Search: case-insensitive, inside names, emails and the company name; short terms too.
        for (term, expected) in [("person1", 10), ("PERSON07", 1), ("P3@MAIL", 1), ("northwind", 5), ("ze", 25), ("nobody-here", 0)] {
            let (_, found) = call(&app, &t, M::GET, &format!("/api/crm/contacts?search={term}&limit=50"), None).await;
            assert_eq!(found["pagination"]["total"], expected, "search {term}");
        }
        // A searched page counts its matches beside its rows; past the last match it still
        // tells the total.
        let (_, past) = call(&app, &t, M::GET, "/api/crm/contacts?search=mail.example&limit=10&page=9", None).await;
        assert_eq!((past["items"].as_array().unwrap().len(), &past["pagination"]["total"]), (0, &json!(25)));
        let (_, last) = call(&app, &t, M::GET, "/api/crm/contacts?search=zed&limit=10&page=3&sort=name", None).await;
        assert_eq!(last["pagination"], json!({"page": 3, "limit": 10, "total": 25, "totalPages": 3}));
        assert_eq!(last["items"][0]["displayName"], "Person20 Zed");
        assert_eq!(last["items"].as_array().unwrap().len(), 5);
        let (_, newest) = call(&app, &t, M::GET, "/api/crm/contacts?search=person&limit=3&page=2", None).await;
        let names: Vec<&str> = newest["items"].as_array().unwrap().iter().map(|c| c["displayName"].as_str().unwrap()).collect();
        assert_eq!((names, &newest["pagination"]["total"]), (vec!["Person21 Zed", "Person20 Zed", "Person19 Zed"], &json!(25)));
        let (_, none) = call(&app, &t, M::GET, "/api/crm/contacts?search=nobody-else", None).await;
        assert_eq!((none["items"].as_array().unwrap().len(), &none["pagination"]["total"]), (0, &json!(0)));
        let (_, filtered) = call(&app, &t, M::GET, &format!("/api/crm/contacts?companyId={}", co["id"]), None).await;
        assert_eq!(filtered["pagination"]["total"], 5);
        let (_, desc) = call(&app, &t, M::GET, "/api/crm/contacts?sort=-name&limit=1", None).await;
        assert_eq!(desc["items"][0]["displayName"], "Person24 Zed");
        // Renaming the company updates what its contacts are found by.
        call(&app, &t, M::PUT, &format!("/api/crm/companies/{}", co["id"]), Some(json!({"name": "Southwind"}))).await;
        let (_, renamed) = call(&app, &t, M::GET, "/api/crm/contacts?search=southwind", None).await;
        assert_eq!(renamed["pagination"]["total"], 5);
    })
    .await;
}
