"""Shared fixtures: the real reports shipped in data/raw (copied from the project corpus)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

from ogi import paths, read_report

RAW = paths.RAW

# Property tests draw the same examples on every run, so CI is never red by the luck of a draw;
# `HYPOTHESIS_PROFILE=explore` draws new ones (how the HTML control-character crash was found).
settings.register_profile("deterministic", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


@pytest.fixture(scope="session")
def raw() -> Path:
    return RAW


_cache: dict[str, object] = {}


def report(name: str):
    """read_report of a shipped file, memoised across tests (reading is pure)."""
    if name not in _cache:
        _cache[name] = read_report(RAW / name)
    return _cache[name]


def table(rep, name: str) -> dict[str, dict[str, float | None]]:
    """{row: {column: value}} of one table, for compact assertions."""
    out: dict[str, dict[str, float | None]] = {}
    for r in rep.cells[rep.cells["table"] == name].itertuples(index=False):
        out.setdefault(r.row, {})[r.column] = None if pd.isna(r.value) else float(r.value)
    return out


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory) -> Path:
    """The shipped corpus ingested into a temporary store (independent of data/processed)."""
    from ogi.ingest import ingest

    out = tmp_path_factory.mktemp("processed")
    ingest(RAW, out, jobs=2)
    return out
