//! The accounts contract, on SQLite and on a real PostgreSQL: users, tokens, groups, grants and
//! their history behave the same on both.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use cairn_core::model::{
    ExperimentId, Grant, NewAccessToken, Permission, PermissionChange, Principal, Resource,
    TokenKind,
};
use cairn_core::{PostgresStore, SqliteStore, Store, StoreError};

fn sqlite() -> (tempfile::TempDir, Box<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    (dir, Box::new(store))
}

fn postgres() -> (tempfile::TempDir, Box<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let url = cairn_test_support::postgres::fresh_database();
    let store = PostgresStore::connect(&url, &dir.path().join("artifacts")).unwrap();
    (dir, Box::new(store))
}

fn users_tokens_and_removal(store: &dyn Store) {
    let ana = store.create_user("ana", "$argon2id$hash", false).unwrap();
    assert!(matches!(
        store.create_user("ana", "other", true),
        Err(StoreError::AccountExists { kind: "user", .. })
    ));
    assert!(matches!(
        store.create_user("bad:name", "h", false),
        Err(StoreError::Invalid { .. })
    ));
    let credentials = store.user_credentials("ana").unwrap().unwrap();
    assert_eq!(credentials.password_hash, "$argon2id$hash");
    assert!(store.user_credentials("nobody").unwrap().is_none());
    let token = store
        .create_token(&NewAccessToken {
            user_id: ana.id,
            kind: TokenKind::Personal,
            name: "laptop".into(),
            secret_hash: "h1".into(),
            expires_ms: None,
        })
        .unwrap();
    store
        .create_token(&NewAccessToken {
            user_id: ana.id,
            kind: TokenKind::Session,
            name: "browser".into(),
            secret_hash: "h2".into(),
            expires_ms: Some(1_000),
        })
        .unwrap();
    let (found, _) = store.user_for_token("h1", 5_000).unwrap().unwrap();
    assert_eq!(found.username, "ana");
    assert!(store.user_for_token("h2", 5_000).unwrap().is_none(), "expired");
    assert_eq!(store.list_tokens(ana.id).unwrap(), vec![token.clone()]);
    store.set_admin("ana", true).unwrap();
    assert!(store.get_user("ana").unwrap().is_admin);
    store.revoke_token(ana.id, token.id).unwrap();
    assert!(store.user_for_token("h1", 5_000).unwrap().is_none());
    assert!(matches!(
        store.revoke_token(ana.id, token.id),
        Err(StoreError::AccountNotFound { .. })
    ));
    store.delete_user("ana").unwrap();
    assert!(matches!(
        store.get_user("ana"),
        Err(StoreError::AccountNotFound { kind: "user", .. })
    ));
}

fn grants_groups_and_history(store: &dyn Store) {
    let bo = store.create_user("bo", "h", false).unwrap();
    store.create_user("cy", "h", false).unwrap();
    store.create_group("ml").unwrap();
    store.add_group_member("ml", "bo").unwrap();
    store.add_group_member("ml", "bo").unwrap();
    store.add_group_member("ml", "cy").unwrap();
    assert_eq!(store.list_groups().unwrap()[0].members, vec!["bo", "cy"]);
    let experiment = Resource::Experiment(ExperimentId(7));
    let model = Resource::RegisteredModel("churn".into());
    let grant = |resource: &Resource, principal: Principal, permission| Grant {
        resource: resource.clone(),
        principal,
        permission,
    };
    store
        .set_grant(&grant(&experiment, Principal::User("bo".into()), Permission::Read), "root", 1)
        .unwrap();
    store
        .set_grant(&grant(&experiment, Principal::User("bo".into()), Permission::Edit), "root", 2)
        .unwrap();
    store
        .set_grant(&grant(&experiment, Principal::Group("ml".into()), Permission::Manage), "root", 3)
        .unwrap();
    store
        .set_grant(&grant(&model, Principal::Group("ml".into()), Permission::Read), "root", 4)
        .unwrap();
    let on = store.grants_on(&experiment).unwrap();
    assert_eq!(
        on.iter().map(|g| (g.principal.clone(), g.permission)).collect::<Vec<_>>(),
        vec![
            (Principal::User("bo".into()), Permission::Edit),
            (Principal::Group("ml".into()), Permission::Manage)
        ]
    );
    let mut mine = store.user_grants(bo.id).unwrap();
    mine.through_groups.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(mine.own, vec![(experiment.clone(), Permission::Edit)]);
    assert_eq!(
        mine.through_groups,
        vec![
            (experiment.clone(), Permission::Manage),
            (model.clone(), Permission::Read)
        ]
    );
    store.rename_model_grants("churn", "churn-v2").unwrap();
    let renamed = Resource::RegisteredModel("churn-v2".into());
    assert_eq!(store.grants_on(&renamed).unwrap().len(), 1);
    store
        .remove_grant(&experiment, &Principal::User("bo".into()), "ana", 5)
        .unwrap();
    assert!(matches!(
        store.remove_grant(&experiment, &Principal::User("bo".into()), "ana", 6),
        Err(StoreError::AccountNotFound { .. })
    ));
    let history = store.permission_history(&experiment).unwrap();
    let change = |time_ms, actor: &str, principal, old, new| PermissionChange {
        time_ms,
        actor: actor.into(),
        resource: experiment.clone(),
        principal,
        old,
        new,
    };
    assert_eq!(
        history,
        vec![
            change(1, "root", Principal::User("bo".into()), None, Some(Permission::Read)),
            change(2, "root", Principal::User("bo".into()), Some(Permission::Read), Some(Permission::Edit)),
            change(3, "root", Principal::Group("ml".into()), None, Some(Permission::Manage)),
            change(5, "ana", Principal::User("bo".into()), Some(Permission::Edit), None),
        ]
    );
    store.delete_group("ml").unwrap();
    assert_eq!(store.user_grants(bo.id).unwrap().through_groups, vec![]);
    assert!(store.list_groups().unwrap().is_empty());
}

macro_rules! on_both {
    ($($name:ident),*) => {
        mod sqlite {
            $(#[test] fn $name() { let (_dir, store) = super::sqlite(); super::$name(&*store); })*
        }
        mod postgres {
            $(#[test] fn $name() { let (_dir, store) = super::postgres(); super::$name(&*store); })*
        }
    };
}

on_both!(users_tokens_and_removal, grants_groups_and_history);
