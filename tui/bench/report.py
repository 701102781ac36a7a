"""Measurements, the Markdown table, the machine line and the JSON document."""

from __future__ import annotations

import json
import math
import os
import platform
import sys
from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import Any


@dataclass
class Measurement:
    """One row of the report.

    ``value`` is the measured median (seconds), or a byte count for memory.
    ``ratio`` is ``value / baseline_value``. ``limit`` applies to the ratio
    (``limit_on == "ratio"``) or to the value itself (``"value"``, seconds);
    ``met`` is ``None`` when the row has no target.
    """

    family: str
    name: str
    file: str
    file_bytes: int
    value: float
    unit: str = "s"
    baseline: str | None = None
    baseline_value: float | None = None
    ratio: float | None = None
    vs_json: float | None = None
    target: str | None = None
    met: bool | None = None
    samples: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def check(self, limit: float, *, on: str = "ratio", text: str | None = None) -> Measurement:
        """Set the target: ``ratio`` (or ``value``) must not exceed ``limit``."""
        measured = self.ratio if on == "ratio" else self.value
        self.target = text or (f"≤ {limit:g}" if on == "ratio" else f"< {format_value(limit, self.unit)}")
        self.met = measured is not None and not math.isnan(measured) and measured <= limit
        return self


def ratio(value: float, baseline: float | None) -> float | None:
    if baseline is None or baseline <= 0 or math.isnan(baseline) or math.isnan(value):
        return None
    return value / baseline


def format_value(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "s":
        if value >= 1:
            return f"{value:.2f} s"
        if value >= 0.01:
            return f"{value * 1000:.0f} ms"
        if value >= 0.001:
            return f"{value * 1000:.1f} ms"
        return f"{value * 1e6:.0f} µs"
    if unit == "B":
        return f"{value / 1e6:.0f} MB" if value >= 1e7 else f"{value / 1e6:.1f} MB"
    return f"{value:g} {unit}"


def format_ratio(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    if value < 0.01:
        return f"{value:.4f}"
    return f"{value:.2f}"


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = {}
    for package in ("orjson", "textual", "rich", "watchfiles"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 0
    return {
        "cpu": cpu,
        "cores": cores,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "system": f"{platform.system()} {platform.release()}",
        **versions,
    }


def machine_line(info: dict[str, Any]) -> str:
    return (
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['system']}; "
        f"Python {info['python']}, orjson {info['orjson']}, textual {info['textual']}"
    )


def _met(row: Measurement) -> str:
    if row.met is None:
        return ""
    return "met" if row.met else "**missed**"


def markdown(rows: list[Measurement], info: dict[str, Any], notes: list[str] | None = None) -> str:
    """The report as Markdown: machine line, one table, notes."""
    lines = [
        machine_line(info),
        "",
        "| Measurement | File | Median | Ratio | vs json.loads | Target | |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.name} | {row.file} | {format_value(row.value, row.unit)} | {format_ratio(row.ratio)} "
            f"| {format_ratio(row.vs_json)} | {row.target or ''} | {_met(row)} |"
        )
    lines.append("")
    lines.append(
        "Ratios are medians measured in the same run, interleaved with their baseline (named in the "
        "measurement); \"vs json.loads\" is the same time divided by json.loads of the same bytes."
    )
    for note in notes or ():
        lines.append(f"- {note}")
    return "\n".join(lines)


def document(rows: list[Measurement], info: dict[str, Any], settings: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """The report for machines (``--json``)."""
    return {
        "machine": info,
        "settings": settings,
        "measurements": [asdict(row) for row in rows],
        "notes": notes,
        "targets": {
            "met": sum(1 for r in rows if r.met is True),
            "missed": sum(1 for r in rows if r.met is False),
        },
    }


def dumps(doc: dict[str, Any]) -> str:
    def clean(value: Any) -> Any:
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        return value

    return json.dumps(clean(doc), indent=2, ensure_ascii=False)


def progress(message: str) -> None:
    """Progress goes to stderr, so that ``--json`` output stays clean."""
    print(message, file=sys.stderr, flush=True)
