"""Reads the same TensorBoard event files with TensorBoard's own EventAccumulator and with
`cairn index`, and prints the times side by side.

    python benches/tensorboard_compare.py --cairn target/release/cairn [--runs 10] [--points 100000]

Needs `pip install tensorboard tensorboardX`. The event files are written by tensorboardX (the
real writer) into a temporary folder: `--runs` runs, each with two scalar tags of `--points`
points. EventAccumulator is told to keep every scalar (size_guidance 0), as Cairn does.
"""

import argparse
import os
import subprocess
import tempfile
import time


def write_runs(root, runs, points):
    from tensorboardX import SummaryWriter

    for run in range(runs):
        writer = SummaryWriter(os.path.join(root, f"run-{run:03d}"), flush_secs=3600)
        for step in range(points // 2):
            value = 2.0 / (1.0 + step / 1000.0) + run * 0.01
            writer.add_scalar("loss/train", value, step)
            writer.add_scalar("acc/val", 1.0 - value / 3.0, step)
        writer.close()


def read_with_tensorboard(root):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    total = 0
    for run in sorted(os.listdir(root)):
        accumulator = EventAccumulator(os.path.join(root, run), size_guidance={"scalars": 0})
        accumulator.Reload()
        for tag in accumulator.Tags()["scalars"]:
            total += len(accumulator.Scalars(tag))
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cairn", required=True, help="path to the cairn binary")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--points", type=int, default=100_000, help="points per run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        logs = os.path.join(scratch, "logs")
        write_runs(logs, args.runs, args.points)
        started = time.perf_counter()
        tensorboard_points = read_with_tensorboard(logs)
        tensorboard_secs = time.perf_counter() - started

        store = os.path.join(scratch, "cairn.db")
        started = time.perf_counter()
        subprocess.run(
            [args.cairn, "--store", store, "index", logs, "--json"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        cairn_secs = time.perf_counter() - started

    print(f"{'reader':<40} {'points':>10} {'seconds':>9} {'points/s':>12}")
    for name, points, secs in [
        ("tensorboard EventAccumulator", tensorboard_points, tensorboard_secs),
        ("cairn index (into a new store)", tensorboard_points, cairn_secs),
    ]:
        print(f"{name:<40} {points:>10} {secs:>9.2f} {points / secs:>12,.0f}")
    print(f"cairn is {tensorboard_secs / cairn_secs:.1f}x faster")


if __name__ == "__main__":
    main()
