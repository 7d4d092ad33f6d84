//! The second factor, over HTTP with a browser's cookies, on both databases, with a clock the test moves. An
//! administrator (whose role the deployment requires one of) sets one up at their first sign-in and gets
//! recovery codes once; from then on the password alone does not start a session; a code works once, a
//! recovery code once; five wrong codes end the wait; a sign-in left waiting more than 10 minutes must start
//! again. A MASH worker (not required) signs in with a password alone, sets one up from Your account (the
//! account page's forms carry the user's version: a stale one is refused), and removes it again. An
//! administrator removes another's (a lost phone). Every change and failure is in the audit trail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::time::Duration;

use domain::codes::Role;
use domain::second_factor::{code_at, step_at};
use reqwest::StatusCode;
use service::{Clock, NewUser};
use store::Store;
use support::{Browser, TestApp, TestDb, new_user};

const PASSWORD: &str = "correct horse battery";

/// A hidden field's value in a page.
fn hidden(page: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = page
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {page}"));
    let rest = &page[at + key.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// The code an authenticator app would show for `secret` at the clock's time.
fn code_now(secret: &str, clock: &Clock) -> String {
    code_at(
        secret,
        step_at(u64::try_from(clock.now().as_second()).unwrap()),
    )
    .unwrap()
}

/// The recovery codes a page shows.
fn recovery_codes(page: &str) -> Vec<String> {
    page.split("<li><code>")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_owned())
        .collect()
}

/// Send a code on the second-factor page, as the form does.
async fn send_code(b: &mut Browser, code: &str, secret: Option<&str>) -> support::Reply {
    let page = b.get("/sign-in/second-factor?next=%2Fsearch").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = Browser::csrf_in(&page.body);
    let mut form = vec![
        ("csrf_token", csrf.as_str()),
        ("code", code),
        ("next", "/search"),
    ];
    if let Some(s) = secret {
        form.push(("secret", s));
    }
    b.post("/sign-in/second-factor", &form, None).await
}

async fn audited<S: Store>(app: &TestApp<S>, admin: &str, action: &str) -> usize {
    let entries = app.read(admin, "/api/v1/audit?limit=500").await;
    entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"]["action"] == action)
        .count()
}

async fn story<S: Store>(db: TestDb<S>) -> String {
    let clock = Clock::manual("2025-03-03T09:00:00Z".parse().unwrap());
    let app = &TestApp::spawn_with(db, clock.clone(), |s| {
        s.second_factor_roles = vec![Role::Admin];
    })
    .await;
    app.ensure_las(&["213"]).await;
    for (u, role) in [
        ("ada.admin", Role::Admin),
        ("mo.mash", Role::MashWorker),
        ("ed.admin", Role::Admin),
    ] {
        app.create_user(NewUser {
            password: Some(PASSWORD.into()),
            ..new_user(u, role, &["213"])
        })
        .await;
    }
    let mut checks = 0;

    // 1. An administrator's first sign-in: the password leads to setting up a second factor, not a session.
    let mut b = app.browser();
    let a = b.sign_in("ada.admin", PASSWORD).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert!(
        a.location
            .as_deref()
            .unwrap()
            .starts_with("/sign-in/second-factor")
    );
    assert!(b.session().is_none(), "no session before the second factor");
    assert!(!b.signed_in().await);
    let page = b.get("/sign-in/second-factor?next=%2Fsearch").await;
    assert!(
        page.body.contains("Set up a second factor") && page.body.contains("<svg"),
        "{}",
        page.body
    );
    let secret = hidden(&page.body, "secret");
    assert!(page.body.contains(&secret), "the key is shown to type");
    checks += 1;
    // A wrong code keeps the same secret offered (the app already has it).
    let wrong = send_code(&mut b, "000000", Some(&secret)).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains("The code is not right"),
        "{}",
        wrong.body
    );
    assert_eq!(hidden(&wrong.body, "secret"), secret);
    checks += 1;
    let done = send_code(&mut b, &code_now(&secret, &clock), Some(&secret)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let codes = recovery_codes(&done.body);
    assert_eq!(codes.len(), 10, "{}", done.body);
    assert!(b.signed_in().await, "signed in once set up");
    b.sign_out().await;
    checks += 1;

    // 2. From then on: the password and a code. The same code again (replayed) is refused.
    clock.advance(Duration::from_secs(60));
    let a = b.sign_in("ada.admin", PASSWORD).await;
    assert!(
        a.location
            .as_deref()
            .unwrap()
            .starts_with("/sign-in/second-factor")
    );
    let page = b.get("/sign-in/second-factor").await;
    assert!(
        page.body
            .contains("Enter the code from your authenticator app")
    );
    let code = code_now(&secret, &clock);
    let ok = send_code(&mut b, &code, None).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(ok.location.as_deref(), Some("/search"));
    assert!(b.signed_in().await);
    b.sign_out().await;
    let mut other = app.browser_at("127.0.0.2");
    other.sign_in("ada.admin", PASSWORD).await;
    let replay = send_code(&mut other, &code, None).await;
    assert_eq!(
        replay.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a code works once"
    );
    assert!(!other.signed_in().await);
    checks += 2;

    // 3. A recovery code instead (typed in capitals with spaces), once.
    let rc = send_code(&mut other, &codes[0].to_uppercase().replace('-', " "), None).await;
    assert_eq!(rc.status, StatusCode::SEE_OTHER, "{}", rc.body);
    other.sign_out().await;
    other.sign_in("ada.admin", PASSWORD).await;
    let again = send_code(&mut other, &codes[0], None).await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a recovery code works once"
    );
    checks += 2;

    // 4. Five wrong codes end the wait: back to the password.
    let mut last = None;
    for _ in 0..4 {
        let r = send_code(&mut other, "123456", None).await;
        last = Some(r.status);
    }
    assert_eq!(
        last,
        Some(StatusCode::SEE_OTHER),
        "the fifth wrong code ends the wait"
    );
    let gone = other.get("/sign-in/second-factor").await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert_eq!(gone.location.as_deref(), Some("/sign-in"));
    checks += 1;

    // 5. A sign-in left waiting more than 10 minutes starts again.
    other.sign_in("ada.admin", PASSWORD).await;
    clock.advance(Duration::from_secs(11 * 60));
    let late = other.get("/sign-in/second-factor").await;
    assert_eq!(late.status, StatusCode::SEE_OTHER);
    checks += 1;

    // 5b. Signing in again does not buy more guesses: five more wrong codes (ten since the last right one), and
    // even the right code waits 15 minutes after the last wrong one.
    other.sign_in("ada.admin", PASSWORD).await;
    for _ in 0..5 {
        send_code(&mut other, "654321", None).await;
    }
    other.sign_in("ada.admin", PASSWORD).await;
    let locked = other.get("/sign-in/second-factor").await;
    assert_eq!(
        locked.status,
        StatusCode::SEE_OTHER,
        "locked: back to the sign-in page"
    );
    clock.advance(Duration::from_secs(16 * 60));
    other.sign_in("ada.admin", PASSWORD).await;
    let ok = send_code(&mut other, &code_now(&secret, &clock), None).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(
        ok.location.as_deref(),
        Some("/search"),
        "after the wait, the right code"
    );
    other.sign_out().await;
    checks += 2;

    // 6. A MASH worker (not required): the password alone; sets one up from Your account, a stale form refused.
    let mut m = app.browser_at("127.0.0.3");
    let a = m.sign_in("mo.mash", PASSWORD).await;
    assert_eq!(a.location.as_deref(), Some("/search"));
    let account = m.get("/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("Not set up"));
    let csrf = Browser::csrf_in(&account.body);
    let version = hidden(&account.body, "version");
    let secret_m = hidden(&account.body, "secret");
    let stale = m
        .post(
            "/account/second-factor",
            &[
                ("csrf_token", &csrf),
                ("version", "999"),
                ("secret", &secret_m),
                ("code", &code_now(&secret_m, &clock)),
            ],
            None,
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let set = m
        .post(
            "/account/second-factor",
            &[
                ("csrf_token", &csrf),
                ("version", &version),
                ("secret", &secret_m),
                ("code", &code_now(&secret_m, &clock)),
            ],
            None,
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(recovery_codes(&set.body).len(), 10);
    m.sign_out().await;
    clock.advance(Duration::from_secs(60));
    let a = m.sign_in("mo.mash", PASSWORD).await;
    assert!(
        a.location
            .as_deref()
            .unwrap()
            .starts_with("/sign-in/second-factor"),
        "set up: now asked"
    );
    send_code(&mut m, &code_now(&secret_m, &clock), None).await;
    let account = m.get("/account").await;
    assert!(
        account.body.contains("Set up: 10 recovery codes left"),
        "{}",
        account.body
    );
    let removed = m
        .post(
            "/account/second-factor/removal",
            &[
                ("csrf_token", &Browser::csrf_in(&account.body)),
                ("version", &hidden(&account.body, "version")),
            ],
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    m.sign_out().await;
    let a = m.sign_in("mo.mash", PASSWORD).await;
    assert_eq!(
        a.location.as_deref(),
        Some("/search"),
        "removed: the password alone again"
    );
    checks += 3;

    // 7. An administrator cannot remove their own when their role requires one; another administrator removes
    // it for them (API, against the user's version), and they set up a new one at their next sign-in.
    let ada = app
        .services
        .user_id_of(&domain::audit::Actor::system("test"), "ada.admin")
        .await
        .unwrap();
    let admin = app.with_user("it.admin", Role::Admin, &["213"]).await;
    let read = app.get(&admin, &format!("/api/v1/admin/users/{ada}")).await;
    assert_eq!(read.body["second_factor"], true);
    let removed = app
        .post_if_match(
            &admin,
            &format!("/api/v1/admin/users/{ada}/second-factor/removal"),
            serde_json::json!({}),
            read.etag.as_deref().unwrap(),
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    assert_eq!(removed.body["second_factor"], false);
    let stale = app
        .post_if_match(
            &admin,
            &format!("/api/v1/admin/users/{ada}/second-factor/removal"),
            serde_json::json!({}),
            read.etag.as_deref().unwrap(),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let mut b2 = app.browser_at("127.0.0.4");
    b2.sign_in("ada.admin", PASSWORD).await;
    let page = b2.get("/sign-in/second-factor").await;
    assert!(
        page.body.contains("Set up a second factor"),
        "required: set up again"
    );
    checks += 2;

    // 8. Every change and failure is audited.
    let failed = audited(app, &admin, "sign-in-failed").await;
    // One wrong code at set-up, the replayed code, the reused recovery code, four more, then five more.
    assert_eq!(failed, 12, "wrong codes audited");
    checks += 1;

    format!("second factor: {checks} checks, {failed} failures audited")
}

#[tokio::test]
async fn second_factor_on_sqlite() {
    let summary = story(TestDb::sqlite().await).await;
    support::report("second factor (sqlite)", &summary);
}

#[tokio::test]
async fn second_factor_on_postgres() {
    let Some(db) = TestDb::postgres("second_factor").await else {
        return;
    };
    let summary = story(db).await;
    support::report("second factor (postgres)", &summary);
}
