"""Writes a CSV of 50 columns (40 numeric, 10 categorical) for the `cairn drift` benchmark in
docs/PERFORMANCE.md: gen.py PATH BYTES SHIFT SEED (SHIFT > 0 shifts every fourth numeric column
and skews every third categorical one)."""
import sys, numpy as np, pandas as pd
path, target_bytes, shift, seed = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
rng = np.random.default_rng(seed)
cats = np.array(["alpha", "beta", "gamma", "delta", "eps", "zeta"])
written = 0
first = True
with open(path, "w") as out:
    while written < target_bytes:
        n = 200_000
        data = {}
        for c in range(40):
            s = shift if c % 4 == 0 else 0.0
            data[f"num{c:02d}"] = rng.normal(s + c, 1.0 + c / 40, n)
        for c in range(10):
            p = np.ones(6) / 6
            if shift and c % 3 == 0:
                p = np.array([0.4, 0.2, 0.1, 0.1, 0.1, 0.1])
            data[f"cat{c:02d}"] = cats[rng.choice(6, n, p=p)]
        text = pd.DataFrame(data).to_csv(index=False, header=first, float_format="%.6f")
        first = False
        out.write(text)
        written += len(text)
print(path, written)
