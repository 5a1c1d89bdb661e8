//! [`AccountStore`]: the users, groups, tokens and permissions of a team server, kept in the same
//! store as what they protect. Hashing passwords and token secrets is the caller's work: the
//! store keeps hashes and never sees a secret.

use crate::error::StoreResult;
use crate::model::{
    AccessToken, Grant, Group, NewAccessToken, Permission, PermissionChange, Principal, Resource,
    User, UserCredentials, UserGrants,
};

/// Accounts and permissions.
pub trait AccountStore: Send + Sync {
    /// Makes a user; `AccountExists` when the name is taken.
    fn create_user(&self, username: &str, password_hash: &str, is_admin: bool)
    -> StoreResult<User>;

    /// A user and its password hash, by name.
    fn user_credentials(&self, username: &str) -> StoreResult<Option<UserCredentials>>;

    /// A user by name; `AccountNotFound` when there is none.
    fn get_user(&self, username: &str) -> StoreResult<User>;

    /// Every user, by name.
    fn list_users(&self) -> StoreResult<Vec<User>>;

    /// Replaces a user's password hash and ends its browser sessions.
    fn set_password_hash(&self, username: &str, password_hash: &str) -> StoreResult<()>;

    /// Makes a user an admin or not.
    fn set_admin(&self, username: &str, is_admin: bool) -> StoreResult<()>;

    /// Removes a user with its tokens, sessions, memberships and grants.
    fn delete_user(&self, username: &str) -> StoreResult<()>;

    /// Stores a token (its secret's hash).
    fn create_token(&self, token: &NewAccessToken) -> StoreResult<AccessToken>;

    /// The user and token whose secret hashes to `secret_hash`, if it exists and has not expired
    /// at `now_ms`.
    fn user_for_token(
        &self,
        secret_hash: &str,
        now_ms: i64,
    ) -> StoreResult<Option<(User, AccessToken)>>;

    /// A user's personal tokens, newest first (never sessions).
    fn list_tokens(&self, user_id: i64) -> StoreResult<Vec<AccessToken>>;

    /// Revokes one of a user's tokens; `AccountNotFound` when the user has no such token.
    fn revoke_token(&self, user_id: i64, token_id: i64) -> StoreResult<()>;

    /// Makes an empty group.
    fn create_group(&self, name: &str) -> StoreResult<()>;

    /// Removes a group with its memberships and grants.
    fn delete_group(&self, name: &str) -> StoreResult<()>;

    /// Adds a user to a group (nothing when it is a member already).
    fn add_group_member(&self, group: &str, username: &str) -> StoreResult<()>;

    /// Takes a user out of a group.
    fn remove_group_member(&self, group: &str, username: &str) -> StoreResult<()>;

    /// Every group with its members, by name.
    fn list_groups(&self) -> StoreResult<Vec<Group>>;

    /// Gives `principal` `permission` on `resource` (replacing a grant it had), recording the
    /// change with `actor` at `time_ms`.
    fn set_grant(&self, grant: &Grant, actor: &str, time_ms: i64) -> StoreResult<()>;

    /// Takes away `principal`'s grant on `resource`, recording it; `AccountNotFound` when there
    /// was none.
    fn remove_grant(
        &self,
        resource: &Resource,
        principal: &Principal,
        actor: &str,
        time_ms: i64,
    ) -> StoreResult<()>;

    /// Every grant on one resource, users first then groups, by name.
    fn grants_on(&self, resource: &Resource) -> StoreResult<Vec<Grant>>;

    /// One principal's grant on one resource.
    fn grant_of(
        &self,
        resource: &Resource,
        principal: &Principal,
    ) -> StoreResult<Option<Permission>>;

    /// Every grant that applies to a user, its own and through its groups.
    fn user_grants(&self, user_id: i64) -> StoreResult<UserGrants>;

    /// The permission history of one resource, oldest first.
    fn permission_history(&self, resource: &Resource) -> StoreResult<Vec<PermissionChange>>;

    /// Moves every grant on registered model `from` to `to` (after a rename).
    fn rename_model_grants(&self, from: &str, to: &str) -> StoreResult<()>;
}
