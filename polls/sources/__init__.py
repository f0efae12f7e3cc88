"""Converters from raw public files to the bundled data sets (one module per source).

Each converter reads the raw files of `shared/data/elections-raw/` (see its README for every
column) and writes election folders in the format of `polls/README.md`. They are kept in the
package so that anyone can audit or refresh a bundled data set:

    python -m polls.sources.sweden  --raw ../shared/data/elections-raw --out polls/data
    python -m polls.sources.germany --raw ../shared/data/elections-raw --out polls/data

The output is deterministic: the same raw files give the same bytes (tested).
"""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

__all__ = ["command_line", "format_number", "write_csv", "write_text"]


def command_line(prog: str, description: str, convert: Callable[[Path, Path], Iterable[Path]],
                 argv: Sequence[str] | None = None) -> int:
    """The converters' shared command line: `--raw DIR --out DIR`, one line per folder written.
    `convert(raw, out)` writes the election folders under `out` and returns their paths."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--raw", required=True, type=Path, help="the elections-raw folder")
    parser.add_argument("--out", required=True, type=Path, help="folder to write the election folders into")
    args = parser.parse_args(argv)
    for folder in convert(args.raw, args.out):
        print(f"wrote {folder}")
    return 0


def format_number(value: float | int | None, decimals: int | None = None) -> str:
    """A cell as the bundled files print it: empty for None/NaN, integers without '.0'."""
    if value is None or value != value:
        return ""
    if decimals is not None:
        return f"{value:.{decimals}f}"
    if float(value) == int(value):
        return str(int(value))
    return repr(float(value))


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a CSV with '\\n' line endings and minimal quoting (byte-stable across platforms)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    write_text(path, buffer.getvalue())


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text with '\\n' line endings, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
