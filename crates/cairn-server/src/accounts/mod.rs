//! Accounts on a team server (`cairn serve --auth users`): signing in by password, token or
//! browser session ([`Accounts::authenticate`]), what each user may do ([`access`]), the one
//! policy every route passes through ([`policy`]), and slowing down guessing ([`throttle`]).
//! Users, groups and grants live in the store ([`cairn_core::AccountStore`]).

pub mod access;
pub mod policy;
pub mod policy_table;
pub mod secrets;
pub mod sign_in;
pub mod throttle;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use cairn_core::Store;
use cairn_core::model::{ExperimentId, Grant, Permission, Principal, Resource, User};

pub use access::{Access, Actor, Caller, SignedIn};

use crate::error::ApiError;

/// How long a verified password, a token's owner or a user's permissions are reused before
/// the store is asked again. Changes made through this server take effect at once (the caches
/// are cleared); changes made through another server sharing the database within this time.
const CACHE_FOR: Duration = Duration::from_secs(2);
/// Verified passwords are reused longer: verifying one costs an argon2 hash.
const PASSWORD_CACHE_FOR: Duration = Duration::from_secs(60);
/// Entries each cache holds at most.
const MAX_CACHED: usize = 10_000;

/// The name of the browser session cookie.
pub const SESSION_COOKIE: &str = "cairn_session";
/// How long a browser session lasts.
pub const SESSION_LENGTH: Duration = Duration::from_secs(7 * 24 * 3600);

/// Why credentials did not sign anyone in.
#[derive(Debug)]
pub enum Refusal {
    /// Wrong name, password or token (one answer for all, so it tells nothing).
    Wrong,
    /// Too many failed attempts: try again after this long.
    Throttled(Duration),
    /// The store could not be asked.
    Failed(ApiError),
}

/// A cache of values by key, each kept for a while.
#[derive(Debug)]
struct Cache<K, V> {
    entries: Mutex<HashMap<K, (Instant, V)>>,
    keep_for: Duration,
}

impl<K: std::hash::Hash + Eq, V: Clone> Cache<K, V> {
    fn new(keep_for: Duration) -> Self {
        Cache {
            entries: Mutex::new(HashMap::new()),
            keep_for,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<K, (Instant, V)>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn get(&self, key: &K) -> Option<V> {
        let entries = self.lock();
        let (at, value) = entries.get(key)?;
        (at.elapsed() < self.keep_for).then(|| value.clone())
    }

    fn put(&self, key: K, value: V) {
        let mut entries = self.lock();
        if entries.len() >= MAX_CACHED {
            entries.clear();
        }
        entries.insert(key, (Instant::now(), value));
    }

    fn clear(&self) {
        self.lock().clear();
    }
}

/// The accounts side of a server.
#[derive(Debug)]
pub struct Accounts {
    store: Arc<dyn Store>,
    /// How long a request waits on the store (see [`crate::store_deadline`]).
    deadline: Option<Duration>,
    default_permission: Permission,
    process_key: [u8; 32],
    throttle: throttle::Throttle,
    passwords: Cache<[u8; 32], User>,
    tokens: Cache<String, Option<User>>,
    access: Cache<i64, Arc<Access>>,
    /// The experiment of each run and LoggedModel asked about: it never changes.
    homes: Cache<String, ExperimentId>,
}

impl Accounts {
    /// Accounts kept in `store`; users without a grant on something get `default_permission`.
    pub fn new(
        store: Arc<dyn Store>,
        default_permission: Permission,
        deadline: Option<Duration>,
    ) -> Accounts {
        Accounts {
            store,
            deadline,
            default_permission,
            process_key: secrets::process_key(),
            throttle: throttle::Throttle::default(),
            passwords: Cache::new(PASSWORD_CACHE_FOR),
            tokens: Cache::new(CACHE_FOR),
            access: Cache::new(CACHE_FOR),
            homes: Cache::new(Duration::MAX),
        }
    }

    /// The permission of users on what nobody granted them anything on.
    pub fn default_permission(&self) -> Permission {
        self.default_permission
    }

    /// The store the accounts are kept in.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Forgets every cached sign-in and permission: called after any change to users, tokens,
    /// groups or grants, so that it holds from the next request on.
    pub fn changed(&self) {
        self.passwords.clear();
        self.tokens.clear();
        self.access.clear();
    }

    /// Runs a store call on the blocking pool.
    async fn call<T: Send + 'static>(
        &self,
        work: impl FnOnce(&dyn Store) -> cairn_core::StoreResult<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        let store = Arc::clone(&self.store);
        crate::blocking_on_store(&*self.store, self.deadline, move || work(&*store))
            .await?
            .map_err(ApiError::from)
    }

    /// The user a name and password belong to. Attempts are throttled per name and address.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        address: Option<IpAddr>,
    ) -> Result<User, Refusal> {
        let fingerprint = secrets::credential_fingerprint(&self.process_key, username, password);
        if let Some(user) = self.passwords.get(&fingerprint) {
            return Ok(user);
        }
        if let Some(wait) = self.throttle.must_wait(username, address, Instant::now()) {
            return Err(Refusal::Throttled(wait));
        }
        let name = username.to_owned();
        let credentials = self
            .call(move |store| store.user_credentials(&name))
            .await
            .map_err(Refusal::Failed)?;
        let given = password.to_owned();
        let verified = tokio::task::spawn_blocking(move || match credentials {
            Some(credentials) if secrets::verify_password(&given, &credentials.password_hash) => {
                Some(credentials.user)
            }
            Some(_) => None,
            None => {
                secrets::verify_nothing(&given);
                None
            }
        })
        .await
        .map_err(|error| Refusal::Failed(ApiError::new("INTERNAL_ERROR", error.to_string())))?;
        match verified {
            Some(user) => {
                self.throttle.succeeded(username);
                self.passwords.put(fingerprint, user.clone());
                Ok(user)
            }
            None => {
                self.throttle.failed(username, address, Instant::now());
                Err(Refusal::Wrong)
            }
        }
    }

    /// The user a token (personal or session) belongs to, if it exists and has not expired.
    pub async fn token_user(&self, token: &str) -> Result<Option<User>, ApiError> {
        let hash = secrets::token_hash(token);
        if let Some(user) = self.tokens.get(&hash) {
            return Ok(user);
        }
        let key = hash.clone();
        let now = cairn_core::time::now_millis();
        let found = self
            .call(move |store| store.user_for_token(&key, now))
            .await?
            .map(|(user, _)| user);
        self.tokens.put(hash, found.clone());
        Ok(found)
    }

    /// What `user` may do.
    pub async fn access(&self, user: &User) -> Result<Arc<Access>, ApiError> {
        if let Some(access) = self.access.get(&user.id) {
            return Ok(access);
        }
        let id = user.id;
        let grants = self.call(move |store| store.user_grants(id)).await?;
        let access = Arc::new(Access::new(user.is_admin, self.default_permission, grants));
        self.access.put(user.id, Arc::clone(&access));
        Ok(access)
    }

    /// The caller for a signed-in user.
    pub async fn caller(&self, user: User) -> Result<Caller, ApiError> {
        let access = self.access(&user).await?;
        Ok(Caller::User(Arc::new(SignedIn { user, access })))
    }

    /// The experiment of a run; `None` when there is no such run (the handler then answers).
    pub async fn run_experiment(
        &self,
        state: &crate::Shared,
        run_id: &str,
    ) -> Option<ExperimentId> {
        let key = format!("run:{run_id}");
        if let Some(found) = self.homes.get(&key) {
            return Some(found);
        }
        let id = run_id.to_owned();
        let experiment = state
            .call(move |store| store.get_run(&id))
            .await
            .ok()?
            .info
            .experiment_id;
        self.homes.put(key, experiment);
        Some(experiment)
    }

    /// The experiment of a LoggedModel; `None` when there is no such model.
    pub async fn logged_model_experiment(
        &self,
        state: &crate::Shared,
        model_id: &str,
    ) -> Option<ExperimentId> {
        let key = format!("model:{model_id}");
        if let Some(found) = self.homes.get(&key) {
            return Some(found);
        }
        let id = model_id.to_owned();
        let experiment = state
            .call(move |store| store.get_logged_model(&id))
            .await
            .ok()?
            .experiment_id;
        self.homes.put(key, experiment);
        Some(experiment)
    }

    /// Gives the creator of an experiment or registered model MANAGE on it.
    pub async fn grant_creator(&self, caller: &Caller, resource: Resource) -> Result<(), ApiError> {
        let Some(signed_in) = caller.user() else {
            return Ok(());
        };
        let grant = Grant {
            resource,
            principal: Principal::User(signed_in.user.username.clone()),
            permission: Permission::Manage,
        };
        let actor = signed_in.user.username.clone();
        let now = cairn_core::time::now_millis();
        self.call(move |store| store.set_grant(&grant, &actor, now))
            .await?;
        self.changed();
        Ok(())
    }
}
