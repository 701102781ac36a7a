"""The rule that tells PATH from session ids, and the argument types."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import argparse
import pytest

from tui.cli.args import UsageError, age, count, looks_like_path, split_path_and_ids
from tui.session import default_path

UUID = "3f6d03c9-0a1b-4c2d-8e9f-0123456789ab"


@pytest.mark.parametrize("word", ["./stats", "/tmp/x", "dir/file", "~/s.json", "~", "sessions.json", "a.json", "tingly.db"])
def test_path_like_words(word: str) -> None:
    assert looks_like_path(word)


@pytest.mark.parametrize("word", [UUID, UUID[:8], "stats", "sessions", "json"])
def test_id_like_words(word: str) -> None:
    assert not looks_like_path(word)


def test_an_existing_file_is_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sessions.bak").write_text("{}")
    (tmp_path / "adir").mkdir()
    assert looks_like_path("sessions.bak")
    assert not looks_like_path("adir")


def test_split() -> None:
    assert split_path_and_ids(["x.json", UUID]) == (Path("x.json"), [UUID])
    assert split_path_and_ids([UUID, UUID[:8]]) == (default_path(), [UUID, UUID[:8]])
    with pytest.raises(UsageError, match="no session id"):
        split_path_and_ids(["x.json"])


def test_age_keeps_the_text() -> None:
    assert age(" 7d ") == (timedelta(days=7), "7d")
    assert age("90s") == (timedelta(seconds=90), "90s")
    with pytest.raises(argparse.ArgumentTypeError, match="like 7d"):
        age("7x")


def test_count() -> None:
    assert count("0") == 0 and count("30") == 30
    for bad in ("-1", "1.5", "x"):
        with pytest.raises(argparse.ArgumentTypeError):
            count(bad)
