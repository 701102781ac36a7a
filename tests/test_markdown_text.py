"""``tui.text.markdown``: session text stays literal when the Markdown is rendered."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from markdown_it import MarkdownIt

from tui.session import Message, Session
from tui.text.markdown import code, fenced, prose, session_markdown

MD = MarkdownIt("commonmark")
TRICKY = ["plain", "a`b", "`start", "end`", "``double`` and `single`", " spaced ", "*em* _u_ [l](x) <b>", "# not a heading"]


@pytest.mark.parametrize("text", TRICKY)
def test_a_code_span_holds_the_text_exactly(text: str) -> None:
    tokens = MD.parseInline(code(text))[0].children
    assert [t.type for t in tokens] == ["code_inline"]
    assert tokens[0].content == text


@pytest.mark.parametrize("text", [*TRICKY, "```\nfenced\n```", "````\n~~~\n", "line 1\n\n    indented"])
def test_a_fenced_block_holds_the_text_exactly(text: str) -> None:
    tokens = MD.parse("\n".join(fenced(text)) + "\n")
    assert [t.type for t in tokens] == ["fence"]
    assert tokens[0].content == text + "\n"


@pytest.mark.parametrize("text", TRICKY)
def test_prose_renders_as_typed(text: str) -> None:
    tokens = MD.parseInline(f"**Summary:** {prose(text)}")[0].children
    shown = "".join(t.content for t in tokens if t.type == "text")
    assert shown == "Summary: " + text
    assert [t.type for t in tokens if t.type.endswith("_open")] == ["strong_open"]


def test_control_characters_become_placeholders() -> None:
    assert code("a\x1b[31mb\u202e\nc\u2028") == "`a␛[31mb⟨RLO⟩␤c⟨LSEP⟩`"
    assert fenced("x\x9b2J\ty") == ["```text", "x␛[2J    y", "```"]


def test_a_session_with_no_history_and_no_times() -> None:
    doc = session_markdown(Session(id="s1", status="pending", messages=None, context=None))
    assert "- **Created:** not set" in doc and "- **Expires:** never (persistent)" in doc
    assert "- **Messages:** none (null)" in doc and doc.endswith("## Messages (0)\n")
    assert "## Request" not in doc and "```json\nnull\n```" in doc
    stamp = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    doc = session_markdown(Session(id="s2", messages=[Message(role="user", timestamp=stamp)]))
    assert "### 1. user · `2026-01-02T03:04:05Z`\n\n*(no content)*" in doc
