"""Write one SVG screenshot per scene: ``python -m tui.demo.screenshots [--out DIR] [NAME...]``.

The scenes are :data:`tui.demo.scenes.SCENES`, the same ones the snapshot
tests compare, so the pictures in ``screenshots/`` are the tested screens.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from .scenes import BY_NAME, SCENES, Scene, scene_folder


async def capture(scene: Scene) -> str:
    """Run ``scene`` headless and return its SVG."""
    with scene_folder() as folder:
        app = scene.make_app(folder)
        # Toasts on, as in the snapshot tests (App.run); some scenes show one on purpose.
        async with app.run_test(size=scene.size, notifications=True) as pilot:
            await scene.run(pilot)
            # The same last steps as pytest-textual-snapshot, so both draw the same picture.
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            return app.export_screenshot(title=app.title, simplify=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the screenshots; exit status 2 on an unknown scene name."""
    parser = argparse.ArgumentParser(prog="python -m tui.demo.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="output folder (default: screenshots/)")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"scenes to capture (default: all): {', '.join(BY_NAME)}")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BY_NAME]
    if unknown:
        parser.error(f"unknown scene: {', '.join(unknown)}")
    out: Path = args.out.resolve()  # before the scenes change the working directory
    out.mkdir(parents=True, exist_ok=True)
    for scene in [BY_NAME[name] for name in args.names] or SCENES:
        target = out / f"{scene.name}.svg"
        target.write_text(asyncio.run(capture(scene)), encoding="utf-8")
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
