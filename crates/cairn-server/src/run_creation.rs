//! Who makes the run a `runs/create` request asks for: the store itself, or a caller serving one
//! child process that decides otherwise (`cairn run` adopts the runs its command creates).

use cairn_core::model::{NewRun, Run};
use cairn_core::{Store, StoreResult};

/// Makes the runs `runs/create` asks for on a server started with it
/// ([`crate::EphemeralServer::start`]).
pub trait RunCreator: Send + Sync + std::fmt::Debug {
    /// The run to answer `new` with: a new one, or one the creator chose (the request's
    /// arguments are already checked).
    fn create_run(&self, store: &dyn Store, new: NewRun) -> StoreResult<Run>;
}
