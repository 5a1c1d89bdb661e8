//! Who is calling and what they may do: [`Caller`] is put on every request by the guard;
//! [`Access`] is a signed-in user's effective permission on each experiment and registered
//! model — their own grant if they have one, else the highest of their groups', else the
//! server's default; everything for admins.

use std::collections::HashMap;
use std::sync::Arc;

use cairn_core::model::{Permission, Resource, User, UserGrants};

/// Who sent a request.
#[derive(Debug, Clone)]
pub enum Caller {
    /// Anyone the server's single credential (or loopback without one) lets in: every
    /// operation, as before accounts existed.
    Operator,
    /// Nobody signed in, on a server with accounts: only the open routes.
    Anonymous,
    /// A signed-in user.
    User(Arc<SignedIn>),
}

impl Caller {
    /// The signed-in user, if any.
    pub fn user(&self) -> Option<&SignedIn> {
        match self {
            Caller::User(signed_in) => Some(signed_in),
            Caller::Operator | Caller::Anonymous => None,
        }
    }

    /// What the caller may do with `resource`.
    pub fn permission(&self, resource: &Resource) -> Permission {
        match self {
            Caller::Operator => Permission::Manage,
            Caller::Anonymous => Permission::NoPermissions,
            Caller::User(signed_in) => signed_in.access.on(resource),
        }
    }

    /// Whether the caller may manage users (an admin, or the operator of a server without
    /// accounts).
    pub fn is_admin(&self) -> bool {
        match self {
            Caller::Operator => true,
            Caller::Anonymous => false,
            Caller::User(signed_in) => signed_in.user.is_admin,
        }
    }
}

/// A signed-in user and what they may do.
#[derive(Debug)]
pub struct SignedIn {
    /// The account.
    pub user: User,
    /// Their permissions.
    pub access: Arc<Access>,
}

/// A user's effective permissions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    admin: bool,
    default: Permission,
    granted: HashMap<Resource, Permission>,
}

impl Access {
    /// From a user's grants: their own win over their groups', and among groups the highest.
    pub fn new(admin: bool, default: Permission, grants: UserGrants) -> Access {
        let mut through_groups: HashMap<Resource, Permission> = HashMap::new();
        for (resource, permission) in grants.through_groups {
            let best = through_groups.entry(resource).or_insert(permission);
            *best = (*best).max(permission);
        }
        let mut granted = through_groups;
        for (resource, permission) in grants.own {
            granted.insert(resource, permission);
        }
        Access {
            admin,
            default,
            granted,
        }
    }

    /// The permission on `resource`.
    pub fn on(&self, resource: &Resource) -> Permission {
        if self.admin {
            return Permission::Manage;
        }
        self.granted.get(resource).copied().unwrap_or(self.default)
    }

    /// Whether everything not named in a grant is readable (then a search need only drop the
    /// resources granted less than READ).
    pub fn default_readable(&self) -> bool {
        self.admin || self.default >= Permission::Read
    }
}

#[cfg(test)]
mod tests {
    use cairn_core::model::ExperimentId;

    use super::*;

    fn experiment(id: i64) -> Resource {
        Resource::Experiment(ExperimentId(id))
    }

    #[test]
    fn own_grants_win_then_the_best_group_then_the_default() {
        let grants = UserGrants {
            own: vec![(experiment(1), Permission::Read)],
            through_groups: vec![
                (experiment(1), Permission::Manage),
                (experiment(2), Permission::Edit),
                (experiment(2), Permission::Read),
            ],
        };
        let access = Access::new(false, Permission::NoPermissions, grants);
        assert_eq!(access.on(&experiment(1)), Permission::Read);
        assert_eq!(access.on(&experiment(2)), Permission::Edit);
        assert_eq!(access.on(&experiment(3)), Permission::NoPermissions);
        assert!(!access.default_readable());
        let admin = Access::new(true, Permission::NoPermissions, UserGrants::default());
        assert_eq!(admin.on(&experiment(3)), Permission::Manage);
    }
}

/// The signed-in user's name, as a handler argument: who did what, for runs (`mlflow.user`)
/// and the registry's history. `None` on a server without accounts.
#[derive(Debug, Clone, Default)]
pub struct Actor(pub Option<String>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Actor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Actor, Self::Rejection> {
        Ok(Actor(
            parts
                .extensions
                .get::<Caller>()
                .and_then(Caller::user)
                .map(|signed_in| signed_in.user.username.clone()),
        ))
    }
}
