//! Starting the application: what `frontdoor serve` does once the database is open, and what the web tests do,
//! so that the tests start exactly the app that production starts (zero-to-production's `Application::build`).

use std::future::Future;
use std::net::SocketAddr;

use service::Services;
use service::sessions::SessionSettings;
use service::single_sign_on::{Sso, SsoSettings};
use store::Store;
use tokio::net::TcpListener;

use crate::admission::AdmissionSettings;

/// How the application is started.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where to listen; port 0 picks a free port (see [`Application::address`]).
    pub address: SocketAddr,
    /// Session timeouts and sign-in limits.
    pub sessions: SessionSettings,
    /// Signing in through the identity provider; an empty redirect URL becomes `http://{address}/sign-in/oidc/callback`.
    pub single_sign_on: Option<SsoSettings>,
    /// Whether local passwords may be used to sign in.
    pub local_passwords: bool,
    /// The roles that must sign in with a second factor.
    pub second_factor_roles: Vec<domain::codes::Role>,
    /// How many requests are worked on at once, and how many wait and for how long, before 503.
    pub admission: AdmissionSettings,
}

impl Settings {
    /// Listen at `address` with the default sessions, passwords and no single sign-on.
    pub fn at(address: SocketAddr) -> Settings {
        Settings {
            address,
            sessions: SessionSettings::default(),
            single_sign_on: None,
            local_passwords: true,
            second_factor_roles: Vec::new(),
            admission: AdmissionSettings::default(),
        }
    }
}

/// The application, listening but not yet answering: [`Application::run_until`] serves it.
pub struct Application<S> {
    services: Services<S>,
    admission: AdmissionSettings,
    listener: TcpListener,
    address: SocketAddr,
}

impl<S: Store> Application<S> {
    /// Apply `settings` to `services` and start listening.
    pub async fn build(
        services: Services<S>,
        settings: Settings,
    ) -> std::io::Result<Application<S>> {
        let listener = TcpListener::bind(settings.address).await?;
        let address = listener.local_addr()?;
        let sso = match settings.single_sign_on {
            Some(mut sso) => {
                if sso.redirect_url.is_empty() {
                    sso.redirect_url = format!("http://{address}/sign-in/oidc/callback");
                }
                Some(Sso::new(sso).map_err(|e| std::io::Error::other(e.to_string()))?)
            }
            None => None,
        };
        let services = services
            .with_session_settings(settings.sessions)
            .with_single_sign_on(sso, settings.local_passwords)
            .with_second_factor_roles(settings.second_factor_roles);
        Ok(Application {
            services,
            admission: settings.admission,
            listener,
            address,
        })
    }

    /// The address it listens on (with the port chosen when port 0 was asked for).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The services it serves (with the session settings applied).
    pub fn services(&self) -> &Services<S> {
        &self.services
    }

    /// Serve until `shutdown` completes; requests in flight are finished first.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(
            address = %self.address,
            database = self.services.database_name(),
            "serving"
        );
        // The casework due dates are kept up to date in the background while the server runs.
        let keeper = self.services.keep_case_clocks();
        let served = crate::serve(self.services, self.admission, self.listener, shutdown).await;
        keeper.abort();
        served
    }
}
