//! Members, roles and invitations, through the REST API, on both databases.

use crate::crm_support::call;
use crate::helpers::{on_each_backend, unique_email};
use crate::team_support::{accept_new, join_as, members, token_of};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn a_link_signs_up_a_new_member_with_its_role_and_is_used_up_after_max_uses() {
    on_each_backend(|app| async move {
        let (owner, _) = app.new_account("Acme").await;
        let (status, link) = call(
            &app,
            &owner,
            Method::POST,
            "/api/team/invite-links",
            Some(json!({"role": "supervisor", "maxUses": 1, "expiresInDays": 3})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{link}");
        let token = token_of(link["url"].as_str().unwrap());
        let preview: Value = app
            .client
            .get(app.url(&format!("/api/invites/{token}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(preview["workspaceName"], "Acme");
        assert_eq!(preview["role"], "supervisor");
        let email = unique_email("joiner");
        let (status, joined) = accept_new(&app, &token, Some(email)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(joined["role"], "supervisor");
        assert_eq!(joined["workspace"]["name"], "Acme");
        let member = joined["accessToken"].as_str().unwrap();
        let (_, me) = call(&app, member, Method::GET, "/api/auth/me", None).await;
        assert_eq!(me["role"], "supervisor");
        assert_eq!(
            me["workspaces"].as_array().unwrap().len(),
            1,
            "joining makes no workspace of its own"
        );
        assert_eq!(members(&app, &owner).await.len(), 2);
        // Used up: the same link again answers 404, and nothing is created.
        let (status, _) = accept_new(&app, &token, Some(unique_email("late"))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(members(&app, &owner).await.len(), 2);
        let preview = app
            .client
            .get(app.url(&format!("/api/invites/{token}")))
            .send()
            .await
            .unwrap();
        assert_eq!(preview.status(), StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn revoked_and_expired_links_let_nobody_in() {
    on_each_backend(|app| async move {
        let (owner, _) = app.new_account("Acme").await;
        let (_, revoked) = call(
            &app,
            &owner,
            Method::POST,
            "/api/team/invite-links",
            Some(json!({"role": "rep"})),
        )
        .await;
        let (status, _) = call(
            &app,
            &owner,
            Method::DELETE,
            &format!("/api/team/invite-links/{}", revoked["id"]),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, expired) = call(
            &app,
            &owner,
            Method::POST,
            "/api/team/invite-links",
            Some(json!({"role": "rep"})),
        )
        .await;
        sqlx::query("UPDATE invites SET expires_at = 1 WHERE id = $1")
            .bind(expired["id"].as_i64().unwrap())
            .execute(&app.db().await)
            .await
            .unwrap();
        for link in [revoked, expired] {
            let token = token_of(link["url"].as_str().unwrap());
            let (status, _) = accept_new(&app, &token, Some(unique_email("x"))).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
        let (_, links) = call(&app, &owner, Method::GET, "/api/team/invite-links", None).await;
        assert_eq!(links.as_array().unwrap().len(), 0, "{links}");
        assert_eq!(members(&app, &owner).await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn only_owners_and_admins_invite_and_nobody_invites_an_owner() {
    on_each_backend(|app| async move {
        let (owner, _) = app.new_account("Acme").await;
        let (admin, _) = join_as(&app, &owner, "admin").await;
        let (supervisor, _) = join_as(&app, &owner, "supervisor").await;
        let (status, _) = call(
            &app,
            &admin,
            Method::POST,
            "/api/team/invite-links",
            Some(json!({"role": "rep"})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        for token in [&supervisor] {
            let (status, _) = call(
                &app,
                token,
                Method::POST,
                "/api/team/invite-links",
                Some(json!({"role": "rep"})),
            )
            .await;
            assert_eq!(status, StatusCode::FORBIDDEN);
            let (status, _) = call(
                &app,
                token,
                Method::POST,
                "/api/team/members/invite",
                Some(json!({"email": unique_email("a"), "role": "rep"})),
            )
            .await;
            assert_eq!(status, StatusCode::FORBIDDEN);
        }
        let (status, body) = call(
            &app,
            &owner,
            Method::POST,
            "/api/team/invite-links",
            Some(json!({"role": "owner"})),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["details"][0]["field"], "role");
    })
    .await;
}

#[tokio::test]
async fn roles_change_within_the_rules_and_a_workspace_keeps_an_owner() {
    on_each_backend(|app| async move {
        let (owner, owner_body) = app.new_account("Acme").await;
        let owner_id = owner_body["user"]["id"].as_i64().unwrap();
        let (admin, admin_id) = join_as(&app, &owner, "admin").await;
        let (rep, rep_id) = join_as(&app, &owner, "rep").await;
        // An admin changes a rep, but not an owner, and makes no owners.
        let (status, _) = call(
            &app,
            &admin,
            Method::PUT,
            &format!("/api/team/members/{rep_id}/role"),
            Some(json!({"role": "supervisor"})),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, me) = call(&app, &rep, Method::GET, "/api/auth/me", None).await;
        assert_eq!(
            me["role"], "supervisor",
            "the new role applies to the member's live session"
        );
        let (status, _) = call(
            &app,
            &admin,
            Method::PUT,
            &format!("/api/team/members/{owner_id}/role"),
            Some(json!({"role": "viewer"})),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = call(
            &app,
            &admin,
            Method::PUT,
            &format!("/api/team/members/{rep_id}/role"),
            Some(json!({"role": "owner"})),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // The last owner can neither step down nor leave.
        let (status, body) = call(
            &app,
            &owner,
            Method::PUT,
            &format!("/api/team/members/{owner_id}/role"),
            Some(json!({"role": "admin"})),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (status, _) = call(&app, &owner, Method::POST, "/api/team/leave", None).await;
        assert_eq!(status, StatusCode::CONFLICT);
        // Handing over: the admin becomes an owner, the owner an admin.
        let (status, _) = call(
            &app,
            &owner,
            Method::POST,
            "/api/team/transfer-ownership",
            Some(json!({"userId": admin_id})),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let roles: Vec<(i64, String)> = members(&app, &admin)
            .await
            .iter()
            .map(|m| {
                (
                    m["userId"].as_i64().unwrap(),
                    m["role"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert!(roles.contains(&(admin_id, "owner".into())), "{roles:?}");
        assert!(roles.contains(&(owner_id, "admin".into())), "{roles:?}");
        // Now the former owner may leave.
        let (status, _) = call(&app, &owner, Method::POST, "/api/team/leave", None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(members(&app, &admin).await.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_removed_member_loses_their_sessions_and_tokens_there_at_once() {
    on_each_backend(|app| async move {
        let (owner, _) = app.new_account("Acme").await;
        let (rep, rep_id) = join_as(&app, &owner, "rep").await;
        let (status, pat) = call(
            &app,
            &rep,
            Method::POST,
            "/api/auth/tokens",
            Some(json!({"name": "script"})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let pat = pat["secret"].as_str().unwrap().to_string();
        assert_eq!(
            call(&app, &pat, Method::GET, "/api/crm/deals", None)
                .await
                .0,
            StatusCode::OK
        );
        let (status, _) = call(
            &app,
            &owner,
            Method::DELETE,
            &format!("/api/team/members/{rep_id}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        for token in [&rep, &pat] {
            let (status, _) = call(&app, token, Method::GET, "/api/crm/deals", None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let (status, _) = call(
            &app,
            &owner,
            Method::DELETE,
            &format!("/api/team/members/{rep_id}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn a_single_use_link_accepted_ten_times_at_once_lets_one_person_in() {
    on_each_backend(|app| async move {
        let (owner, _) = app.new_account("Acme").await;
        let (_, link) = call(
            &app,
            &owner,
            Method::POST,
            "/api/team/invite-links",
            Some(json!({"role": "rep", "maxUses": 1})),
        )
        .await;
        let token = token_of(link["url"].as_str().unwrap());
        let tries = (0..10).map(|n| {
            let (app, token) = (&app, &token);
            async move {
                accept_new(app, token, Some(unique_email(&format!("race{n}"))))
                    .await
                    .0
            }
        });
        let statuses = futures::future::join_all(tries).await;
        assert_eq!(
            statuses.iter().filter(|s| **s == StatusCode::OK).count(),
            1,
            "{statuses:?}"
        );
        assert_eq!(members(&app, &owner).await.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn leaving_moves_the_session_to_the_members_other_workspace() {
    on_each_backend(|app| async move {
        let (owner, _) = app.new_account("Acme").await;
        let (rep, _) = join_as(&app, &owner, "rep").await;
        let (status, _) = call(&app, &rep, Method::POST, "/api/team/leave", None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, me) = call(&app, &rep, Method::GET, "/api/auth/me", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["workspace"]["name"], "Own", "{me}");
        assert_eq!(members(&app, &owner).await.len(), 1);
    })
    .await;
}
