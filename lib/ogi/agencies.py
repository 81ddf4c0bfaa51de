"""The agencies of a processed corpus (`ogi agencies`), and the closest names to one it lacks."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .identity import IDENTITY_COLUMNS, agency_key
from .normalize import nfkc, to_simplified
from .store import load

AGENCY_COLUMNS = ["agency", *IDENTITY_COLUMNS, "years", "files", "statuses"]


def _years(years: pd.Series) -> str:
    ys = sorted({int(y) for y in years.dropna()})
    return ", ".join(map(str, ys))


def agency_table(reports: pd.DataFrame) -> pd.DataFrame:
    """One row per agency key: its printed name (the commonest), identity, years, files, statuses."""
    r = reports[reports["agency_key"].notna()].copy()
    if r.empty:
        return pd.DataFrame(columns=AGENCY_COLUMNS)
    r["status"] = r[("shown_status" if "shown_status" in r else "status")].astype(str)  # a file with no table shows as such
    rows = []
    for _, g in r.groupby(r["agency_key"].astype(str), sort=True):
        first = g.iloc[0]
        statuses = g["status"].value_counts()
        rows.append(
            {
                "agency": g["agency"].astype(str).value_counts().index[0],
                **{c: first[c] for c in IDENTITY_COLUMNS},
                "years": _years(g["year"]),
                "files": len(g),
                "statuses": ", ".join(f"{n} {s}" for s, n in statuses.items()),
            }
        )
    return pd.DataFrame(rows, columns=AGENCY_COLUMNS)


def closest(name: str, known: Iterable[str], n: int = 5) -> list[str]:
    """The known names closest to `name` (containment first, then similarity)."""
    want = to_simplified(nfkc(name)).strip()
    key = agency_key(want) or want
    known = list(dict.fromkeys(k for k in known if isinstance(k, str)))
    inside = [k for k in known if want in k or key in (agency_key(k) or "") or (len(k) >= 2 and k in want)]
    similar = difflib.get_close_matches(want, known, n=n, cutoff=0.4)
    return list(dict.fromkeys(inside + similar))[:n]


def agencies(processed_dir: str | Path | None = None, like: str | None = None) -> pd.DataFrame:
    """The agencies table; with `like`, only those whose name or key contains it, or else the
    closest names."""
    table = agency_table(load(processed_dir).reports)
    if like:
        names = closest(like, list(table["agency"]) + list(table["agency_key"]), n=20)
        table = table[table["agency"].isin(names) | table["agency_key"].isin(names)]
    return table.reset_index(drop=True)
