"""The Parquet store, both ways: `write_store` (atomic) and `ogi.load()` → a Corpus of reports,
cells and checks.

Filters on year and agency are pushed down to Parquet (pyarrow), and key columns come back as
categoricals, so a national corpus's cells fit in memory.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds

from . import paths
from .identity import agency_key

TABLE_FILES = {"reports": "reports.parquet", "cells": "cells.parquet", "checks": "checks.parquet"}
CATEGORICAL = {
    "reports": ("input_kind", "status", "format", "script"),
    "cells": ("report_id", "table", "row", "column", "flag"),
    "checks": ("report_id", "check", "scope", "status"),
}


class StoreMissing(FileNotFoundError):
    """No processed store at that place: run `make run` or `ogi ingest` first."""


@dataclass
class Corpus:
    reports: pd.DataFrame
    cells: pd.DataFrame
    checks: pd.DataFrame
    findings: pd.DataFrame = field(default_factory=pd.DataFrame)  # audit findings of these reports, with decisions
    claims: pd.DataFrame = field(default_factory=pd.DataFrame)  # numbers their prose states (claims.py)

    def report(self, agency: str, year: int) -> pd.DataFrame:
        """The report rows of one agency and year (there can be several files)."""
        r = self.reports
        return r[(r["agency"] == agency) & (r["year"] == year)]


def _read(path: Path, *, columns=None, filter_expr=None) -> pd.DataFrame:
    dataset = ds.dataset(path, format="parquet")
    table = dataset.to_table(columns=columns, filter=filter_expr)
    return table.to_pandas()


def _categorize(df: pd.DataFrame, name: str) -> pd.DataFrame:
    for col in CATEGORICAL[name]:
        if col in df.columns:
            df[col] = df[col].astype("category")
    return df


def load(
    processed_dir: str | Path | None = None,
    *,
    years: Iterable[int] | None = None,
    agencies: Iterable[str] | None = None,
    columns: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    region: str | None = None,
    level: str | None = None,
    primary_only: bool = False,
) -> Corpus:
    """Load the store, optionally only some years, agencies (names or keys), report statuses, a
    region (a province, city or county name, or a division code), a level, the primary file of
    each agency and year, and some cell columns. The filters run in the Parquet read."""
    base = Path(processed_dir) if processed_dir else paths.PROCESSED
    if not (base / TABLE_FILES["reports"]).exists():
        raise StoreMissing(f"no processed corpus in {base}: run `make run` or `ogi ingest` first")
    expr = None
    terms = []
    for name, values in (("year", years), ("status", statuses)):
        if values is not None:
            terms.append(ds.field(name).isin(list(values)))
    if agencies is not None:
        names = list(agencies)
        terms.append(ds.field("agency").isin(names) | ds.field("agency_key").isin([agency_key(a) for a in names]))
    if region is not None:
        terms.append((ds.field("province") == region) | (ds.field("city") == region) | (ds.field("county") == region) | (ds.field("region_code") == region))
    if level is not None:
        terms.append(ds.field("level") == level)
    if primary_only:
        terms.append(ds.field("primary"))
    for term in terms:
        expr = term if expr is None else expr & term
    reports = _read(base / TABLE_FILES["reports"], filter_expr=expr)
    reports["year"] = reports["year"].astype("Int64")
    ids = reports["report_id"].tolist()
    id_filter = ds.field("report_id").isin(ids) if expr is not None else None
    cell_cols = None
    if columns is not None:
        cell_cols = list(dict.fromkeys(["report_id", *columns]))
    cells = _read(base / TABLE_FILES["cells"], columns=cell_cols, filter_expr=id_filter)
    if "value" in cells.columns:
        cells["value"] = cells["value"].astype("Float64")
    checks = _read(base / TABLE_FILES["checks"], filter_expr=id_filter)
    findings = load_table("findings", base)
    if not findings.empty:
        findings = findings[findings["report_id"].isin(set(map(str, ids)))].reset_index(drop=True)
    claims = load_table("claims", base)
    if not claims.empty:
        claims = claims[claims["report_id"].isin(set(map(str, ids)))].reset_index(drop=True)
    corpus = Corpus(_categorize(reports, "reports"), _categorize(cells, "cells"), _categorize(checks, "checks"), findings, claims)
    return with_report_ids(corpus)


def with_report_ids(corpus: Corpus) -> Corpus:
    """report_id as one categorical dtype in all three tables (categories: the reports' ids), so
    they join and filter without casts and 20 million cells keep 4-byte codes (schema.REPORT_ID)."""
    dtype = pd.CategoricalDtype(sorted(corpus.reports["report_id"].astype(str).unique()))
    for frame in (corpus.reports, corpus.cells, corpus.checks, corpus.findings, corpus.claims):
        if "report_id" in frame.columns:
            col = frame["report_id"]
            if isinstance(col.dtype, pd.CategoricalDtype):
                frame["report_id"] = col.cat.set_categories(dtype.categories)  # recodes; no strings built
            else:
                frame["report_id"] = col.astype(dtype)
    return corpus


def write_store(out_dir: Path, reports: pd.DataFrame, cells: pd.DataFrame, checks: pd.DataFrame) -> None:
    """Write all tables to a staging folder, then move each into place (no half-written store)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / f".staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        for name, df in (("reports", reports), ("cells", cells), ("checks", checks)):
            df = df.reset_index(drop=True)
            for col in df.columns:
                if col == "problems":
                    df[col] = df[col].map(lambda v: list(v) if isinstance(v, (list, tuple)) else [])  # a list of kinds per report
                elif col in CATEGORICAL[name]:
                    df[col] = df[col].astype("category")  # stored as Parquet dictionaries: small and fast to load
                elif df[col].dtype == object:
                    df[col] = df[col].astype("string")
            df.to_parquet(staging / TABLE_FILES[name], index=False)
        for name in ("cells", "checks", "reports"):  # reports last: it marks a complete store
            os.replace(staging / TABLE_FILES[name], out_dir / TABLE_FILES[name])
    finally:
        shutil.rmtree(staging, ignore_errors=True)


FETCHES_FILE = "fetches.parquet"


def write_table(out_dir: Path, name: str, df: pd.DataFrame) -> None:
    """One more table of the store (fetches, claims, findings), written whole then moved into place."""
    tmp = out_dir / f".{name}.{os.getpid()}"
    df.reset_index(drop=True).to_parquet(tmp, index=False)
    os.replace(tmp, out_dir / name)


def write_fetches(out_dir: Path, fetches: pd.DataFrame) -> None:
    """The fetch logs of the raw folder (`ogi fetch`), one row per URL and attachment fetched."""
    write_table(out_dir, FETCHES_FILE, fetches)


def load_table(name: str, processed_dir: str | Path | None = None) -> pd.DataFrame:
    """fetches, claims or findings of a store (empty when the store predates them)."""
    path = Path(processed_dir or paths.PROCESSED) / f"{name}.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame()


def load_fetches(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """The fetches table (empty, with its columns, when nothing was fetched or the store predates it)."""
    from .fetch import LOG_COLUMNS

    found = load_table("fetches", processed_dir)
    return found if len(found.columns) else pd.DataFrame(columns=["log", *LOG_COLUMNS])
