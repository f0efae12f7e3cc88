"""Every notebook runs top to bottom (short chains: POLLMC_NOTEBOOK_QUICK=1)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_the_five_notebooks_exist_with_outputs():
    assert [p.name[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05"]
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        code = [c for c in book.cells if c.cell_type == "code"]
        assert code and all(c.get("outputs") is not None for c in code)
        assert any(c.get("outputs") for c in code), f"{path.name} is committed without outputs"
        assert not any(o.get("output_type") == "error" for c in code for o in c.get("outputs", []))


#: A code cell that draws: shows a pyplot figure, calls a plotting function, or builds a Figure.
DRAWS = re.compile(r"plt\.show\(\)|plot_\w+\(|\.plot\(|Figure\(")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_figure_is_in_the_committed_notebook(path):
    """Executed with the inline backend: a reader on a code host sees each figure."""
    book = nbformat.read(path, as_version=4)
    drawing = [c for c in book.cells if c.cell_type == "code" and DRAWS.search(c.source)]
    assert drawing, f"{path.name} draws no figure"
    missing = [c.source.splitlines()[0] for c in drawing
               if not any("image/png" in o.get("data", {}) for o in c.get("outputs", []))]
    assert not missing, f"{path.name}: cells drawing a figure without an image output: {missing}"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, monkeypatch, tmp_path):
    monkeypatch.setenv("POLLMC_NOTEBOOK_QUICK", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    book = nbformat.read(path, as_version=4)
    client = NotebookClient(book, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
