//! [`AccountStore`] for [`SqliteStore`]: users, groups, tokens and grants.

use crate::error::StoreResult;
use crate::model::{
    AccessToken, Grant, Group, NewAccessToken, Permission, PermissionChange, Principal, Resource,
    User, UserCredentials, UserGrants,
};
use crate::store::AccountStore;

use super::super::{SqliteStore, accounts};

impl AccountStore for SqliteStore {
    fn create_user(
        &self,
        username: &str,
        password_hash: &str,
        is_admin: bool,
    ) -> StoreResult<User> {
        self.write(|tx| accounts::create_user(tx, username, password_hash, is_admin))
    }

    fn user_credentials(&self, username: &str) -> StoreResult<Option<UserCredentials>> {
        self.read(|db| accounts::user_credentials(db, username))
    }

    fn get_user(&self, username: &str) -> StoreResult<User> {
        self.read(|db| accounts::get_user(db, username))
    }

    fn list_users(&self) -> StoreResult<Vec<User>> {
        self.read(accounts::list_users)
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
        self.read(|db| accounts::user_for_token(db, secret_hash, now_ms))
    }

    fn list_tokens(&self, user_id: i64) -> StoreResult<Vec<AccessToken>> {
        self.read(|db| accounts::list_tokens(db, user_id))
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
        self.read(accounts::list_groups)
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
        self.read(|db| accounts::grants_on(db, resource))
    }

    fn grant_of(
        &self,
        resource: &Resource,
        principal: &Principal,
    ) -> StoreResult<Option<Permission>> {
        self.read(|db| accounts::grant_of(db, resource, principal))
    }

    fn user_grants(&self, user_id: i64) -> StoreResult<UserGrants> {
        self.read(|db| accounts::user_grants(db, user_id))
    }

    fn permission_history(&self, resource: &Resource) -> StoreResult<Vec<PermissionChange>> {
        self.read(|db| accounts::permission_history(db, resource))
    }

    fn rename_model_grants(&self, from: &str, to: &str) -> StoreResult<()> {
        self.write(|tx| accounts::rename_model_grants(tx, from, to))
    }
}
