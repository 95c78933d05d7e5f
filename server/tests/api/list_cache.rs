//! Lists are answered from a cache keyed by the workspace's event sequence: a change
//! acknowledged before a request is never missing from its answer, whichever instance wrote
//! it and whichever answers.

use crate::crm_support::call;
use crate::helpers::{on_each_backend, on_each_backend_with, TestApp};
use reqwest::{Method as M, StatusCode};
use serde_json::{json, Value};

const LIST: &str = "/api/crm/contacts?limit=5";

async fn list(app: &TestApp, t: &str) -> (Vec<Value>, i64) {
    let (s, page) = call(app, t, M::GET, LIST, None).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let total = page["pagination"]["total"].as_i64().unwrap();
    (page["items"].as_array().unwrap().clone(), total)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_list_never_misses_a_change_acknowledged_before_the_request() {
    on_each_backend(|a| async move {
        // On PostgreSQL two instances share the database; SQLite serves one.
        let second = if a.is_postgres() {
            Some(a.spawn_second().await)
        } else {
            None
        };
        let b = second.as_ref().unwrap_or(&a);
        let (t, _) = a.new_account("Cached").await;
        let (_, me) = call(&a, &t, M::GET, "/api/auth/me", None).await;
        let my_id = me["user"]["id"].as_i64().unwrap();
        let mut total = 0;
        for i in 0..30 {
            let (writer, reader) = if i % 2 == 0 { (&a, b) } else { (b, &a) };
            // Both instances have this page cached before the write.
            list(writer, &t).await;
            list(reader, &t).await;

            let body = json!({"firstName": format!("Lead {i}"), "ownerId": my_id});
            let (s, created) = call(writer, &t, M::POST, "/api/crm/contacts", Some(body)).await;
            assert_eq!(s, StatusCode::CREATED, "{created}");
            total += 1;
            let id = created["id"].as_i64().unwrap();
            let (items, seen) = list(reader, &t).await;
            assert_eq!(
                (items[0]["id"].as_i64(), seen),
                (Some(id), total),
                "created, round {i}"
            );

            let path = format!("/api/crm/contacts/{id}");
            let (s, _) = call(
                writer,
                &t,
                M::PATCH,
                &path,
                Some(json!({"lastName": "Changed"})),
            )
            .await;
            assert_eq!(s, StatusCode::OK);
            let (items, _) = list(reader, &t).await;
            assert_eq!(items[0]["lastName"], "Changed", "changed, round {i}");

            if i % 3 == 0 {
                let (s, _) = call(writer, &t, M::DELETE, &path, None).await;
                assert!(s.is_success(), "{s}");
                total -= 1;
                let (items, seen) = list(reader, &t).await;
                assert!(
                    items.iter().all(|c| c["id"].as_i64() != Some(id)),
                    "deleted, round {i}"
                );
                assert_eq!(seen, total);
            }
        }

        // The owner's name shown in the list follows the member's profile.
        list(b, &t).await;
        let (s, _) = call(
            &a,
            &t,
            M::PATCH,
            "/api/auth/me",
            Some(json!({"name": "Renamed Owner"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (items, _) = list(b, &t).await;
        assert_eq!(items[0]["ownerName"], "Renamed Owner");
    })
    .await;
}

/// Requests that ask at the same moment share one read of the sequence number (a read that
/// began after each of them asked): readers racing a writer never see fewer contacts than
/// the writer had been told were created before they asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_readers_sharing_a_read_never_see_an_older_list() {
    use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
    use std::sync::Arc;
    // Eight readers as fast as they can: far above the per-IP limit.
    let unthrottled = |s: &mut app::server::Settings| {
        s.rate_limit_per_second = 1_000_000;
        s.rate_limit_burst = 1_000_000;
    };
    on_each_backend_with(unthrottled, |a| async move {
        let second = if a.is_postgres() {
            Some(a.spawn_second_with(&unthrottled).await)
        } else {
            None
        };
        let (t, _) = a.new_account("Racing").await;
        let acknowledged = Arc::new(AtomicI64::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let reader_app = second.as_ref().unwrap_or(&a);
        let readers = (0..8).map(|_| {
            let (acknowledged, done, t) = (acknowledged.clone(), done.clone(), t.clone());
            async move {
                let mut reads = 0;
                while !done.load(Ordering::SeqCst) {
                    let floor = acknowledged.load(Ordering::SeqCst);
                    let (_, seen) = list(reader_app, &t).await;
                    assert!(
                        seen >= floor,
                        "saw {seen} contacts, {floor} were acknowledged before the request"
                    );
                    reads += 1;
                }
                reads
            }
        });
        let writer = async {
            for i in 0..40 {
                let body = json!({"firstName": format!("Racer {i}")});
                let (s, created) = call(&a, &t, M::POST, "/api/crm/contacts", Some(body)).await;
                assert_eq!(s, StatusCode::CREATED, "{created}");
                acknowledged.store(i + 1, Ordering::SeqCst);
            }
            done.store(true, Ordering::SeqCst);
        };
        let (reads, ()) = tokio::join!(futures::future::join_all(readers), writer);
        assert!(reads.iter().all(|n| *n > 0), "every reader read: {reads:?}");
        let (_, total) = list(reader_app, &t).await;
        assert_eq!(total, 40);
    })
    .await;
}
