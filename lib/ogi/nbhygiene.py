"""Notebook hygiene: strip outputs before committing, except cells tagged `keep_output`
(whose outputs nbval checks). `python -m ogi.nbhygiene NOTEBOOK...` (also `make strip`)."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

KEEP_TAG = "keep_output"


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        keep = KEEP_TAG in cell.get("metadata", {}).get("tags", [])
        if not keep:
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    nb.metadata.pop("papermill", None)
    nb.metadata.get("widgets", None) and nb.metadata.pop("widgets")
    return nb


def strip_file(path: str | Path) -> None:
    nb = nbformat.read(str(path), as_version=4)
    nbformat.write(strip(nb), str(path))


def main(argv: list[str]) -> int:
    for p in argv:
        strip_file(p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
