"""Draws the same metric histories as a line chart to SVG with Cairn and with matplotlib, and
prints the times side by side.

    cargo build --release -p cairn-chart --example line_timing
    .venv/bin/python benches/matplotlib_compare.py \
        --line-timing target/release/examples/line_timing [--repeat 3] [--without-simplification]

Needs numpy and matplotlib (`pip install -r benches/requirements.txt`; the venv of
scripts/test-mlflow-compat.sh already has both, through mlflow). The data is generated here
once per case (a noisy decaying loss with a one-point spike every 9,973 steps, seeded) and
written as raw f64 for Cairn's side: `line_timing` puts it in a fresh store (not timed), then
each repetition reads it back from the store, renders a 1200x600 SVG and writes the file.
matplotlib gets the same arrays already in memory (no read counted) and draws the same lines
(`ax.plot` per run, 1200x600 px) to an SVG file with `savefig`. Times are medians of
`--repeat` repetitions, wall clock.

matplotlib simplifies paths by default (`path.simplify`, threshold 1/9 px), which is what
makes 10^7 points feasible for it at all; the default rows keep that on. With
`--without-simplification` each case is also drawn with it off (slow and large at 10^7 points).
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

CASES = [
    # (label, runs, points per run)
    ("100 runs x 100,000 points", 100, 100_000),
    ("10 runs x 1,000 points", 10, 1_000),
    ("1 run x 1,000,000 points", 1, 1_000_000),
]


def histories(runs, points):
    """`runs` x `points` float64 values: the curve of crates/cairn-chart/benches/render.rs."""
    import numpy as np

    rng = np.random.default_rng(7)
    steps = np.arange(points, dtype=np.float64)
    curve = 2.0 * np.exp(-steps / 20_000.0) + 0.05
    spikes = np.where(np.arange(points) % 9_973 == 0, 1.0, 0.0)
    noise = rng.uniform(-0.5, 0.5, size=(runs, points)) * 0.02
    return steps, curve + spikes + noise


def draw_with_matplotlib(steps, values, path, simplify):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"path.simplify": simplify}):
        figure, axes = plt.subplots(figsize=(12, 6), dpi=100)
        for run, run_values in enumerate(values):
            axes.plot(steps, run_values, linewidth=1, label=f"run-{run:03d}")
        axes.set_title("loss")
        axes.set_xlabel("step")
        axes.set_ylabel("loss")
        axes.grid(True)
        if len(values) <= 12:
            axes.legend(loc="upper right")
        figure.savefig(path, format="svg")
        plt.close(figure)


def time_matplotlib(steps, values, path, simplify, repeat):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        draw_with_matplotlib(steps, values, path, simplify)
        samples.append((time.perf_counter() - started) * 1e3)
    return statistics.median(samples), os.path.getsize(path)


def time_cairn(line_timing, values, scratch, repeat):
    raw = os.path.join(scratch, "values.f64")
    values.astype("<f8").tofile(raw)
    runs, points = values.shape
    out = subprocess.run(
        [
            line_timing,
            raw,
            str(runs),
            str(points),
            os.path.join(scratch, "cairn.svg"),
            str(repeat),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    os.remove(raw)
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--line-timing",
        default=os.path.join(
            os.environ.get("CARGO_TARGET_DIR", "target"), "release", "examples", "line_timing"
        ),
        help="path to the line_timing example, built with --release",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--without-simplification",
        action="store_true",
        help="also time matplotlib with path.simplify off",
    )
    args = parser.parse_args()
    import matplotlib

    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for label, runs, points in CASES:
            steps, values = histories(runs, points)
            cairn = time_cairn(args.line_timing, values, scratch, args.repeat)
            variants = [True, False] if args.without_simplification else [True]
            for simplify in variants:
                mpl_ms, mpl_bytes = time_matplotlib(
                    steps, values, os.path.join(scratch, "mpl.svg"), simplify, args.repeat
                )
                rows.append((label, simplify, cairn, mpl_ms, mpl_bytes))

    print(
        f"line chart to a 1200x600 SVG, median of {args.repeat}; "
        f"matplotlib {matplotlib.__version__}, Cairn reads from its store; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end"
    )
    header = (
        f"{'case':<28} {'path.simplify':>13} {'cairn ms':>9} {'(read':>7} {'render)':>8} "
        f"{'matplotlib ms':>14} {'ratio':>7} {'cairn SVG KB':>13} {'mpl SVG KB':>11}"
    )
    print(header)
    print("-" * len(header))
    for label, simplify, cairn, mpl_ms, mpl_bytes in rows:
        ratio = mpl_ms / cairn["total_ms"]
        print(
            f"{label:<28} {'on' if simplify else 'off':>13} {cairn['total_ms']:>9.1f} "
            f"{cairn['read_ms']:>7.1f} {cairn['render_ms']:>8.1f} {mpl_ms:>14.1f} "
            f"{ratio:>6.1f}x {cairn['svg_bytes'] / 1e3:>13.0f} {mpl_bytes / 1e3:>11.0f}"
        )
    print("ratio = matplotlib time / Cairn time (Cairn's includes reading the store and M4)")


if __name__ == "__main__":
    main()
