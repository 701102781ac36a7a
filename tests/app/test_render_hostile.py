"""The app's renderers on values the library accepts (issue 14): times UTC cannot hold,
contexts deeper than json.dumps goes, invisible characters."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone

import orjson
from rich.console import Console
from rich.style import Style

from tui.app.render.detail import pretty_json, session_detail
from tui.app.render.messages import message_lines
from tui.app.render.rows import one_line
from tui.app.render.times import expires_text, zoned_time
from tui.text import ago
from tui.session import Message, Session, parse_time

EARLY = parse_time("0001-01-01T00:00:00+01:00")
LATE = parse_time("9999-12-31T23:59:59-23:59")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
STYLES: defaultdict[str, Style] = defaultdict(Style)


def test_times_utc_cannot_hold_render() -> None:
    assert ago(EARLY, NOW).endswith(" ago") and ago(LATE, NOW).startswith("in ")
    assert expires_text(LATE, NOW).startswith("expires in ") and expires_text(EARLY, NOW).startswith("expired ")
    # Shown in their own zone, named, and with a four-digit year.
    assert zoned_time(EARLY, NOW) == "0001-01-01 00:00:00 +01:00"
    assert zoned_time(LATE, NOW) == "9999-12-31 23:59:59 -23:59"
    assert zoned_time(NOW, NOW) == "2026-12-01 08:00:00"
    console = Console(width=80)
    for stamp in (EARLY, LATE):
        lines = message_lines(Message(role="user", content="hi", timestamp=stamp), 0, NOW, 80, console, STYLES, expanded=False)
        assert zoned_time(stamp, NOW) in lines[0].plain and "hi" in "".join(line.plain for line in lines)


def test_a_context_deeper_than_json_dumps_goes_is_shown() -> None:
    deep = orjson.loads(b'{"d": ' * 1020 + b"{}" + b"}" * 1020)  # the parser's limit is 1024
    text = pretty_json(deep, STYLES).plain
    assert text.count('"d"') == 1020
    session = Session(id="s", context=deep, created_at=EARLY, last_activity=LATE, expires_at=LATE)
    Console(width=100, file=open("/dev/null", "w")).print(session_detail(session, None, NOW, STYLES))


def test_rows_show_invisible_characters_as_placeholders() -> None:
    assert one_line("a\u200fb\u2028c\u200bd") == "a\u27e8RLM\u27e9b\u27e8LSEP\u27e9c\u27e8ZWSP\u27e9d"


async def test_the_banner_warns_of_a_session_whose_id_is_not_its_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from apphelpers import frozen_app, ready, screen_text, wait_until
    from rawfiles import go_document, go_session, write_json

    document = go_document(go_session("a"), go_session("b"))
    document["items"]["b"]["ID"] = "not-b"
    path = write_json(tmp_path / "sessions.json", document)
    app = frozen_app(path)
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(pilot)
        await wait_until(pilot, lambda: "has the ID 'not-b'" in screen_text(pilot), what="the warning banner")
