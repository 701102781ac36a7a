"""Notifications never cover the tree border's out-of-view counts ("2 new above")."""

from __future__ import annotations

from tui.demo.scenes import BY_NAME, scene_folder

from apphelpers import settle


async def test_a_notification_leaves_the_out_of_view_counts_readable() -> None:
    scene = BY_NAME["changes-out-of-view"]
    with scene_folder() as folder:
        app = scene.make_app(folder)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await scene.run(pilot)
            counts = app.tree.unseen_text
            assert "above" in counts and "below" in counts, counts
            app.notify("Session 0000aaaa in chat -1001947779410 failed.", title="Needs a look", timeout=60)
            await pilot.pause(0.3)
            await settle(pilot)
            lines = [strip.text for strip in app.screen._compositor.render_strips()]
            border = lines[app.tree.region.bottom - 1]
            assert any(toast.region.bottom >= app.tree.region.bottom for toast in app.screen.query("Toast"))
            assert counts in border, border
