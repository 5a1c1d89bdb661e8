//! Which optional records a set of runs has, read in one statement. Most runs have no git
//! provenance, data hashes, datasets or models: a kind that none of a page's runs has then costs
//! no round trip of its own when the page is loaded.

use postgres::Transaction;

use super::sql::{args, query_one};
use crate::error::StoreResult;

/// The optional records some of a set of runs have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Present {
    /// Git provenance.
    pub(crate) git: bool,
    /// Data hashes.
    pub(crate) data: bool,
    /// Dataset inputs.
    pub(crate) inputs: bool,
    /// Model inputs.
    pub(crate) model_inputs: bool,
    /// Model outputs.
    pub(crate) outputs: bool,
}

impl Present {
    /// Nothing optional.
    pub(crate) fn none() -> Present {
        Present {
            git: false,
            data: false,
            inputs: false,
            model_inputs: false,
            outputs: false,
        }
    }

    /// What the runs with keys `run_pks` have.
    pub(crate) fn of(tx: &mut Transaction<'_>, run_pks: &[i64]) -> StoreResult<Present> {
        if run_pks.is_empty() {
            return Ok(Present::none());
        }
        let row = query_one(
            tx,
            "SELECT EXISTS (SELECT 1 FROM git_provenance WHERE run_id = ANY($1)),
                    EXISTS (SELECT 1 FROM run_data WHERE run_id = ANY($1)),
                    EXISTS (SELECT 1 FROM run_inputs WHERE run_id = ANY($1)),
                    EXISTS (SELECT 1 FROM run_model_inputs WHERE run_id = ANY($1)),
                    EXISTS (SELECT 1 FROM run_outputs WHERE run_id = ANY($1))",
            args![run_pks.to_vec()],
        )?;
        Ok(Present {
            git: row.try_get(0)?,
            data: row.try_get(1)?,
            inputs: row.try_get(2)?,
            model_inputs: row.try_get(3)?,
            outputs: row.try_get(4)?,
        })
    }
}
