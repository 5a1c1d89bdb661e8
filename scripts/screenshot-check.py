#!/usr/bin/env python3
"""Checks an X screenshot (`xwd -root` output) of the Cairn window and saves it as a PNG.

Standard library only. Used by scripts/test-desktop-smoke.sh:

    python3 scripts/screenshot-check.py SCREEN.xwd --png OUT.png [--min-colours N] [--min-rows N]

Passes (exit 0) when the screen is not blank (at least --min-colours distinct colours, no single
colour covering nearly everything) and a runs table is visible: at least --min-rows lines of text
right of the sidebar, one under the other at one regular pitch (the table's fixed row height).
Otherwise prints what it saw and exits 1. Exit 2 means the file could not be read.

With --drop-overlay (a screenshot of the Cairn window alone, `xwd -id WINDOW`), passes instead
when the drag-and-drop overlay is shown (its dashed accent-coloured border along the edges).
With --no-check it only converts the screenshot (to --png) and always passes.
"""

from __future__ import annotations

import argparse
import struct
import sys
import zlib
from collections import Counter
from pathlib import Path


class Screenshot:
    def __init__(self, width: int, height: int, rgb: bytes):
        self.width = width
        self.height = height
        self.rgb = rgb  # width * height * 3 bytes, row-major

    def row(self, y: int) -> bytes:
        start = y * self.width * 3
        return self.rgb[start : start + self.width * 3]


def read_xwd(data: bytes) -> Screenshot:
    """Decodes a ZPixmap XWD file of depth 24 or 32 (what `xwd` writes for a TrueColor screen)."""
    if len(data) < 100:
        raise ValueError("file too short for an XWD header")
    fields = struct.unpack(">25I", data[:100])
    (header_size, version, pixmap_format, _depth, width, height, _xoffset, byte_order, _bitmap_unit,
     _bit_order, _bitmap_pad, bits_per_pixel, bytes_per_line, _visual_class, red_mask, green_mask,
     blue_mask, _bits_per_rgb, _colormap_entries, ncolors, *_rest) = fields
    if version != 7 or pixmap_format != 2:
        raise ValueError(f"unsupported XWD file (version {version}, format {pixmap_format})")
    if bits_per_pixel not in (24, 32):
        raise ValueError(f"unsupported XWD pixel size {bits_per_pixel} bits")
    offset = header_size + ncolors * 12
    bytes_per_pixel = bits_per_pixel // 8
    if len(data) < offset + bytes_per_line * height:
        raise ValueError("XWD file is truncated")

    def channel_index(mask: int) -> int:
        shift = (mask & -mask).bit_length() - 1
        byte_in_value = shift // 8  # 0 = least significant byte
        return byte_in_value if byte_order == 0 else bytes_per_pixel - 1 - byte_in_value

    red, green, blue = (channel_index(m) for m in (red_mask, green_mask, blue_mask))
    rgb = bytearray(width * height * 3)
    for y in range(height):
        line = data[offset + y * bytes_per_line : offset + y * bytes_per_line + width * bytes_per_pixel]
        out = y * width * 3
        rgb[out : out + width * 3 : 3] = line[red::bytes_per_pixel]
        rgb[out + 1 : out + width * 3 : 3] = line[green::bytes_per_pixel]
        rgb[out + 2 : out + width * 3 : 3] = line[blue::bytes_per_pixel]
    return Screenshot(width, height, bytes(rgb))


def write_png(shot: Screenshot, path: Path) -> None:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    raw = b"".join(b"\0" + shot.row(y) for y in range(shot.height))
    header = struct.pack(">IIBBBBB", shot.width, shot.height, 8, 2, 0, 0, 0)  # 8-bit RGB
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def colour_stats(shot: Screenshot) -> tuple[int, float]:
    """Distinct colours, and the share of pixels the most common colour covers."""
    rgb = shot.rgb
    colours = Counter(zip(rgb[0::3], rgb[1::3], rgb[2::3]))
    most_common = colours.most_common(1)[0][1] if colours else 0
    return len(colours), most_common / max(1, shot.width * shot.height)


def text_lines(shot: Screenshot, left: int, right: int) -> list[tuple[int, int]]:
    """Bands of pixel rows, between x = left and right, that carry text: pixels far from the line's
    own background colour. Bands under 3 px tall (borders, underlines) are not text. Returns
    (first y, last y) of each band."""
    bands: list[tuple[int, int]] = []
    start = None
    for y in range(shot.height):
        line = shot.row(y)[left * 3 : right * 3]
        pixels = list(zip(line[0::3], line[1::3], line[2::3]))
        background = Counter(pixels).most_common(1)[0][0]
        bg_lum = sum(background)
        ink = sum(1 for p in pixels if abs(sum(p) - bg_lum) > 120)
        if ink >= 4:
            if start is None:
                start = y
        elif start is not None:
            bands.append((start, y - 1))
            start = None
    if start is not None:
        bands.append((start, shot.height - 1))
    return [(first, last) for first, last in bands if last - first >= 2]


def longest_regular_run(bands: list[tuple[int, int]]) -> tuple[int, int]:
    """The most rows of text in a row spaced at one pitch (±2 px): (row count, pitch)."""
    centres = [(a + b) / 2 for a, b in bands]
    gaps = [round(b - a) for a, b in zip(centres, centres[1:])]
    candidates = Counter(g for g in gaps if g >= 16).most_common(3)
    best = (min(1, len(bands)), 0)
    for pitch, _count in candidates:
        run = longest = 0
        for gap in gaps:
            run = run + 1 if abs(gap - pitch) <= 2 else 0
            longest = max(longest, run)
        if longest + 1 > best[0]:
            best = (longest + 1, pitch)
    return best


# The overlay's border colour, `--accent` in ui/src/app.css: light theme, dark theme.
ACCENTS = ((0x1F, 0x6F, 0x7A), (0x5F, 0xB8, 0xC4))


def drop_overlay_shown(shot: Screenshot) -> tuple[bool, str]:
    """Whether the drop overlay's dashed border (3 px, accent colour) runs along the window's left
    and top edges: at least a third of each edge line is accent-coloured (dashes and gaps). The
    right edge may be a page's scroll bar, which the overlay does not cover."""
    def is_accent(x: int, y: int) -> bool:
        start = (y * shot.width + x) * 3
        pixel = shot.rgb[start : start + 3]
        return any(sum(abs(a - b) for a, b in zip(pixel, accent)) <= 60 for accent in ACCENTS)

    down = range(8, shot.height - 8)
    across = range(8, shot.width - 24)
    left = sum(is_accent(1, y) for y in down) / max(1, len(down))
    top = sum(is_accent(x, 1) for x in across) / max(1, len(across))
    return min(left, top) >= 0.33, f"accent on {left:.0%} of the left edge, {top:.0%} of the top"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("xwd", type=Path)
    parser.add_argument("--png", type=Path, help="also save the screenshot as this PNG")
    parser.add_argument("--min-colours", type=int, default=40)
    parser.add_argument("--min-rows", type=int, default=10)
    parser.add_argument("--sidebar-fraction", type=float, default=0.25,
                        help="ignore this much of the width on the left (the experiments sidebar)")
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    parser.add_argument("--drop-overlay", action="store_true",
                        help="check that the drag-and-drop overlay is shown instead")
    parser.add_argument("--no-check", action="store_true", help="only save the PNG")
    args = parser.parse_args()

    try:
        shot = read_xwd(args.xwd.read_bytes())
    except (OSError, ValueError) as error:
        print(f"screenshot-check: cannot read {args.xwd}: {error}", file=sys.stderr)
        return 2
    if args.png:
        write_png(shot, args.png)
    if args.no_check:
        return 0
    if args.drop_overlay:
        shown, summary = drop_overlay_shown(shot)
        if not shown:
            if not args.quiet:
                print(f"screenshot-check: FAIL: no drop overlay ({summary})", file=sys.stderr)
            return 1
        if not args.quiet:
            print(f"screenshot-check: ok: drop overlay shown ({summary})")
        return 0

    colours, dominant_share = colour_stats(shot)
    bands = text_lines(shot, int(shot.width * args.sidebar_fraction), shot.width)
    rows, pitch = longest_regular_run(bands)
    summary = (f"{shot.width}x{shot.height}, {colours} colours, most common colour covers "
               f"{dominant_share:.0%}, {len(bands)} text lines, {rows} table rows at {pitch} px pitch")

    problems = []
    if colours < args.min_colours or dominant_share > 0.97:
        problems.append("the screen is blank or nearly so")
    if rows < args.min_rows:
        problems.append(f"no runs table: fewer than {args.min_rows} evenly spaced rows of text")
    if problems:
        print(f"screenshot-check: FAIL: {'; '.join(problems)} ({summary})", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"screenshot-check: ok: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
