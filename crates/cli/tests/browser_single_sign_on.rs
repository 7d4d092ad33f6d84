//! Single sign-on through a real OpenID Connect provider (`oidc-provider`, run with Node), in Chromium, against
//! `frontdoor serve --demo`: a MASH worker provisioned with their council email gets in with their role and
//! signing out ends the session; someone with no account, and a disabled user, are refused with a page that
//! says so. Then the attacks: a forged `id_token` (signed with another key), an expired one, a `state` Frontdoor
//! never made, a callback replayed, a used code with a fresh state, and a state without its browser cookie:
//! each refused, nobody signed in, every refusal in the audit trail. A second server on the same database takes
//! roles and LAs from the provider's groups. axe checks the sign-in and refusal pages.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::time::Instant;

use fantoccini::Locator;
use sqlx::{Connection, Row};
use support::Server;
use support::browser::{Chromedriver, body_text, wait_h1, wait_home};
use support::journey::Journey;
use support::oidc::Provider;
use support::scan::Scanned;

const MASH: &str = "jo.mash@westminster.example";
const DISABLED: &str = "left.service@westminster.example";
const NOBODY: &str = "no.account@westminster.example";
const GROUPED: &str = "sam.manager@westminster.example";

/// `frontdoor` on the command line against `db`; panics unless it works.
fn frontdoor(db: &str, args: &[&str]) {
    let (code, out, err) = support::run(args, db, None);
    assert_eq!(code, 0, "frontdoor {args:?}: {out}{err}");
}

/// A row count from the SQLite file the server uses.
async fn count(path: &std::path::Path, sql: &'static str) -> i64 {
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", path.display()))
        .await
        .unwrap();
    sqlx::query(sql).fetch_one(&mut c).await.unwrap().get(0)
}

async fn role_and_las(path: &std::path::Path, username: &str) -> (String, String) {
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", path.display()))
        .await
        .unwrap();
    let row = sqlx::query(
        "SELECT u.role, group_concat(l.la, ',') AS las FROM app_user u \
         LEFT JOIN (SELECT * FROM user_la ORDER BY la) l ON l.user_id = u.id WHERE u.username = ? GROUP BY u.id",
    )
    .bind(username)
    .fetch_one(&mut c)
    .await
    .unwrap();
    (row.get("role"), row.get("las"))
}

/// The refusal page's heading, once the browser is on it.
async fn refused_with(run: &Journey, heading: &str) {
    wait_h1(&run.client, heading).await;
    assert!(
        run.client
            .find(Locator::Css("form.frontdoor-sign-out"))
            .await
            .is_err(),
        "nobody is signed in on a refusal page"
    );
}

/// Whether the browser is signed in: the start page, or the sign-in page it is sent to.
async fn signed_in(run: &Journey) -> bool {
    run.goto("/").await;
    run.client
        .find(Locator::Css("form.frontdoor-sign-out"))
        .await
        .is_ok()
}

/// Start a sign-in without a browser: the state sent to the provider (which must carry a nonce and an S256 PKCE
/// challenge) and the cookie that binds it to the browser that started it.
async fn start_at(http: &reqwest::Client, base: &str, issuer: &str) -> (String, String) {
    let r = http
        .get(format!("{base}/sign-in/oidc"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = reqwest::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    assert!(to.as_str().starts_with(issuer), "{to}");
    let q: std::collections::HashMap<String, String> = to.query_pairs().into_owned().collect();
    assert_eq!(q["code_challenge_method"], "S256");
    assert!(
        q.contains_key("nonce") && q.contains_key("code_challenge"),
        "{q:?}"
    );
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    (q["state"].clone(), cookie)
}

#[tokio::test]
async fn single_sign_on_journey() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sso.db");
    let db = format!("sqlite://{}", path.display());
    frontdoor(&db, &["demo", "--children", "200"]);
    frontdoor(
        &db,
        &[
            "user",
            "add",
            "--username",
            "jo.mash",
            "--display-name",
            "Jo Mash",
            "--role",
            "mash-worker",
            "--la",
            "213",
            "--email",
            "Jo.Mash@Westminster.example",
        ],
    );
    frontdoor(
        &db,
        &[
            "user",
            "add",
            "--username",
            "left.service",
            "--role",
            "mash-worker",
            "--la",
            "213",
            "--email",
            DISABLED,
        ],
    );
    frontdoor(&db, &["user", "disable", "--username", "left.service"]);
    frontdoor(
        &db,
        &[
            "user",
            "add",
            "--username",
            "sam.manager",
            "--role",
            "social-worker",
            "--la",
            "205",
            "--email",
            GROUPED,
        ],
    );
    let provider = Provider::start(&format!(
        r#"{{"{GROUPED}": ["frontdoor-managers", "frontdoor-westminster", "staff"]}}"#
    ));
    let args = provider.serve_args();
    let server = Scanned::start(&path, &args.iter().map(String::as_str).collect::<Vec<_>>()).await;
    let driver = Chromedriver::start().await;
    let mut run = Journey::new(driver.session().await, &server.base);

    // 1. The sign-in page offers the council's sign-in beside the password form.
    println!("step 1: the sign-in page");
    run.goto("/sign-in").await;
    wait_h1(&run.client, "Sign in to Frontdoor").await;
    let text = run.text().await;
    assert!(
        text.contains("Sign in with Westminster staff account"),
        "{text}"
    );
    assert!(
        text.contains("Or sign in with a Frontdoor password"),
        "{text}"
    );
    run.check("sign-in with single sign-on").await;

    // 2. A provisioned MASH worker, matched by email (any case), gets in as a MASH worker of 213.
    println!("step 2: a mapped user signs in");
    provider.sign_in(&run.client, &server.base, MASH).await;
    wait_home(&run.client).await;
    let nav = run
        .client
        .find(Locator::Id("navigation"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        nav.contains("Front door"),
        "a MASH worker's navigation: {nav}"
    );
    let sign_out = run
        .client
        .find(Locator::Css("form.frontdoor-sign-out"))
        .await
        .unwrap()
        .html(false)
        .await
        .unwrap();
    assert!(sign_out.contains("Jo Mash"), "{sign_out}");
    assert_eq!(
        role_and_las(&path, "jo.mash").await,
        ("mash-worker".to_owned(), "213".to_owned())
    );
    assert_eq!(
        count(
            &path,
            "SELECT count(*) FROM app_user WHERE username = 'jo.mash' AND sso_subject = 'jo.mash@westminster.example'"
        )
        .await,
        1,
        "the subject is kept at the first sign-in"
    );
    run.goto("/front-door").await;
    wait_h1(&run.client, "Contacts awaiting a decision").await;
    let replay = provider.last_callback().await;

    // 3. Sign-out ends the session: the cookie the browser had no longer works.
    println!("step 3: sign-out");
    let cookie = run.cookie_header().await;
    run.sign_out().await;
    assert!(run.text().await.contains("You have signed out"));
    let after = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/front-door", server.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 303, "the old session's cookie is refused");
    assert!(!signed_in(&run).await);

    // 4. The callback replayed (its state is used): refused.
    println!("step 4: a replayed callback");
    run.client.goto(&replay).await.unwrap();
    refused_with(&run, "Your sign-in could not be finished").await;
    run.check("sign-in refused: not started here").await;
    assert!(!signed_in(&run).await);

    // 5. Someone the provider knows but Frontdoor does not.
    println!("step 5: an unknown person");
    provider.sign_in(&run.client, &server.base, NOBODY).await;
    refused_with(&run, "You do not have a Frontdoor account").await;
    assert!(
        run.text()
            .await
            .contains("Ask your Frontdoor administrator")
    );
    run.check("sign-in refused: no account").await;
    assert!(!signed_in(&run).await);

    // 6. A disabled user.
    println!("step 6: a disabled user");
    provider.sign_in(&run.client, &server.base, DISABLED).await;
    refused_with(&run, "Your Frontdoor account is not active").await;
    assert!(!signed_in(&run).await);

    // 7. A forged id_token (right claims, another key), then an expired one (the provider's key).
    println!("step 7: forged and expired id_tokens");
    provider.next("next-token/forged").await;
    provider.sign_in(&run.client, &server.base, MASH).await;
    refused_with(&run, "Your sign-in could not be checked").await;
    run.check("sign-in refused: token").await;
    assert!(!signed_in(&run).await);
    provider.next("next-token/expired").await;
    provider.sign_in(&run.client, &server.base, MASH).await;
    refused_with(&run, "Your sign-in could not be checked").await;
    assert!(!signed_in(&run).await);

    // 8. A state Frontdoor never made.
    println!("step 8: a wrong state");
    provider.next("next-callback/wrong-state").await;
    provider.sign_in(&run.client, &server.base, MASH).await;
    refused_with(&run, "Your sign-in could not be finished").await;
    assert!(!signed_in(&run).await);

    // 9. Without a browser: a used code under a fresh state is refused by the provider, and so Frontdoor; a
    // fresh state without the cookie of the browser that started it is refused by Frontdoor.
    println!("step 9: a replayed code, a state from another browser");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let code = reqwest::Url::parse(&replay)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let (state, browser) = start_at(&http, &server.base, &provider.issuer).await;
    let callback = |state: &str| {
        reqwest::Url::parse_with_params(
            &format!("{}/sign-in/oidc/callback", server.base),
            [("code", code.as_str()), ("state", state)],
        )
        .unwrap()
    };
    let r = http
        .get(callback(&state))
        .header("cookie", &browser)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "a used code");
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Your sign-in could not be checked")
    );
    let (state, _) = start_at(&http, &server.base, &provider.issuer).await;
    let r = http.get(callback(&state)).send().await.unwrap();
    assert_eq!(r.status(), 400, "no browser cookie");
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Your sign-in could not be finished")
    );

    // Every refusal after the provider answered is audited as a failed sign-in.
    let failed = count(
        &path,
        "SELECT count(*) FROM audit_log WHERE action = 'sign-in-failed' AND actor_label LIKE 'single sign-on%' \
         OR (action = 'sign-in-failed' AND actor_label = 'left.service')",
    )
    .await;
    assert!(
        failed >= 5,
        "unknown, disabled, forged, expired, used code: {failed} audited"
    );
    let (mut pages, mut violations) = (run.pages, run.violations.len());
    drop(run);
    server.finish("single-sign-on").await;

    // 10. Roles and LAs from the provider's groups (a deployment that lets the council's directory decide).
    println!("step 10: roles and LAs from groups");
    let mut grouped = args.clone();
    grouped.extend(
        [
            "--oidc-role-group",
            "frontdoor-managers=team-manager",
            "--oidc-role-group",
            "frontdoor-mash=mash-worker",
            "--oidc-la-group",
            "frontdoor-westminster=213",
            "--oidc-la-group",
            "frontdoor-kensington=207",
        ]
        .map(str::to_owned),
    );
    let server = Server::start(&db, &grouped.iter().map(String::as_str).collect::<Vec<_>>());
    let mut run = Journey::new(driver.session().await, &server.base);
    provider.sign_in(&run.client, &server.base, GROUPED).await;
    wait_home(&run.client).await;
    assert_eq!(
        role_and_las(&path, "sam.manager").await,
        ("team-manager".to_owned(), "213".to_owned()),
        "role and LA from groups"
    );
    run.sign_out().await;
    // Jo's groups give no role here.
    provider.sign_in(&run.client, &server.base, MASH).await;
    refused_with(&run, "You do not have a role in Frontdoor").await;
    let text = body_text(&run.client).await;
    assert!(text.contains("service desk"), "{text}");
    run.check("sign-in refused: no role").await;

    pages += run.pages;
    violations += run.violations.len();
    drop(run);
    drop(server);

    // 11. Local passwords switched off: the sign-in page offers only the provider, and a password is refused even
    // when it is right (the demo's).
    println!("step 11: local passwords off");
    let (code, _, err) = support::run(&["serve", "--local-passwords", "off"], &db, None);
    assert_ne!(code, 0);
    assert!(err.contains("needs --oidc-issuer"), "{err}");
    let mut off = args.clone();
    off.extend(["--local-passwords", "off"].map(str::to_owned));
    let server = Server::start(&db, &off.iter().map(String::as_str).collect::<Vec<_>>());
    let page = http
        .get(format!("{}/sign-in", server.base))
        .send()
        .await
        .unwrap();
    let csrf = page.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let html = page.text().await.unwrap();
    assert!(html.contains("Sign in with Westminster staff account"));
    assert!(!html.contains("name=\"password\""), "no password form");
    let token = csrf.split_once('=').unwrap().1.to_owned();
    let refused = http
        .post(format!("{}/sign-in", server.base))
        .header("cookie", &csrf)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "csrf_token={token}&next=%2F&username=mash-worker-213&password=frontdoor-demo"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Frontdoor passwords are switched off here")
    );
    let run = Journey::new(driver.session().await, &server.base);
    provider.sign_in(&run.client, &server.base, MASH).await;
    wait_home(&run.client).await;
    support::report(
        "browser-single-sign-on",
        &format!(
            "single sign-on: signed in, signed out, 9 refusals (unknown, disabled, forged, expired, wrong state, \
             replayed callback, used code, other browser, no role), roles from groups, local passwords off; \
             {audited} refusals audited; {pages} pages checked with axe, {violations} violations, {:.1} s",
            started.elapsed().as_secs_f64(),
            audited = failed,
        ),
    );
    assert_eq!(violations, 0, "axe found violations");
}
