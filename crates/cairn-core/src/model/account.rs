//! Accounts on a team server: users, groups, access tokens, and the permissions they hold on
//! experiments and registered models, with the history of every permission change.

use super::ExperimentId;

/// What a principal may do with an experiment or a registered model. Ordered: each level
/// includes the ones below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Permission {
    /// Nothing, not even seeing it.
    NoPermissions,
    /// Read it and everything in it.
    Read,
    /// Also write: log runs, metrics and artifacts; register versions; set tags.
    Edit,
    /// Also delete, rename, and change who may do what.
    Manage,
}

impl Permission {
    /// Every level, lowest first.
    pub const ALL: [Permission; 4] = [
        Permission::NoPermissions,
        Permission::Read,
        Permission::Edit,
        Permission::Manage,
    ];

    /// MLflow's name for it (`READ`, `EDIT`, `MANAGE`, `NO_PERMISSIONS`).
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::NoPermissions => "NO_PERMISSIONS",
            Permission::Read => "READ",
            Permission::Edit => "EDIT",
            Permission::Manage => "MANAGE",
        }
    }

    /// Parses MLflow's name, in any case.
    pub fn parse(text: &str) -> Option<Permission> {
        Permission::ALL
            .into_iter()
            .find(|level| level.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl std::fmt::Display for Permission {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its number, never reused.
    pub id: i64,
    /// The unique name it signs in with.
    pub username: String,
    /// May do everything, including managing users.
    pub is_admin: bool,
    /// When it was made, epoch milliseconds.
    pub created_ms: i64,
}

/// A user with the hash of its password (argon2, in PHC string form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCredentials {
    /// The account.
    pub user: User,
    /// The stored hash; never the password.
    pub password_hash: String,
}

/// What an access token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A personal access token, made by its owner for a client (`MLFLOW_TRACKING_TOKEN`).
    Personal,
    /// A browser session, made by signing in.
    Session,
}

impl TokenKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Personal => "personal",
            TokenKind::Session => "session",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<TokenKind> {
        [TokenKind::Personal, TokenKind::Session]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// An access token; its secret is never stored, only a hash of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessToken {
    /// Its number.
    pub id: i64,
    /// Whose it is.
    pub user_id: i64,
    /// Personal or session.
    pub kind: TokenKind,
    /// What its owner called it.
    pub name: String,
    /// When it was made, epoch milliseconds.
    pub created_ms: i64,
    /// When it stops working, epoch milliseconds; `None` never.
    pub expires_ms: Option<i64>,
}

/// A token to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccessToken {
    /// Whose it is.
    pub user_id: i64,
    /// Personal or session.
    pub kind: TokenKind,
    /// What its owner calls it.
    pub name: String,
    /// The hash of its secret (the lookup key).
    pub secret_hash: String,
    /// When it stops working, epoch milliseconds.
    pub expires_ms: Option<i64>,
}

/// A named set of users that permissions can be given to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Unique name.
    pub name: String,
    /// Its members' user names, sorted.
    pub members: Vec<String>,
}

/// Who a permission is given to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Principal {
    /// One user, by name.
    User(String),
    /// Every member of a group, by its name.
    Group(String),
}

impl Principal {
    /// `user` or `group`.
    pub fn kind(&self) -> &'static str {
        match self {
            Principal::User(_) => "user",
            Principal::Group(_) => "group",
        }
    }

    /// The user's or group's name.
    pub fn name(&self) -> &str {
        match self {
            Principal::User(name) | Principal::Group(name) => name,
        }
    }

    /// From a kind (`user`/`group`) and a name.
    pub fn parse(kind: &str, name: &str) -> Option<Principal> {
        match kind {
            "user" => Some(Principal::User(name.to_owned())),
            "group" => Some(Principal::Group(name.to_owned())),
            _ => None,
        }
    }
}

/// What a permission is on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resource {
    /// An experiment and everything in it: runs, their artifacts, its LoggedModels.
    Experiment(ExperimentId),
    /// A registered model and its versions.
    RegisteredModel(String),
}

impl Resource {
    /// MLflow's resource type name: `experiment` or `registered_model`.
    pub fn kind(&self) -> &'static str {
        match self {
            Resource::Experiment(_) => "experiment",
            Resource::RegisteredModel(_) => "registered_model",
        }
    }

    /// Its id as text: the experiment id or the model name.
    pub fn id(&self) -> String {
        match self {
            Resource::Experiment(id) => id.0.to_string(),
            Resource::RegisteredModel(name) => name.clone(),
        }
    }

    /// From a resource type name and an id; `None` for an unknown type or a non-numeric
    /// experiment id.
    pub fn parse(kind: &str, id: &str) -> Option<Resource> {
        match kind {
            "experiment" => id
                .trim()
                .parse()
                .ok()
                .map(|id| Resource::Experiment(ExperimentId(id))),
            "registered_model" => Some(Resource::RegisteredModel(id.to_owned())),
            _ => None,
        }
    }
}

/// One permission given to a principal on a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// What it is on.
    pub resource: Resource,
    /// Who has it.
    pub principal: Principal,
    /// What it allows.
    pub permission: Permission,
}

/// Every grant that applies to one user: its own and its groups', per resource.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserGrants {
    /// The user's own grants.
    pub own: Vec<(Resource, Permission)>,
    /// Its groups' grants (several groups may grant on one resource).
    pub through_groups: Vec<(Resource, Permission)>,
}

/// One line of the permission history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionChange {
    /// When, epoch milliseconds.
    pub time_ms: i64,
    /// Who changed it.
    pub actor: String,
    /// On what.
    pub resource: Resource,
    /// For whom.
    pub principal: Principal,
    /// Before; `None` when there was no grant.
    pub old: Option<Permission>,
    /// After; `None` when the grant was removed.
    pub new: Option<Permission>,
}
