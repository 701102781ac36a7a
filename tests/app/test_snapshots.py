"""Snapshot tests of the app's scenes (tui/demo/scenes.py), one per scene.

Regenerate after an intended change of the screen, then look at the SVGs::

    pytest tests/app/test_snapshots.py --snapshot-update

The same scenes make the README's screenshots: ``python -m tui.demo.screenshots``.
"""

from __future__ import annotations

import pytest

from tui.demo.scenes import SCENES, Scene, scene_folder


@pytest.mark.parametrize("scene", SCENES, ids=[scene.name for scene in SCENES])
def test_scene(scene: Scene, snap_compare) -> None:  # type: ignore[no-untyped-def]
    with scene_folder() as folder:
        assert snap_compare(scene.make_app(folder), terminal_size=scene.size, run_before=scene.run)
