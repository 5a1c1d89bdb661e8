#!/usr/bin/env python3
"""Checks, with the `cairn` CLI and the store itself, what a native drop on the desktop app did.
Used by scripts/test-desktop-smoke.sh after each drag. Standard library only.

    desktop-drop-check.py artifacts --cairn BIN --store DB --run RUN_ID --source DIR PATH...
        Each PATH (relative to DIR, a file or folder that was dropped on the run page) is now
        the run's artifact: every file under it is in the store's artifact index with its size
        and the BLAKE3 hash `cairn hash` gives for the original, and the copy in the store's
        artifact folder has the same bytes.

    desktop-drop-check.py imported --cairn BIN --store DB --expected expected.json
                                   --tensorboard-experiment NAME
        The folders dropped on the runs view were imported: the TensorBoard runs of the fixture
        (tests/fixtures/real/expected.json) are in experiment NAME with their last values, and
        the runs of the fixture's MLflow file store are in the store with their names and params.

Exit 0 when everything is there, 1 with one line per problem otherwise (--quiet: no output on 1
either, for polling), 2 on a usage or read error.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path


def cairn_json(cairn: str, store: str, *args: str) -> object | None:
    """`cairn --store STORE --json ARGS...` parsed, or None when it fails (a run not there yet)."""
    done = subprocess.run([cairn, "--store", store, "--json", *args], capture_output=True, text=True)
    if done.returncode != 0:
        return None
    return json.loads(done.stdout)


def check_artifacts(args: argparse.Namespace) -> list[str]:
    run = cairn_json(args.cairn, args.store, "runs", "show", args.run)
    if not isinstance(run, dict):
        return [f"`cairn runs show {args.run}` failed"]
    # mlflow-artifacts:/EXPERIMENT/RUN/artifacts lives in the store's artifact folder.
    location = run["artifact_uri"].removeprefix("mlflow-artifacts:").lstrip("/")
    artifact_dir = Path(args.store).with_name("cairn-artifacts") / location

    files = []
    for dropped in args.paths:
        source = args.source / dropped
        if source.is_dir():
            files += [p.relative_to(args.source) for p in sorted(source.rglob("*")) if p.is_file()]
        else:
            files.append(Path(dropped))
    db = sqlite3.connect(f"file:{args.store}?mode=ro", uri=True)
    problems = []
    for relative in files:
        path = relative.as_posix()
        # A scratch store for `cairn hash`, so no stat cache can answer from the app's work.
        with tempfile.TemporaryDirectory() as scratch:
            hashed = cairn_json(args.cairn, f"{scratch}/hash.db", "hash", str(args.source / relative))
        if not isinstance(hashed, list) or len(hashed) != 1:
            return [f"`cairn hash {args.source / relative}` failed"]
        expected_size, expected_hash = hashed[0]["size_bytes"], hashed[0]["hash"]
        row = db.execute(
            "SELECT a.size_bytes, a.blake3 FROM artifacts a JOIN runs r ON r.id = a.run_id"
            " WHERE r.run_uuid = ? AND a.path = ?",
            (args.run, path),
        ).fetchone()
        if row is None:
            problems.append(f"{path}: not in the artifact index of run {args.run}")
            continue
        if tuple(row) != (expected_size, expected_hash):
            problems.append(f"{path}: indexed as {row[0]} bytes {row[1]}, "
                            f"expected {expected_size} bytes {expected_hash}")
        copy = artifact_dir / relative
        if not copy.is_file():
            problems.append(f"{path}: no copy at {copy}")
        elif copy.read_bytes() != (args.source / relative).read_bytes():
            problems.append(f"{path}: the copy at {copy} differs from the dropped file")
    return problems


def check_imported(args: argparse.Namespace) -> list[str]:
    expected = json.loads(args.expected.read_text())
    problems = []

    runs = cairn_json(args.cairn, args.store, "runs", "list", "--experiment",
                      args.tensorboard_experiment, "--limit", "1000")
    by_name = {run["run_name"]: run for run in runs or []}
    for name, logged in expected["tensorboard"].items():
        run = by_name.get(name)
        if run is None:
            problems.append(f"TensorBoard run {name}: not in experiment {args.tensorboard_experiment}")
            continue
        for key, points in logged["scalars"].items():
            last = points[-1][1]
            got = run["metrics"].get(key)
            # Event files store float32.
            if got is None or abs(got - last) > 1e-6 * max(1.0, abs(last)):
                problems.append(f"TensorBoard run {name}: {key} is {got}, expected {last}")

    for experiment, content in expected["mlflow"]["filestore"]["experiments"].items():
        for want in content["runs"]:
            run = cairn_json(args.cairn, args.store, "runs", "show", want["run_id"])
            if not isinstance(run, dict):
                problems.append(f"MLflow run {want['run_id']} ({experiment}): not in the store")
                continue
            if run["run_name"] != want["name"] or run["params"] != want["params"]:
                problems.append(f"MLflow run {want['run_id']}: name/params differ from the fixture")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    artifacts = sub.add_parser("artifacts")
    artifacts.add_argument("--run", required=True)
    artifacts.add_argument("--source", type=Path, required=True)
    artifacts.add_argument("paths", nargs="+")
    imported = sub.add_parser("imported")
    imported.add_argument("--expected", type=Path, required=True)
    imported.add_argument("--tensorboard-experiment", required=True)
    for each in (artifacts, imported):
        each.add_argument("--cairn", required=True)
        each.add_argument("--store", required=True)
        each.add_argument("--quiet", action="store_true")
    args = parser.parse_args()

    try:
        problems = check_artifacts(args) if args.what == "artifacts" else check_imported(args)
    except (OSError, ValueError, KeyError, sqlite3.Error) as error:
        print(f"desktop-drop-check: {error}", file=sys.stderr)
        return 2
    if problems:
        if not args.quiet:
            print("\n".join(f"desktop-drop-check: {p}" for p in problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
