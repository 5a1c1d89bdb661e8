//! Git provenance and data hashes of runs.

use std::collections::HashMap;

use postgres::Transaction;

use super::present::Present;
use super::row::writable_run;
use super::sql::{args, big, execute, query, size};
use crate::error::StoreResult;
use crate::model::{DataHash, DataKind, GitOrigin, GitProvenance, Run};

/// Records (replaces) the git provenance of the run with surrogate key `run_pk`.
pub(crate) fn write_git(
    tx: &mut Transaction<'_>,
    run_pk: i64,
    git: &GitProvenance,
) -> StoreResult<()> {
    // An array, so that any file name (even one with a newline) round-trips.
    let untracked = (!git.untracked_files.is_empty()).then(|| git.untracked_files.clone());
    execute(
        tx,
        "INSERT INTO git_provenance
           (run_id, origin, repo_root, commit_sha, branch, remote_url, is_dirty, diff_artifact,
            untracked_files, author_name, author_email, commit_time_ms, commit_summary)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (run_id) DO UPDATE SET
           origin = excluded.origin, repo_root = excluded.repo_root,
           commit_sha = excluded.commit_sha, branch = excluded.branch,
           remote_url = excluded.remote_url, is_dirty = excluded.is_dirty,
           diff_artifact = excluded.diff_artifact, untracked_files = excluded.untracked_files,
           author_name = excluded.author_name, author_email = excluded.author_email,
           commit_time_ms = excluded.commit_time_ms, commit_summary = excluded.commit_summary",
        args![
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
        ],
    )?;
    Ok(())
}

pub(crate) fn set_git(
    tx: &mut Transaction<'_>,
    run_id: &str,
    git: &GitProvenance,
) -> StoreResult<()> {
    let run_pk = writable_run(tx, run_id)?;
    write_git(tx, run_pk, git)
}

pub(crate) fn set_data(tx: &mut Transaction<'_>, run_id: &str, data: &DataHash) -> StoreResult<()> {
    let run_pk = writable_run(tx, run_id)?;
    execute(
        tx,
        "INSERT INTO run_data (run_id, path, kind, root_hash, size_bytes, file_count, dvc_md5)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (run_id, path) DO UPDATE SET
           kind = excluded.kind, root_hash = excluded.root_hash,
           size_bytes = excluded.size_bytes, file_count = excluded.file_count,
           dvc_md5 = excluded.dvc_md5",
        args![
            run_pk,
            data.path,
            data.kind.as_str(),
            data.root_hash,
            big(data.size_bytes),
            big(data.file_count),
            data.dvc_md5,
        ],
    )?;
    Ok(())
}

/// Fills `git` and `data` of `runs`; `position` maps a surrogate key to its index in `runs`.
pub(crate) fn attach(
    tx: &mut Transaction<'_>,
    run_pks: &[i64],
    position: &HashMap<i64, usize>,
    runs: &mut [Run],
    present: Present,
) -> StoreResult<()> {
    if present.git {
        attach_git(tx, run_pks, position, runs)?;
    }
    if present.data {
        attach_data(tx, run_pks, position, runs)?;
    }
    Ok(())
}

fn attach_git(
    tx: &mut Transaction<'_>,
    run_pks: &[i64],
    position: &HashMap<i64, usize>,
    runs: &mut [Run],
) -> StoreResult<()> {
    let rows = query(
        tx,
        "SELECT run_id, origin, repo_root, commit_sha, branch, remote_url, is_dirty,
                diff_artifact, untracked_files, author_name, author_email, commit_time_ms,
                commit_summary
         FROM git_provenance WHERE run_id = ANY($1)",
        args![run_pks.to_vec()],
    )?;
    for row in &rows {
        let Some(&index) = position.get(&row.try_get::<_, i64>(0)?) else {
            continue;
        };
        let origin: &str = row.try_get(1)?;
        runs[index].git = Some(GitProvenance {
            origin: GitOrigin::parse(origin).unwrap_or(GitOrigin::MlflowTags),
            repo_root: row.try_get(2)?,
            commit_sha: row.try_get(3)?,
            branch: row.try_get(4)?,
            remote_url: row.try_get(5)?,
            is_dirty: row.try_get(6)?,
            diff_artifact: row.try_get(7)?,
            untracked_files: row
                .try_get::<_, Option<Vec<String>>>(8)?
                .unwrap_or_default(),
            author_name: row.try_get(9)?,
            author_email: row.try_get(10)?,
            commit_time_ms: row.try_get(11)?,
            commit_summary: row.try_get(12)?,
        });
    }
    Ok(())
}

fn attach_data(
    tx: &mut Transaction<'_>,
    run_pks: &[i64],
    position: &HashMap<i64, usize>,
    runs: &mut [Run],
) -> StoreResult<()> {
    let rows = query(
        tx,
        "SELECT run_id, path, kind, root_hash, size_bytes, file_count, dvc_md5
         FROM run_data WHERE run_id = ANY($1) ORDER BY run_id, path COLLATE \"C\"",
        args![run_pks.to_vec()],
    )?;
    for row in &rows {
        let Some(&index) = position.get(&row.try_get::<_, i64>(0)?) else {
            continue;
        };
        let kind: &str = row.try_get(2)?;
        runs[index].data.push(DataHash {
            path: row.try_get(1)?,
            kind: if kind == "file" {
                DataKind::File
            } else {
                DataKind::Directory
            },
            root_hash: row.try_get(3)?,
            size_bytes: size(row.try_get(4)?),
            file_count: size(row.try_get(5)?),
            dvc_md5: row.try_get(6)?,
        });
    }
    Ok(())
}
