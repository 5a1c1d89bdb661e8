//! Git provenance and data hashes of runs.

use std::collections::HashMap;

use rusqlite::{Connection, Transaction, params};

use crate::error::StoreResult;
use crate::model::{DataHash, DataKind, GitOrigin, GitProvenance, Run};

use super::row::writable_run;

pub(super) fn set_git(
    transaction: &Transaction<'_>,
    run_id: &str,
    git: &GitProvenance,
) -> StoreResult<()> {
    let run_pk = writable_run(transaction, run_id)?;
    let untracked = (!git.untracked_files.is_empty()).then(|| encode_names(&git.untracked_files));
    transaction
        .prepare_cached(
            "INSERT OR REPLACE INTO git_provenance
               (run_id, origin, repo_root, commit_sha, branch, remote_url, is_dirty, diff_artifact,
                untracked_files, author_name, author_email, commit_time_ms, commit_summary)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![
            run_pk,
            git.origin.as_str(),
            git.repo_root,
            git.commit_sha,
            git.branch,
            git.remote_url,
            git.is_dirty,
            git.diff_artifact,
            untracked,
            git.author_name,
            git.author_email,
            git.commit_time_ms,
            git.commit_summary,
        ])?;
    Ok(())
}

pub(super) fn set_data(
    transaction: &Transaction<'_>,
    run_id: &str,
    data: &DataHash,
) -> StoreResult<()> {
    let run_pk = writable_run(transaction, run_id)?;
    transaction
        .prepare_cached(
            "INSERT OR REPLACE INTO run_data
               (run_id, path, kind, root_hash, size_bytes, file_count, dvc_md5)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            run_pk,
            data.path,
            data.kind.as_str(),
            data.root_hash,
            data.size_bytes as i64,
            data.file_count as i64,
            data.dvc_md5,
        ])?;
    Ok(())
}

/// Fills `git` and `data` of `runs`; `ids_json` is the JSON array of their integer keys and
/// `position` maps a key to its index in `runs`.
pub(super) fn attach(
    connection: &Connection,
    ids_json: &str,
    position: &HashMap<i64, usize>,
    runs: &mut [Run],
) -> StoreResult<()> {
    let mut statement = connection.prepare_cached(
        "SELECT run_id, origin, repo_root, commit_sha, branch, remote_url, is_dirty, diff_artifact,
                untracked_files, author_name, author_email, commit_time_ms, commit_summary
         FROM git_provenance WHERE run_id IN (SELECT value FROM json_each(?1))",
    )?;
    let mut rows = statement.query([ids_json])?;
    while let Some(row) = rows.next()? {
        let Some(&index) = position.get(&row.get(0)?) else {
            continue;
        };
        let origin: String = row.get(1)?;
        let untracked: Option<String> = row.get(8)?;
        runs[index].git = Some(GitProvenance {
            origin: GitOrigin::parse(&origin).unwrap_or(GitOrigin::MlflowTags),
            repo_root: row.get(2)?,
            commit_sha: row.get(3)?,
            branch: row.get(4)?,
            remote_url: row.get(5)?,
            is_dirty: row.get(6)?,
            diff_artifact: row.get(7)?,
            untracked_files: untracked.as_deref().map(decode_names).unwrap_or_default(),
            author_name: row.get(9)?,
            author_email: row.get(10)?,
            commit_time_ms: row.get(11)?,
            commit_summary: row.get(12)?,
        });
    }
    let mut statement = connection.prepare_cached(
        "SELECT run_id, path, kind, root_hash, size_bytes, file_count, dvc_md5
         FROM run_data WHERE run_id IN (SELECT value FROM json_each(?1)) ORDER BY run_id, path",
    )?;
    let mut rows = statement.query([ids_json])?;
    while let Some(row) = rows.next()? {
        let Some(&index) = position.get(&row.get(0)?) else {
            continue;
        };
        let kind: String = row.get(2)?;
        runs[index].data.push(DataHash {
            path: row.get(1)?,
            kind: if kind == "file" {
                DataKind::File
            } else {
                DataKind::Directory
            },
            root_hash: row.get(3)?,
            size_bytes: row.get::<_, i64>(4)?.unsigned_abs(),
            file_count: row.get::<_, i64>(5)?.unsigned_abs(),
            dvc_md5: row.get(6)?,
        });
    }
    Ok(())
}

/// File names, each followed by a NUL (the one byte no file name contains).
pub(super) fn encode_names(names: &[String]) -> String {
    names.iter().map(|name| format!("{name}\0")).collect()
}

/// Reads [`encode_names`]' form; text without a NUL is the older one-name-per-line form.
fn decode_names(text: &str) -> Vec<String> {
    if text.contains('\0') {
        text.split_terminator('\0').map(str::to_string).collect()
    } else {
        text.lines().map(str::to_string).collect()
    }
}
