"""Property-based tests of the loader: malformed folders raise DataError, never anything else,
and never change a file."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polls

SOURCE = polls.DATA_DIR / "kz-2021-mazhilis"
FILES = ["election.toml", "polls.csv", "exit_polls.csv", "results.csv", "regional_results.csv"]
CSV_FILES = FILES[1:]

cell_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "-1", "1e400", "nan", "inf", "101", "0", "12%", "1,200", "2021-13-01",
                     "2021-01-10", "2030-01-01", "NO", "AKM", "against_all", '"', "\x00"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-10**12, max_value=10**12).map(str),
)


def _load_and_check(folder: Path) -> None:
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    try:
        polls.load_path(folder)
    except polls.DataError as exc:
        assert str(exc)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def _with_copy(mutate) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "election"
        shutil.copytree(SOURCE, folder)
        mutate(folder)
        _load_and_check(folder)


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(file=st.sampled_from(CSV_FILES), data=st.data(), text=cell_text)
def test_any_cell_replaced(file, data, text):
    def mutate(folder: Path) -> None:
        rows = _rows(folder / file)
        r = data.draw(st.integers(0, len(rows) - 1), label="row")
        c = data.draw(st.integers(0, len(rows[r]) - 1), label="column")
        rows[r][c] = text
        _write(folder / file, rows)

    _with_copy(mutate)


@SETTINGS
@given(file=st.sampled_from(CSV_FILES), data=st.data())
def test_rows_and_columns_dropped_or_repeated(file, data):
    def mutate(folder: Path) -> None:
        rows = _rows(folder / file)
        action = data.draw(st.sampled_from(["drop_row", "repeat_row", "drop_column", "swap_rows", "empty"]))
        if action == "empty":
            rows = []
        elif action == "drop_column":
            c = data.draw(st.integers(0, len(rows[0]) - 1))
            rows = [row[:c] + row[c + 1:] for row in rows]
        else:
            r = data.draw(st.integers(0, len(rows) - 1))
            if action == "drop_row":
                del rows[r]
            elif action == "repeat_row":
                rows.insert(r, list(rows[r]))
            else:
                s = data.draw(st.integers(0, len(rows) - 1))
                rows[r], rows[s] = rows[s], rows[r]
        _write(folder / file, rows)

    _with_copy(mutate)


@SETTINGS
@given(file=st.sampled_from(FILES), data=st.data(), junk=st.binary(max_size=40))
def test_bytes_inserted_or_file_truncated(file, data, junk):
    def mutate(folder: Path) -> None:
        raw = (folder / file).read_bytes()
        cut = data.draw(st.integers(0, len(raw)))
        if data.draw(st.booleans()):
            raw = raw[:cut]
        else:
            raw = raw[:cut] + junk + raw[cut:]
        (folder / file).write_bytes(raw)

    _with_copy(mutate)


@SETTINGS
@given(data=st.data(), value=st.one_of(st.integers(-5, 200), st.floats(allow_nan=True), st.text(max_size=8),
                                       st.booleans()))
def test_toml_values_replaced(data, value):
    keys = ["list_seats", "total_seats", "threshold", "runner_up_min_seats", "method", "threshold_base",
            "date", "id", "name", "code", "count", "against_all", "turnout_percent", "runner_up_reading"]

    def mutate(folder: Path) -> None:
        path = folder / "election.toml"
        lines = path.read_text(encoding="utf-8").splitlines()
        key = data.draw(st.sampled_from(keys))
        hits = [i for i, line in enumerate(lines) if line.split("=")[0].strip() == key]
        if not hits:
            return
        i = data.draw(st.sampled_from(hits))
        if isinstance(value, bool):
            literal = "true" if value else "false"
        elif isinstance(value, str):
            literal = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        elif isinstance(value, float) and value != value:
            literal = "nan"
        else:
            literal = repr(value).replace("inf", "inf")
        lines[i] = f"{key} = {literal}"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    _with_copy(mutate)
