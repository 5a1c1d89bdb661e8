//! [`AccountStore`] for [`PostgresStore`]: users, groups, tokens and grants.

use crate::error::StoreResult;
use crate::model::{
    AccessToken, Grant, Group, NewAccessToken, Permission, PermissionChange, Principal, Resource,
    User, UserCredentials, UserGrants,
};
use crate::store::AccountStore;

use crate::store::postgres::{PostgresStore, accounts};

impl AccountStore for PostgresStore {
    fn create_user(
        &self,
        username: &str,
        password_hash: &str,
        is_admin: bool,
    ) -> StoreResult<User> {
        self.write(|tx| accounts::create_user(tx, username, password_hash, is_admin))
    }

    fn user_credentials(&self, username: &str) -> StoreResult<Option<UserCredentials>> {
        self.read(|tx| accounts::user_credentials(tx, username))
    }

    fn get_user(&self, username: &str) -> StoreResult<User> {
        self.read(|tx| accounts::get_user(tx, username))
    }

    fn list_users(&self) -> StoreResult<Vec<User>> {
        self.read(|tx| accounts::list_users(tx))
    }

    fn set_password_hash(&self, username: &str, password_hash: &str) -> StoreResult<()> {
        self.write(|tx| accounts::set_password_hash(tx, username, password_hash))
    }

    fn set_admin(&self, username: &str, is_admin: bool) -> StoreResult<()> {
        self.write(|tx| accounts::set_admin(tx, username, is_admin))
    }

    fn delete_user(&self, username: &str) -> StoreResult<()> {
        self.write(|tx| accounts::delete_user(tx, username))
    }

    fn create_token(&self, token: &NewAccessToken) -> StoreResult<AccessToken> {
        self.write(|tx| accounts::create_token(tx, token))
    }

    fn user_for_token(
        &self,
        secret_hash: &str,
        now_ms: i64,
    ) -> StoreResult<Option<(User, AccessToken)>> {
        self.read(|tx| accounts::user_for_token(tx, secret_hash, now_ms))
    }

    fn list_tokens(&self, user_id: i64) -> StoreResult<Vec<AccessToken>> {
        self.read(|tx| accounts::list_tokens(tx, user_id))
    }

    fn revoke_token(&self, user_id: i64, token_id: i64) -> StoreResult<()> {
        self.write(|tx| accounts::revoke_token(tx, user_id, token_id))
    }

    fn create_group(&self, name: &str) -> StoreResult<()> {
        self.write(|tx| accounts::create_group(tx, name))
    }

    fn delete_group(&self, name: &str) -> StoreResult<()> {
        self.write(|tx| accounts::delete_group(tx, name))
    }

    fn add_group_member(&self, group: &str, username: &str) -> StoreResult<()> {
        self.write(|tx| accounts::add_group_member(tx, group, username))
    }

    fn remove_group_member(&self, group: &str, username: &str) -> StoreResult<()> {
        self.write(|tx| accounts::remove_group_member(tx, group, username))
    }

    fn list_groups(&self) -> StoreResult<Vec<Group>> {
        self.read(|tx| accounts::list_groups(tx))
    }

    fn set_grant(&self, grant: &Grant, actor: &str, time_ms: i64) -> StoreResult<()> {
        self.write(|tx| accounts::set_grant(tx, grant, actor, time_ms))
    }

    fn remove_grant(
        &self,
        resource: &Resource,
        principal: &Principal,
        actor: &str,
        time_ms: i64,
    ) -> StoreResult<()> {
        self.write(|tx| accounts::remove_grant(tx, resource, principal, actor, time_ms))
    }

    fn grants_on(&self, resource: &Resource) -> StoreResult<Vec<Grant>> {
        self.read(|tx| accounts::grants_on(tx, resource))
    }

    fn grant_of(
        &self,
        resource: &Resource,
        principal: &Principal,
    ) -> StoreResult<Option<Permission>> {
        self.read(|tx| accounts::grant_of(tx, resource, principal))
    }

    fn user_grants(&self, user_id: i64) -> StoreResult<UserGrants> {
        self.read(|tx| accounts::user_grants(tx, user_id))
    }

    fn permission_history(&self, resource: &Resource) -> StoreResult<Vec<PermissionChange>> {
        self.read(|tx| accounts::permission_history(tx, resource))
    }

    fn rename_model_grants(&self, from: &str, to: &str) -> StoreResult<()> {
        self.write(|tx| accounts::rename_model_grants(tx, from, to))
    }
}
