#!/usr/bin/env python3
"""Draws Cairn's app icon (a stack of rounded stones on a slate tile) and writes it to assets/icons/.

Standard library only (zlib + struct), so it runs anywhere without network access. The icons are
committed; run this again only to change the artwork:

    python3 scripts/make-icons.py

Writes 32x32.png, 64x64.png, 128x128.png, 128x128@2x.png, icon.png (512), icon.ico (PNG-in-ICO,
16-256 px) and icon.icns (PNG entries), all RGBA as Tauri requires.
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from pathlib import Path

# Each stone: centre x, centre y, radius x, radius y, in units of the tile (0..1), plus its colour.
STONES = [
    (0.500, 0.745, 0.300, 0.085, (0x9a, 0xa3, 0xa8)),
    (0.485, 0.585, 0.225, 0.078, (0xb9, 0xbf, 0xc2)),
    (0.515, 0.440, 0.165, 0.070, (0xa7, 0xb0, 0xb4)),
    (0.495, 0.315, 0.110, 0.058, (0xcf, 0xd4, 0xd6)),
]
TILE_TOP = (0x2c, 0x5b, 0x63)
TILE_BOTTOM = (0x17, 0x32, 0x3b)
GROUND = (0x0f, 0x24, 0x2a)


def smoothstep(edge0: float, edge1: float, x: float) -> float:
    t = min(1.0, max(0.0, (x - edge0) / (edge1 - edge0)))
    return t * t * (3.0 - 2.0 * t)


def rounded_square_distance(x: float, y: float, half: float, radius: float) -> float:
    """Signed distance from (x, y), relative to the centre, to a rounded square."""
    qx = abs(x) - half + radius
    qy = abs(y) - half + radius
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def ellipse_distance(x: float, y: float, rx: float, ry: float) -> float:
    """Approximate signed distance to an axis-aligned ellipse centred at the origin."""
    k = math.hypot(x / rx, y / ry)
    return (k - 1.0) * min(rx, ry)


def blend(dst: list[float], colour: tuple[float, float, float], alpha: float) -> None:
    """Composites `colour` with coverage `alpha` over the premultiplied pixel `dst` in place."""
    for i in range(3):
        dst[i] = colour[i] * alpha + dst[i] * (1.0 - alpha)
    dst[3] = alpha + dst[3] * (1.0 - alpha)


def render(size: int) -> bytes:
    """Renders the icon at `size` x `size` pixels and returns straight-alpha RGBA rows."""
    pixel_units = 1.0 / size  # one pixel, in tile units: the anti-aliasing width
    rows = bytearray()
    for py in range(size):
        for px in range(size):
            x = (px + 0.5) / size
            y = (py + 0.5) / size
            pixel = [0.0, 0.0, 0.0, 0.0]  # premultiplied RGBA, 0..1

            # Tile: rounded square with a vertical gradient.
            d_tile = rounded_square_distance(x - 0.5, y - 0.5, 0.46, 0.11)
            tile_alpha = 1.0 - smoothstep(-pixel_units, pixel_units, d_tile)
            if tile_alpha <= 0.0:
                rows += b"\0\0\0\0"
                continue
            t = y
            tile = tuple(
                (TILE_TOP[i] + (TILE_BOTTOM[i] - TILE_TOP[i]) * t) / 255.0 for i in range(3)
            )
            blend(pixel, tile, 1.0)

            # Ground shadow under the cairn.
            d_ground = ellipse_distance(x - 0.5, y - 0.835, 0.36, 0.045)
            blend(pixel, tuple(c / 255.0 for c in GROUND), 0.55 * (1.0 - smoothstep(-0.03, 0.03, d_ground)))

            # Stones, bottom to top, each with a soft drop shadow, a lit top and a dark rim.
            for cx, cy, rx, ry, colour in STONES:
                d_shadow = ellipse_distance(x - cx - 0.012, y - cy - 0.022, rx, ry)
                blend(pixel, (0.0, 0.0, 0.0), 0.35 * (1.0 - smoothstep(-0.02, 0.02, d_shadow)))

                d = ellipse_distance(x - cx, y - cy, rx, ry)
                coverage = 1.0 - smoothstep(-pixel_units, pixel_units, d)
                if coverage <= 0.0:
                    continue
                # Light from the top left: brighter towards (-0.4, -0.8) of the stone.
                nx = (x - cx) / rx
                ny = (y - cy) / ry
                light = 0.78 + 0.32 * max(0.0, min(1.0, 0.5 - 0.35 * nx - 0.55 * ny))
                rim = smoothstep(-0.025, 0.0, d) * 0.25
                shade = [min(1.0, c / 255.0 * light * (1.0 - rim)) for c in colour]
                blend(pixel, tuple(shade), coverage)

            alpha = pixel[3] * tile_alpha
            if alpha <= 0.0:
                rows += b"\0\0\0\0"
                continue
            # Un-premultiply (the tile is opaque, so pixel[3] is 1 inside it).
            rgb = [min(255, round(pixel[i] / pixel[3] * 255.0)) for i in range(3)]
            rows += bytes((rgb[0], rgb[1], rgb[2], min(255, round(alpha * 255.0))))
    return bytes(rows)


def png_bytes(size: int, rgba: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    stride = size * 4
    raw = b"".join(b"\0" + rgba[row * stride : (row + 1) * stride] for row in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO file whose images are PNGs (supported since Windows Vista)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries = b""
    data = b""
    for size in sizes:
        png = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset + len(data))
        data += png
    return header + entries + data


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICNS file with PNG entries (ic07 = 128, ic08 = 256, ic09 = 512 pixels)."""
    types = {128: b"ic07", 256: b"ic08", 512: b"ic09"}
    body = b"".join(types[s] + struct.pack(">I", 8 + len(pngs[s])) + pngs[s] for s in sorted(types))
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    out_dir = Path(__file__).resolve().parent.parent / "assets" / "icons"
    out_dir.mkdir(parents=True, exist_ok=True)
    pngs = {size: png_bytes(size, render(size)) for size in (16, 24, 32, 48, 64, 128, 256, 512)}
    files = {
        "32x32.png": pngs[32],
        "64x64.png": pngs[64],
        "128x128.png": pngs[128],
        "128x128@2x.png": pngs[256],
        "icon.png": pngs[512],
        "icon.ico": ico_bytes({s: pngs[s] for s in (16, 24, 32, 48, 64, 256)}),
        "icon.icns": icns_bytes({s: pngs[s] for s in (128, 256, 512)}),
    }
    for name, data in files.items():
        (out_dir / name).write_bytes(data)
        print(f"wrote {out_dir / name} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
