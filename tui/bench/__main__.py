"""``python -m tui.bench``: the benchmark of SPEC §4 (see ``--help``)."""

from __future__ import annotations

import argparse
import json
import sys

from .files import FULL_SIZES, QUICK_SIZES, parse_sizes
from .report import Measurement, dumps, markdown
from .runner import FAMILIES, Settings, run


def _sizes(text: str) -> list[tuple[int, int]]:
    try:
        return parse_sizes(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _families(text: str) -> tuple[str, ...]:
    chosen = tuple(f.strip() for f in text.split(",") if f.strip())
    unknown = set(chosen) - set(FAMILIES)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"families are {', '.join(FAMILIES)}")
    return chosen


def _label(sizes: tuple[tuple[int, int], ...]) -> str:
    return ", ".join(f"{s}x{m}" for s, m in sizes)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m tui.bench",
        description=(
            "Measure session-tui against SPEC §4, as ratios to a bare orjson.loads of the same bytes "
            f"measured in the same run. Full sizes: {_label(FULL_SIZES)} (sessions x messages); "
            "progress goes to stderr, the report to stdout. Asserts nothing about time."
        ),
    )
    p.add_argument("--quick", action="store_true", help=f"small sizes and few repetitions, for CI ({_label(QUICK_SIZES)})")
    p.add_argument("--sizes", type=_sizes, help="comma-separated SESSIONSxMESSAGES, e.g. 1000x30,10kx30")
    p.add_argument("--only", type=_families, help=f"comma-separated families to run: {', '.join(FAMILIES)}")
    p.add_argument("--repeat", type=int, help="repetitions of each library timing (default 5, quick 2)")
    p.add_argument("--samples", type=int, help="external writes to time per file (default 15, quick 3)")
    p.add_argument("--key-seconds", type=float, help="seconds of keystrokes while the file is rewritten (default 20)")
    p.add_argument("--dir", help="generate the files here (default: a temp dir, removed at the end)")
    p.add_argument("--keep", action="store_true", help="keep the temp dir")
    p.add_argument("--json", action="store_true", help="print the report as JSON instead of Markdown")
    p.add_argument("--render", metavar="FILE", help="print a report saved with --json as Markdown (measures nothing)")
    return p


def _print_markdown(doc: dict) -> None:
    rows = [Measurement(**row) for row in doc["measurements"]]
    print(markdown(rows, doc["machine"], doc["notes"]))
    print(f"\n{doc['targets']['met']} targets met, {doc['targets']['missed']} missed; {doc['settings']['seconds']} s.")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.render:
        with open(args.render, encoding="utf-8") as saved:
            _print_markdown(json.load(saved))
        return 0
    overrides = {}
    if args.sizes:
        overrides["sizes"] = args.sizes
    if args.only:
        overrides["families"] = args.only
    if args.repeat:
        overrides["repeat"] = max(1, args.repeat)
        overrides["json_repeat"] = max(1, min(args.repeat, 3))
    if args.samples:
        overrides["samples"] = max(1, args.samples)
    if args.key_seconds:
        overrides["key_seconds"] = args.key_seconds
    if args.dir:
        overrides["directory"] = args.dir
    overrides["keep"] = args.keep
    settings = Settings.quick(**overrides) if args.quick else Settings.full(**overrides)
    doc = run(settings)
    if args.json:
        print(dumps(doc))
    else:
        _print_markdown(doc)
    # Timings never fail the run; a measurement that could not run does.
    return 1 if any(note.startswith("FAILED") for note in doc["notes"]) else 0


if __name__ == "__main__":
    sys.exit(main())
