"""What the notebooks show, as data: one class per notebook, so the notebooks stay thin.

Every view copes with an agency or year that is not in the corpus: `found` is False and
`message` says why, and its methods return empty frames instead of raising.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import metrics, templates
from .agencies import closest
from .identity import agency_key
from .store import Corpus

KEY_METRICS = [
    "disclosure_rate",
    "full_disclosure_rate",
    "merits_release_rate",
    "withheld_share",
    "unavailable_share",
    "declined_share",
    "not_held_rate",
    "completion_rate",
    "carry_forward_share",
    "natural_person_share",
    "review_correction_rate",
    "litigation_correction_rate",
    "overall_correction_rate",
    "dispute_conversion",
]
METRIC_LABELS = {name: f"{name} · {spec[2]}" for name, spec in metrics.RATES.items()}
ROW_LABELS = {r.key: r.label for r in templates.REQUEST_ROWS}


def _str_ids(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(report_id=df["report_id"].astype(str))


def standard_reports(corpus: Corpus) -> pd.DataFrame:
    """One report per agency and year — the primary file (identity.primaries) — with tables."""
    reports = _str_ids(corpus.reports)
    cells = _str_ids(corpus.cells)
    has_requests = set(cells.loc[cells["table"] == "requests", "report_id"])
    unreadable = cells[cells["flag"] == "unreadable"].groupby("report_id").size()
    r = reports[reports["report_id"].isin(has_requests) & reports["year"].notna() & reports["agency"].notna() & reports["primary"]].copy()
    r["agency_key"] = r["agency_key"].astype(object)
    r["unreadable"] = r["report_id"].map(unreadable).fillna(0)
    return r.sort_values(["agency_key", "year", "report_id"]).reset_index(drop=True)


# ------------------------------------------------------------------------------------ 01 overview


class CorpusView:
    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.reports = _str_ids(corpus.reports)
        self.cells = _str_ids(corpus.cells)
        self.checks = _str_ids(corpus.checks)

    def counts(self, by: str) -> pd.DataFrame:
        """Reports per year × status (or format, input_kind)."""
        r = self.reports.assign(year=self.reports["year"].astype("Int64").astype(str).replace("<NA>", "?"))
        return pd.crosstab(r["year"], r[by].astype(str)).sort_index()

    def by_agency(self) -> pd.DataFrame:
        r = self.reports.assign(agency=self.reports["agency"].fillna("(unknown)"))
        return r.groupby("agency").agg(files=("report_id", "size"), years=("year", lambda s: ", ".join(str(int(y)) for y in sorted(s.dropna().unique())))).sort_values("files", ascending=False)

    def failing_checks(self) -> pd.Series:
        return self.checks[self.checks["status"] == "fail"].groupby("check", observed=True).size().rename("failing").sort_values(ascending=False)

    def check_status(self) -> pd.DataFrame:
        return pd.crosstab(self.checks["check"].astype(str), self.checks["status"].astype(str))

    def flags(self) -> pd.DataFrame:
        return pd.crosstab(self.cells["table"].astype(str), self.cells["flag"].astype(str))

    def not_ok(self) -> pd.DataFrame:
        r = self.reports[self.reports["status"] != "ok"]
        return r[["source_path", "status", "agency", "year", "message"]].sort_values(["status", "source_path"]).reset_index(drop=True)

    def worst(self, n: int = 10) -> pd.DataFrame:
        """Reports with the most failing checks, unreadable and blank cells."""
        fails = self.checks[self.checks["status"] == "fail"].groupby("report_id").size()
        unread = self.cells[self.cells["flag"] == "unreadable"].groupby("report_id").size()
        blank = self.cells[(self.cells["flag"] == "blank") & (self.cells["table"] != "active")].groupby("report_id").size()
        r = self.reports.set_index("report_id")[["source_path", "agency", "year", "status"]].copy()
        r["failing_checks"] = fails.reindex(r.index).fillna(0).astype(int)
        r["unreadable_cells"] = unread.reindex(r.index).fillna(0).astype(int)
        r["blank_cells"] = blank.reindex(r.index).fillna(0).astype(int)
        r["score"] = 10 * r["failing_checks"] + r["unreadable_cells"] + 0.1 * r["blank_cells"]
        r = r[r["score"] > 0].sort_values(["score", "source_path"], ascending=[False, True]).head(n)
        return r.drop(columns="score").reset_index(drop=True)


# ------------------------------------------------------------------------------------ 02 outcomes


def _did_you_mean(agency: str, std: pd.DataFrame) -> str:
    near = closest(agency, std["agency"].astype(str).unique())
    return f" This agency is not in the corpus; did you mean {' / '.join(near)}?" if near else " This agency is not in the corpus."


class ReportView:
    """One agency's report for one year, with the rest of that year's corpus as context."""

    def __init__(self, corpus: Corpus, agency: str, year: int):
        self.corpus, self.agency, self.year = corpus, str(agency), int(year)
        std = standard_reports(corpus)
        self.peers = std[std["year"] == self.year]
        mine = self.peers[self.peers["agency_key"] == agency_key(agency)]
        self.found = len(mine) == 1
        if not self.found:
            known = sorted(std.loc[std["agency_key"] == agency_key(agency), "year"].astype(int).unique())
            self.message = (
                f"No readable report of {agency!r} for {year} in this corpus."
                + (f" Years available for this agency: {known}." if known else _did_you_mean(agency, std))
            )
            self.report_id = None
            self.meta = {}
            self.cells = corpus.cells.iloc[0:0]
            return
        self.meta = mine.iloc[0].to_dict()
        self.report_id = self.meta["report_id"]
        self.cells = _str_ids(corpus.cells)
        self.cells = self.cells[self.cells["report_id"] == self.report_id]
        self.message = (
            f"{self.meta['agency']} · {self.year} · format {self.meta['format']} · status {self.meta['status']}"
            f" · file {self.meta['source_path']}" + (f" · {self.meta['message']}" if pd.notna(self.meta.get("message")) else "")
        )

    def rates(self) -> pd.DataFrame:
        if not self.found:
            return pd.DataFrame()
        r = metrics.rates(self.cells, metrics=KEY_METRICS)
        r["formula"] = r["metric"].map(lambda m: metrics.RATES[m][2])
        r["note"] = r["note"].astype(object).where(r["note"].notna(), "")
        return r[["metric", "formula", "numerator", "denominator", "value", "note"]].reset_index(drop=True)

    def outcomes(self) -> pd.DataFrame:
        return metrics.outcome_table(self.cells) if self.found else pd.DataFrame()

    def reasons(self, group: str) -> pd.Series:
        """The rows of one outcome group (总计 column), labelled as printed."""
        if not self.found:
            return pd.Series(dtype=float)
        comp = metrics.components(self.cells)
        rows = [r for r in templates.OUTCOME_GROUPS[group] if f"row.{r}" in comp.columns and comp[f"row.{r}"].notna().any()]
        return pd.Series({ROW_LABELS[r]: comp[f"row.{r}"].iloc[0] for r in rows}, dtype=float)

    def applicants(self) -> pd.Series:
        if not self.found:
            return pd.Series(dtype=float)
        comp = metrics.components(self.cells)
        return pd.Series({templates.REQUEST_COLUMN_LABELS[c]: comp.get(f"N.{c}", pd.Series([np.nan])).iloc[0] for c in templates.APPLICANT_COLUMNS}, dtype=float)

    def appeals(self) -> pd.DataFrame:
        if not self.found:
            return pd.DataFrame()
        a = self.cells[self.cells["table"] == "appeals"]
        t = a.pivot_table(index="row", columns="column", values="value", aggfunc="first", observed=True)
        t = t.reindex(index=list(templates.APPEAL_ROWS), columns=list(templates.APPEAL_COLUMNS))
        return t.rename(index=templates.APPEAL_ROW_LABELS, columns=templates.APPEAL_COLUMN_LABELS)

    def context(self) -> pd.DataFrame:
        """This report's key rates beside the other reports of the same year (percentile, n)."""
        if not self.found:
            return pd.DataFrame()
        cells = _str_ids(self.corpus.cells)
        peer_cells = cells[cells["report_id"].isin(self.peers["report_id"])]
        all_rates = metrics.rates(peer_cells, metrics=KEY_METRICS)
        rows = []
        for name, g in all_rates.groupby("metric", sort=False):
            mine = g[g["report_id"] == self.report_id]["value"]
            others = g["value"].dropna().astype(float)
            v = mine.iloc[0] if len(mine) else pd.NA
            pct = float((others < float(v)).mean() + 0.5 * (others == float(v)).mean()) if pd.notna(v) and len(others) else np.nan
            rows.append({"metric": name, "this report": v, "corpus median": others.median() if len(others) else np.nan, "percentile": pct, "n reports": len(others)})
        return pd.DataFrame(rows)

    def trace(self, row: str, column: str = "total", table: str = "requests") -> pd.DataFrame:
        """Where a number came from: raw text and locator of the cell."""
        c = self.cells
        return c[(c["table"] == table) & (c["row"] == row) & (c["column"] == column)][["table", "row", "column", "value", "flag", "raw", "locator", "note"]]


# ------------------------------------------------------------------------------------ 03 trends


class TrendView:
    def __init__(self, corpus: Corpus, agency: str, start_year: int | None = None, end_year: int | None = None):
        self.corpus, self.agency = corpus, str(agency)
        std = standard_reports(corpus)
        mine = std[std["agency_key"] == agency_key(agency)]
        if start_year is not None:
            mine = mine[mine["year"] >= int(start_year)]
        if end_year is not None:
            mine = mine[mine["year"] <= int(end_year)]
        self.reports = mine.sort_values("year")
        self.years = [int(y) for y in self.reports["year"]]
        self.found = len(self.years) >= 1
        self.enough = len(self.years) >= 2
        cells = _str_ids(corpus.cells)
        self.cells = cells[cells["report_id"].isin(self.reports["report_id"])]
        self.comp = metrics.components(self.cells).join(self.reports.set_index("report_id")["year"]).set_index("year").sort_index() if self.found else pd.DataFrame()
        if not self.found:
            self.message = f"No readable report of {agency!r} in this corpus" + (f" between {start_year} and {end_year}." if start_year or end_year else ".")
        elif not self.enough:
            self.message = f"{agency}: only one year with standard tables ({self.years[0]}): no trend to draw, the numbers of that year are shown."
        else:
            self.message = f"{agency}: {len(self.years)} years with standard tables, {self.years[0]}–{self.years[-1]}."

    def format_switches(self) -> dict[int, str]:
        """Years where the table format changes (e.g. v2019 → v2021), for markers on the charts."""
        out, prev = {}, None
        for y, f in zip(self.years, self.reports["format"]):
            if prev is not None and f != prev:
                out[y] = f"{prev} → {f}"
            prev = f
        return out

    def volume(self) -> pd.DataFrame:
        cols = {"N": "新收 new", "C": "上年结转 carried over", "T": "办理 processed", "F": "结转下年 carried forward"}
        return self.comp.reindex(columns=list(cols)).rename(columns=cols) if self.found else pd.DataFrame()

    def outcome_shares(self) -> pd.DataFrame:
        if not self.found:
            return pd.DataFrame()
        groups = [f"group.{g}" for g in templates.OUTCOME_GROUPS]
        shares = self.comp.reindex(columns=groups).div(self.comp["T"].replace(0, np.nan), axis=0)
        return shares.rename(columns=lambda c: c.split(".", 1)[1])

    def rates(self) -> pd.DataFrame:
        if not self.found:
            return pd.DataFrame()
        r = metrics.rates(self.cells, self.reports, by=["year"], metrics=["disclosure_rate", "overall_correction_rate", "carry_forward_share"])
        return r

    def appeals(self) -> pd.DataFrame:
        if not self.found:
            return pd.DataFrame()
        c = self.comp
        return pd.DataFrame(
            {
                "行政复议 review": c.get("A.review.total"),
                "行政诉讼 litigation": c.get("A.litigation_direct.total") + c.get("A.litigation_after_review.total"),
                "结果纠正 corrected": sum(c.get(f"A.{r}.corrected") for r in templates.APPEAL_ROWS),
            }
        )

    def active(self) -> pd.DataFrame:
        if not self.found:
            return pd.DataFrame()
        a = self.cells[self.cells["table"] == "active"]
        a = a.merge(self.reports[["report_id", "year"]], on="report_id")
        pick = {
            ("licensing", "decisions"): "行政许可 licensing decisions",
            ("penalty", "decisions"): "行政处罚 penalty decisions",
            ("coercion", "decisions"): "行政强制 coercion decisions",
        }
        out = pd.DataFrame(index=pd.Index(self.years, name="year"))
        for (row, col), label in pick.items():
            s = a[(a["row"] == row) & (a["column"] == col)].set_index("year")["value"]
            out[label] = s.reindex(out.index).astype("Float64")
        nd = a[(a["row"] == "normative_documents") & a["column"].isin(["issued", "made"])].set_index("year")["value"]
        out["规范性文件 normative documents issued"] = nd.reindex(out.index).astype("Float64")
        return out

    def cross_year_checks(self) -> pd.DataFrame:
        if not self.found:
            return pd.DataFrame()
        ch = _str_ids(self.corpus.checks)
        ch = ch[ch["report_id"].isin(self.reports["report_id"]) & ch["check"].isin(["requests.carry", "active.stock"])]
        ch = ch.merge(self.reports[["report_id", "year"]], on="report_id")
        return pd.crosstab([ch["year"], ch["check"].astype(str)], ch["status"].astype(str))


# ------------------------------------------------------------------------------------ 04 compare


class CompareView:
    def __init__(self, corpus: Corpus, year: int, agencies: list[str] | None = None, min_denominator: int = metrics.MIN_DENOMINATOR):
        self.corpus, self.year = corpus, int(year)
        std = standard_reports(corpus)
        std = std[std["year"] == self.year]
        if agencies:
            keys = {agency_key(a) for a in agencies}
            std = std[std["agency_key"].isin(keys)]
        self.reports = std
        self.found = len(std) >= 1
        self.min_denominator = min_denominator
        cells = _str_ids(corpus.cells)
        self.cells = cells[cells["report_id"].isin(std["report_id"])]
        n = len(std)
        self.message = (
            f"{n} agencies with standard tables in {year}." if n >= 2
            else (f"Only one agency with standard tables in {year}: nothing to compare it with." if n == 1 else f"No agency with standard tables in {year}.")
        )

    def table(self) -> pd.DataFrame:
        """Per agency: requests received and processed, and the key rates (small denominators suppressed)."""
        if not self.found:
            return pd.DataFrame()
        comp = metrics.components(self.cells)
        r = metrics.rates(self.cells, metrics=["disclosure_rate", "withheld_share", "not_held_rate", "overall_correction_rate"], min_denominator=self.min_denominator)
        wide = r.pivot_table(index="report_id", columns="metric", values="value", aggfunc="first", dropna=False)
        out = self.reports.set_index("report_id")[["agency", "format", "status"]].join(comp[["N", "T"]]).join(wide)
        out = out.rename(columns={"N": "new requests", "T": "processed"})
        return out.sort_values("new requests", ascending=False).reset_index(drop=True)
