//! Signing in through the council's identity provider with OpenID Connect (the `openidconnect` crate): the
//! authorisation code flow with PKCE (S256), a `state` that works once and only in the browser that started the
//! sign-in, and a `nonce` the `id_token` must carry. The `id_token` is verified (signature against the provider's
//! published keys, issuer, audience, expiry, nonce) before anything in it is believed; then the person is matched
//! to a provisioned user (`domain::single_sign_on`), who must be enabled and within their access dates.
//!
//! Every refusal after the provider answered is in the audit trail as a failed sign-in, naming the user when the
//! person was matched to one. The provider's metadata and keys are fetched at the first sign-in and kept for an
//! hour; a token signed with a key not in them makes one fresh fetch (the provider may have rotated its keys).

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use domain::audit::{Actor, AuditEvent};
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::london_date;
use domain::single_sign_on::{GroupMapping, GroupRefusal, MatchBy, choose};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use store::{NewSession, SsoFinish, SsoPending, Store};
use tokio::sync::Mutex;

use crate::auth::{new_token, token_hash};
use crate::sessions::{SignInClient, StartedSession};
use crate::{ServiceError, Services};

/// How long a sign-in may take at the provider before it must start again.
pub const PENDING_FOR: Duration = Duration::from_secs(10 * 60);

/// How long the provider's metadata and keys are kept.
const METADATA_FOR: Duration = Duration::from_secs(60 * 60);

/// The deployment's identity provider and how its people become users.
#[derive(Clone)]
pub struct SsoSettings {
    /// The provider's issuer URL (its metadata is at `{issuer}/.well-known/openid-configuration`).
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// Frontdoor's callback as the provider knows it: `{public URL}/sign-in/oidc/callback`.
    pub redirect_url: String,
    /// What the sign-in button calls the provider ("your council account").
    pub name: String,
    pub match_by: MatchBy,
    pub groups: GroupMapping,
}

impl std::fmt::Debug for SsoSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "…"))
            .field("redirect_url", &self.redirect_url)
            .field("match_by", &self.match_by)
            .finish_non_exhaustive()
    }
}

/// Single sign-on as a running server holds it.
#[derive(Debug)]
pub struct Sso {
    settings: SsoSettings,
    http: HttpClient,
    metadata: Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

/// Where to send the browser, and the token that binds the sign-in to it (kept in a cookie until it is back).
#[derive(Clone, Debug)]
pub struct SsoStart {
    pub url: String,
    pub browser_token: String,
}

/// What the provider sent back to the callback.
#[derive(Clone, Debug, Default)]
pub struct SsoCallback {
    pub state: Option<String>,
    pub code: Option<String>,
    /// The provider's error code (`access_denied`), when it refused.
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// Why a sign-in through the provider did not work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SsoRefusal {
    /// The state is unknown, used already, too old, or from another browser.
    NotStartedHere,
    /// The provider said no (the person cancelled, or the provider refused them).
    ProviderRefused(String),
    /// The provider could not be reached, or answered with something that is not OpenID Connect.
    ProviderUnavailable(String),
    /// The code was not accepted, or the `id_token` failed verification.
    TokenRefused(String),
    /// Nobody with this sign-in has an account.
    UnknownPerson,
    /// Their account is disabled, or their access has ended.
    Disabled,
    /// Their groups give them no role, or no LA.
    NoAccess(GroupRefusal),
}

impl SsoRefusal {
    /// The refusal page's heading and what it tells the person to do.
    pub fn explain(&self) -> (&'static str, String) {
        match self {
            SsoRefusal::NotStartedHere => (
                "Your sign-in could not be finished",
                "The sign-in was started in another browser or tab, has been used already, or took longer than 10 \
                 minutes. Start again from the sign-in page."
                    .to_owned(),
            ),
            SsoRefusal::ProviderRefused(why) => (
                "Your organisation's sign-in did not let you in",
                format!("It said: {why}. Start again, or ask your IT service desk."),
            ),
            SsoRefusal::ProviderUnavailable(_) => (
                "Sorry, your organisation's sign-in is not answering",
                "Try again in a few minutes. If it goes on, tell your IT service desk.".to_owned(),
            ),
            SsoRefusal::TokenRefused(_) => (
                "Your sign-in could not be checked",
                "Frontdoor could not confirm who you are from what your organisation's sign-in sent, so it did not \
                 sign you in. Start again; if it happens again, tell your IT service desk."
                    .to_owned(),
            ),
            SsoRefusal::UnknownPerson => (
                "You do not have a Frontdoor account",
                "Your organisation's sign-in knows you, but no Frontdoor account is set up for you. Ask your \
                 Frontdoor administrator to add you (with the email address your organisation uses)."
                    .to_owned(),
            ),
            SsoRefusal::Disabled => (
                "Your Frontdoor account is not active",
                "Your account has been disabled or your access has ended. Ask your Frontdoor administrator."
                    .to_owned(),
            ),
            SsoRefusal::NoAccess(GroupRefusal::NoRole) => (
                "You do not have a role in Frontdoor",
                "None of your groups in your organisation's directory gives a Frontdoor role. Ask your IT \
                 service desk to add you to the right group."
                    .to_owned(),
            ),
            SsoRefusal::NoAccess(GroupRefusal::NoLa) => (
                "You do not work for a local authority in Frontdoor",
                "None of your groups in your organisation's directory gives a local authority. Ask your IT \
                 service desk to add you to the right group."
                    .to_owned(),
            ),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct HttpFailure(String);

/// The HTTP client for the provider: hyper with rustls (ring) and the system's root certificates; plain HTTP
/// only for a provider on this machine's loopback (tests, a development provider).
type HttpClient = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    http_body_util::Full<bytes::Bytes>,
>;

/// The largest answer read from the provider (metadata, keys, tokens are a few kilobytes).
const MAX_ANSWER: usize = 1024 * 1024;

/// How long one exchange with the provider may take.
const EXCHANGE_FOR: Duration = Duration::from_secs(10);

fn http_client() -> std::io::Result<HttpClient> {
    // rustls deprecates ring's provider for lacking post-quantum key exchange; aws-lc-rs has it but needs a C
    // build of its own on every fresh machine. Worth revisiting when ring gains it.
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(provider)?
        .https_or_http()
        .enable_http1()
        .build();
    Ok(
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build(https),
    )
}

/// One HTTP exchange with the provider (no redirects followed; bounded in time and size).
async fn exchange(
    client: HttpClient,
    request: openidconnect::HttpRequest,
) -> Result<openidconnect::HttpResponse, HttpFailure> {
    use http_body_util::BodyExt;
    let (parts, body) = request.into_parts();
    let url = parts.uri.clone();
    let loopback = matches!(url.host(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if url.scheme_str() != Some("https") && !loopback {
        return Err(HttpFailure(format!(
            "{url}: the identity provider must be reached over https"
        )));
    }
    let request = openidconnect::http::Request::from_parts(
        parts,
        http_body_util::Full::new(bytes::Bytes::from(body)),
    );
    let response = tokio::time::timeout(EXCHANGE_FOR, client.request(request))
        .await
        .map_err(|_| HttpFailure(format!("{url}: no answer within 10 s")))?
        .map_err(|e| HttpFailure(format!("{url}: {e}")))?;
    let (parts, body) = response.into_parts();
    let body = tokio::time::timeout(
        EXCHANGE_FOR,
        http_body_util::Limited::new(body, MAX_ANSWER).collect(),
    )
    .await
    .map_err(|_| HttpFailure(format!("{url}: the answer did not finish within 10 s")))?
    .map_err(|e| HttpFailure(format!("{url}: {e}")))?
    .to_bytes();
    Ok(openidconnect::http::Response::from_parts(
        parts,
        body.to_vec(),
    ))
}

/// A verified `id_token`'s claims other than the standard ones the verifier read (the groups).
fn extra_claims(id_token: &str) -> serde_json::Value {
    id_token
        .split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// The groups a claim lists (an array of strings, or one string).
fn groups_in(claims: &serde_json::Value, claim: &str) -> Vec<String> {
    match claims.get(claim) {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(serde_json::Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

impl Sso {
    pub fn new(settings: SsoSettings) -> Result<Sso, ServiceError> {
        IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| ServiceError::invalid("issuer", e.to_string()))?;
        RedirectUrl::new(settings.redirect_url.clone())
            .map_err(|e| ServiceError::invalid("redirect URL", e.to_string()))?;
        let http = http_client().map_err(|e| ServiceError::Internal(Box::new(e)))?;
        Ok(Sso {
            settings,
            http,
            metadata: Mutex::new(None),
        })
    }

    pub fn settings(&self) -> &SsoSettings {
        &self.settings
    }

    /// The provider's metadata: kept, or fetched when older than `max_age`.
    async fn metadata(&self, max_age: Duration) -> Result<CoreProviderMetadata, SsoRefusal> {
        let mut kept = self.metadata.lock().await;
        if let Some((at, m)) = kept.as_ref()
            && at.elapsed() < max_age
        {
            return Ok(m.clone());
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone())
            .map_err(|e| SsoRefusal::ProviderUnavailable(e.to_string()))?;
        let http = self.http.clone();
        let send = move |r| exchange(http.clone(), r);
        let m = CoreProviderMetadata::discover_async(issuer, &send)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "the identity provider's metadata could not be read");
                SsoRefusal::ProviderUnavailable(e.to_string())
            })?;
        *kept = Some((Instant::now(), m.clone()));
        Ok(m)
    }

    fn client(
        &self,
        m: CoreProviderMetadata,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        SsoRefusal,
    > {
        let redirect = RedirectUrl::new(self.settings.redirect_url.clone())
            .map_err(|e| SsoRefusal::ProviderUnavailable(e.to_string()))?;
        Ok(CoreClient::from_provider_metadata(
            m,
            ClientId::new(self.settings.client_id.clone()),
            self.settings.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    /// The scopes asked for: the person's id, email and name, and the groups claim when roles come from it.
    fn scopes(&self) -> Vec<Scope> {
        let mut s = vec![Scope::new("email".into()), Scope::new("profile".into())];
        if self.settings.groups.is_used() && self.settings.groups.claim == "groups" {
            s.push(Scope::new("groups".into()));
        }
        s
    }
}

impl<S: Store> Services<S> {
    /// Single sign-on, when the deployment has it.
    pub fn single_sign_on(&self) -> Option<&SsoSettings> {
        self.sso.as_deref().map(Sso::settings)
    }

    /// Whether local passwords may be used to sign in.
    pub fn local_passwords(&self) -> bool {
        self.local_passwords
    }

    #[must_use]
    pub fn with_single_sign_on(mut self, sso: Option<Sso>, local_passwords: bool) -> Services<S> {
        self.sso = sso.map(Arc::new);
        self.local_passwords = local_passwords;
        self
    }

    /// Start a sign-in at the provider: where to send the browser, and the token to keep in its cookie. `next` is a
    /// path on this site (the web layer checks it).
    #[tracing::instrument(skip_all)]
    pub async fn sso_begin(
        &self,
        next: &str,
    ) -> Result<Result<SsoStart, SsoRefusal>, ServiceError> {
        let Some(sso) = self.sso.as_deref() else {
            return Err(ServiceError::NotFound);
        };
        let metadata = match sso.metadata(METADATA_FOR).await {
            Ok(m) => m,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let client = match sso.client(metadata) {
            Ok(c) => c,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scopes(sso.scopes())
            .set_pkce_challenge(challenge)
            .url();
        let browser_token = new_token();
        let now = self.now();
        let forget_before = now
            .checked_sub(jiff::SignedDuration::from_secs(PENDING_FOR.as_secs() as i64))
            .unwrap_or(now);
        self.store
            .begin_sso_sign_in(
                SsoPending {
                    state_hash: token_hash(state.secret()),
                    browser_hash: token_hash(&browser_token),
                    nonce: nonce.secret().clone(),
                    pkce_verifier: verifier.secret().clone(),
                    next: next.to_owned(),
                    created_at: now,
                },
                forget_before,
            )
            .await?;
        Ok(Ok(SsoStart {
            url: url.to_string(),
            browser_token,
        }))
    }

    /// Finish a sign-in the provider sent back: a new session and where to go, or why not (audited).
    #[tracing::instrument(skip_all)]
    pub async fn sso_complete(
        &self,
        client: &SignInClient,
        browser_token: Option<&str>,
        callback: &SsoCallback,
    ) -> Result<Result<(StartedSession, String), SsoRefusal>, ServiceError> {
        let Some(sso) = self.sso.as_deref() else {
            return Err(ServiceError::NotFound);
        };
        let refuse = |r: SsoRefusal| Ok(Err(r));
        // The state first: it is taken (so it works once) whatever happens next.
        let Some(state) = callback
            .state
            .as_deref()
            .filter(|s| !s.is_empty() && s.len() <= 200)
        else {
            return refuse(SsoRefusal::NotStartedHere);
        };
        let Some(pending) = self.store.take_sso_sign_in(token_hash(state)).await? else {
            return refuse(SsoRefusal::NotStartedHere);
        };
        let now = self.now();
        let fresh = jiff::SignedDuration::try_from(PENDING_FOR)
            .ok()
            .and_then(|d| pending.created_at.checked_add(d).ok())
            .is_some_and(|until| now <= until);
        let same_browser = browser_token.is_some_and(|t| token_hash(t) == pending.browser_hash);
        if !fresh || !same_browser {
            return refuse(SsoRefusal::NotStartedHere);
        }
        if let Some(error) = &callback.error {
            let why = callback
                .error_description
                .clone()
                .unwrap_or_else(|| error.clone());
            let why: String = why.chars().filter(|c| !c.is_control()).take(200).collect();
            return refuse(SsoRefusal::ProviderRefused(why));
        }
        let Some(code) = callback
            .code
            .clone()
            .filter(|c| !c.is_empty() && c.len() <= 2048)
        else {
            return refuse(SsoRefusal::TokenRefused("no code".into()));
        };
        let metadata = match sso.metadata(METADATA_FOR).await {
            Ok(m) => m,
            Err(r) => return refuse(r),
        };
        let oidc = match sso.client(metadata) {
            Ok(c) => c,
            Err(r) => return refuse(r),
        };
        let http = sso.http.clone();
        let send = move |r| exchange(http.clone(), r);
        let exchange_code = match oidc.exchange_code(AuthorizationCode::new(code)) {
            Ok(e) => e,
            Err(e) => return refuse(SsoRefusal::ProviderUnavailable(e.to_string())),
        };
        let tokens = match exchange_code
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&send)
            .await
        {
            Ok(t) => t,
            Err(e) => {
                let why = format!("the code was not accepted: {e}");
                self.audit_refusal(client, None, &why).await?;
                return refuse(SsoRefusal::TokenRefused(why));
            }
        };
        let Some(id_token) = tokens.id_token() else {
            self.audit_refusal(client, None, "no id_token").await?;
            return refuse(SsoRefusal::TokenRefused("no id_token".into()));
        };
        let nonce = Nonce::new(pending.nonce.clone());
        let verified = match id_token.claims(&oidc.id_token_verifier(), &nonce) {
            Ok(c) => Ok(c.clone()),
            Err(first) => {
                // Perhaps the provider has rotated its keys since they were fetched: fetch them again, once.
                match sso.metadata(Duration::ZERO).await {
                    Ok(m) => match sso.client(m) {
                        Ok(again) => id_token
                            .claims(&again.id_token_verifier(), &nonce)
                            .cloned()
                            .map_err(|_| first),
                        Err(_) => Err(first),
                    },
                    Err(_) => Err(first),
                }
            }
        };
        let claims = match verified {
            Ok(c) => c,
            Err(e) => {
                let why = format!("the id_token was not accepted: {e}");
                tracing::warn!(reason = %why, "single sign-on refused");
                self.audit_refusal(client, None, &why).await?;
                return refuse(SsoRefusal::TokenRefused(why));
            }
        };
        let subject = claims.subject().as_str().to_owned();
        let verified_email = claims
            .email()
            .filter(|_| claims.email_verified() == Some(true))
            .map(|e| e.as_str().to_owned());
        let normalised = verified_email
            .as_deref()
            .and_then(domain::single_sign_on::normalise_email);
        let candidates = self
            .store
            .sso_candidates(subject.clone(), normalised.clone())
            .await?;
        let label = normalised.clone().unwrap_or_else(|| subject.clone());
        let Some(found) = choose(
            &candidates,
            &subject,
            verified_email.as_deref(),
            sso.settings.match_by,
        ) else {
            self.audit_refusal(client, Some(&label), "no account")
                .await?;
            return refuse(SsoRefusal::UnknownPerson);
        };
        let mut user = found.user.user.clone();
        let valid = found
            .user
            .valid_until
            .is_none_or(|until| london_date(now) <= until);
        if user.disabled || !valid {
            self.audit_user_refusal(client, &user).await?;
            return refuse(SsoRefusal::Disabled);
        }
        let groups = groups_in(
            &extra_claims(&id_token.to_string()),
            &sso.settings.groups.claim,
        );
        let grant = match sso.settings.groups.grant(&groups) {
            Ok(g) => g,
            Err(r) => {
                self.audit_user_refusal(client, &user).await?;
                return refuse(SsoRefusal::NoAccess(r));
            }
        };
        let role = grant.role.unwrap_or(user.role);
        let las = grant.las.clone().unwrap_or_else(|| user.las.clone());
        let change = (role != user.role || las != user.las).then(|| (role, las.clone()));
        user.role = role;
        user.las = las;
        let token = new_token();
        let actor = match &client.request_id {
            Some(id) => Actor::user(&user).with_request_id(id.clone()),
            None => Actor::user(&user),
        };
        self.store
            .finish_sso_sign_in(
                &actor,
                SsoFinish {
                    user_id: user.id,
                    link_subject: found.subject.is_none().then(|| subject.clone()),
                    grant: change,
                    session: NewSession {
                        id_hash: token_hash(&token),
                        user_id: user.id,
                        csrf_token: new_token(),
                        at: now,
                    },
                },
                now,
            )
            .await?;
        Ok(Ok((
            StartedSession {
                token,
                user,
                device_token: new_token(),
            },
            pending.next,
        )))
    }

    /// A failed sign-in through the provider by someone who is not (or not yet known to be) a user: audited under
    /// the identity the provider vouched for, or as unverified.
    async fn audit_refusal(
        &self,
        client: &SignInClient,
        who: Option<&str>,
        why: &str,
    ) -> Result<(), ServiceError> {
        tracing::info!(reason = why, "single sign-on refused");
        let label = match who {
            Some(w) => format!(
                "single sign-on: {}",
                w.chars().take(100).collect::<String>()
            ),
            None => "single sign-on: unverified".to_owned(),
        };
        let actor = Actor::unidentified(label);
        let actor = match &client.request_id {
            Some(id) => actor.with_request_id(id.clone()),
            None => actor,
        };
        self.store
            .record_audit(
                &actor,
                vec![AuditEvent {
                    action: AuditAction::SignInFailed,
                    record_kind: RecordKind::User,
                    record_id: None,
                    child_id: None,
                    la: None,
                    outcome: AuditOutcome::Denied,
                }],
                self.now(),
            )
            .await?;
        Ok(())
    }

    /// A failed sign-in through the provider by a known user (disabled, or with no access from their groups).
    async fn audit_user_refusal(
        &self,
        client: &SignInClient,
        user: &domain::records::User,
    ) -> Result<(), ServiceError> {
        let actor = Actor::unidentified(user.username.clone());
        let actor = match &client.request_id {
            Some(id) => actor.with_request_id(id.clone()),
            None => actor,
        };
        self.store
            .record_audit(
                &actor,
                vec![AuditEvent {
                    action: AuditAction::SignInFailed,
                    record_kind: RecordKind::User,
                    record_id: Some(user.id.uuid()),
                    child_id: None,
                    la: user.las.first().cloned(),
                    outcome: AuditOutcome::Denied,
                }],
                self.now(),
            )
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn groups_are_read_from_a_list_or_one_string() {
        let v = serde_json::json!({"groups": ["a", "b", 3], "role": "x"});
        assert_eq!(
            groups_in(&v, "groups"),
            vec!["a".to_owned(), "b".to_owned()]
        );
        assert_eq!(groups_in(&v, "role"), vec!["x".to_owned()]);
        assert!(groups_in(&v, "missing").is_empty());
        let payload =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"groups":["g"]}"#);
        let token = format!("h.{payload}.s");
        assert_eq!(
            groups_in(&extra_claims(&token), "groups"),
            vec!["g".to_owned()]
        );
        assert_eq!(extra_claims("nonsense"), serde_json::Value::Null);
    }
}
