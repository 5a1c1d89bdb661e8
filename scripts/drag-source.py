#!/usr/bin/python3
"""A native drag source for the desktop drop test (scripts/test-desktop-smoke.sh).

Opens a small undecorated GTK 3 window at a given place on the X screen that offers PATHS as a
`text/uri-list`, the way a file manager does, so a real pointer drag (xdotool) from it onto the
Cairn window goes through the X drag-and-drop protocol (XDND) into Tauri's file-drop event.

    /usr/bin/python3 scripts/drag-source.py --at X,Y [--size W,H] [--timeout S] PATH...

Prints `ready X Y W H` (the window's rectangle on the screen) once the window is shown, then
`dropped` when a drop target accepted the drag (exit 0) or `drag failed: REASON` (exit 1).
Exits 3 when no drag ended within --timeout seconds. Needs Debian's python3-gi and
gir1.2-gtk-3.0 (scripts/setup.sh installs them), hence /usr/bin/python3.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import gi

gi.require_version("Gdk", "3.0")
gi.require_version("Gtk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402


def pair(text: str) -> tuple[int, int]:
    first, _, second = text.partition(",")
    return int(first), int(second)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--at", type=pair, required=True, help="top-left corner X,Y on the screen")
    parser.add_argument("--size", type=pair, default=(240, 120), help="window size W,H")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for a drag")
    parser.add_argument("paths", nargs="+", type=Path, help="files or folders to offer")
    args = parser.parse_args()

    uris = []
    for path in args.paths:
        path = path.resolve()
        if not path.exists():
            print(f"drag-source: {path} does not exist", file=sys.stderr)
            return 2
        uris.append(path.as_uri())

    outcome = {"code": 3, "failed": None}

    window = Gtk.Window(type=Gtk.WindowType.TOPLEVEL, title="Cairn drag source")
    window.set_decorated(False)
    window.set_default_size(*args.size)
    window.move(*args.at)
    area = Gtk.EventBox()
    label = Gtk.Label(label="\n".join(path.name for path in args.paths))
    area.add(label)
    window.add(area)

    targets = Gtk.TargetList.new([])
    targets.add_uri_targets(0)
    area.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
    area.drag_source_set_target_list(targets)

    def on_data_get(_widget, _context, data, _info, _time):
        data.set_uris(uris)

    def on_failed(_widget, _context, result):
        outcome["failed"] = result.value_nick
        return False

    def on_end(_widget, _context):
        # GTK emits drag-failed (when it failed) before drag-end.
        if outcome["failed"] is None:
            print("dropped", flush=True)
            outcome["code"] = 0
        else:
            print(f"drag failed: {outcome['failed']}", flush=True)
            outcome["code"] = 1
        Gtk.main_quit()

    def on_mapped(_widget, _event):
        # Without a window manager the window sits exactly where it asked to be.
        x, y = window.get_position()
        width, height = window.get_size()
        print(f"ready {x} {y} {width} {height}", flush=True)
        return False

    def on_timeout():
        print(f"drag-source: no drag ended within {args.timeout:g} s", file=sys.stderr, flush=True)
        Gtk.main_quit()
        return False

    area.connect("drag-data-get", on_data_get)
    area.connect("drag-failed", on_failed)
    area.connect("drag-end", on_end)
    window.connect("map-event", on_mapped)
    window.connect("destroy", Gtk.main_quit)
    GLib.timeout_add(int(args.timeout * 1000), on_timeout)

    window.show_all()
    Gtk.main()
    return outcome["code"]


if __name__ == "__main__":
    sys.exit(main())
