#!/usr/bin/env python3
"""Packs an already-built `cairn` binary into a Python wheel (PEP 427), as maturin's
`bindings = "bin"` would: the binary under `<name>-<version>.data/scripts/`, so `pip install`
puts `cairn` on the venv's PATH. The platform tag is computed from the binary: the newest glibc
symbol version it needs (`manylinux_2_<N>_x86_64`), after checking it links nothing but the
libraries every manylinux system has.

    scripts/pack-wheel.py BINARY VERSION README OUT_DIR

Standard library only; prints the wheel's path.
"""

import base64
import hashlib
import re
import subprocess
import sys
import zipfile
from pathlib import Path

NAME = "cairn-tracking"
SUMMARY = (
    "Cairn: experiment tracking and a model registry in one fast binary and one SQLite file, "
    "with an MLflow-compatible server and web UI (`cairn ui`)"
)
# The libraries manylinux lets a wheel link without carrying them (PEP 599/600 policy).
ALLOWED_LIBRARIES = {
    "libc.so.6", "libm.so.6", "libdl.so.2", "librt.so.1", "libpthread.so.0",
    "libgcc_s.so.1", "libstdc++.so.6", "libz.so.1", "libutil.so.1", "libresolv.so.2",
    "ld-linux-x86-64.so.2", "linux-vdso.so.1",
}


def fail(message: str) -> None:
    print(f"pack-wheel: {message}", file=sys.stderr)
    sys.exit(1)


def platform_tag(binary: Path) -> str:
    """`manylinux_2_N_x86_64` for the newest `GLIBC_2.N` the binary asks for."""
    needed = subprocess.run(
        ["readelf", "--dynamic", "--wide", str(binary)], capture_output=True, text=True, check=True
    ).stdout
    libraries = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", needed))
    outside = sorted(libraries - ALLOWED_LIBRARIES)
    if outside:
        fail(f"{binary} links {', '.join(outside)}, which manylinux systems need not have")
    versions = subprocess.run(
        ["readelf", "--version-info", "--wide", str(binary)], capture_output=True, text=True, check=True
    ).stdout
    minors = [int(minor) for minor in re.findall(r"GLIBC_2\.(\d+)", versions)]
    return f"manylinux_2_{max(minors, default=17)}_x86_64"


def record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def main() -> None:
    if len(sys.argv) != 5:
        fail("usage: pack-wheel.py BINARY VERSION README OUT_DIR")
    binary, version, readme, out_dir = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
    if not re.fullmatch(r"\d+(\.\d+)*([ab]|rc)?\d*(\.dev\d+)?", version):
        fail(f"version {version!r} is not a PEP 440 version")
    try:
        program = binary.read_bytes()
        description = readme.read_text(encoding="utf-8")
    except OSError as error:
        fail(str(error))
    tag = f"py3-none-{platform_tag(binary)}"
    stem = NAME.replace("-", "_")
    dist_info = f"{stem}-{version}.dist-info"
    metadata = "\n".join([
        "Metadata-Version: 2.1",
        f"Name: {NAME}",
        f"Version: {version}",
        f"Summary: {SUMMARY}",
        "License: Apache-2.0",
        "Keywords: mlflow,experiment-tracking,model-registry,machine-learning",
        "Classifier: Development Status :: 3 - Alpha",
        "Classifier: Environment :: Console",
        "Classifier: Intended Audience :: Science/Research",
        "Classifier: License :: OSI Approved :: Apache Software License",
        "Classifier: Operating System :: POSIX :: Linux",
        "Classifier: Programming Language :: Rust",
        "Classifier: Topic :: Scientific/Engineering :: Artificial Intelligence",
        "Requires-Python: >=3.8",
        "Description-Content-Type: text/markdown",
        "",
        description,
    ])
    wheel = "\n".join([
        "Wheel-Version: 1.0",
        "Generator: cairn scripts/pack-wheel.py",
        "Root-Is-Purelib: false",
        f"Tag: {tag}",
        "",
    ])
    files = [
        (f"{stem}-{version}.data/scripts/cairn", program, 0o755),
        (f"{dist_info}/METADATA", metadata.encode(), 0o644),
        (f"{dist_info}/WHEEL", wheel.encode(), 0o644),
    ]
    record = "\n".join([record_line(path, data) for path, data, _ in files] + [f"{dist_info}/RECORD,,", ""])
    files.append((f"{dist_info}/RECORD", record.encode(), 0o644))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{stem}-{version}-{tag}.whl"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path, data, mode in files:
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    print(target)


if __name__ == "__main__":
    main()
