"""What the notebooks show, as data: one class per notebook, so the notebooks stay thin.

Every view copes with an agency or year that is not in the corpus: `found` is False and
`message` says why, and its methods return empty frames instead of raising.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import metrics, present, templates
from .agencies import agency_table, closest
from .coverage import NO_TABLE, STATUS_COLORS, coverage
from .identity import SCOPE_CHANGES, agency_key
from .store import Corpus

MIN_PEERS = 10  # percentiles only among at least this many comparable reports

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
GROUP_NAMES = {
    "granted": "予以公开 granted", "partially_granted": "部分公开 partly granted", "withheld": "不予公开 withheld",
    "unavailable": "无法提供 unavailable", "declined": "不予处理 declined", "other": "其他处理 other",
}  # fmt: skip


def standard_reports(corpus: Corpus) -> pd.DataFrame:
    """One report per agency and year — the primary file (identity.primaries) — with tables."""
    reports = corpus.reports
    cells = corpus.cells
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
        self.reports = corpus.reports
        self.cells = corpus.cells
        self.checks = corpus.checks
        self.coverage = coverage(self.reports, self.cells).set_index("report_id")
        self.reports = self.reports.join(self.coverage, on="report_id")

    def summary(self) -> str:
        s = self.reports["shown_status"].value_counts()
        parts = ", ".join(f"{int(s[k])} {k}" for k in ("ok", "partial", NO_TABLE, "not_a_report", "failed") if k in s)
        return f"{len(self.reports)} files ({parts}); {len(self.cells):,} cells; {len(self.checks):,} checks"

    def counts(self, by: str = "shown_status") -> pd.DataFrame:
        """Files per year × status (files with no standard table apart from partial reports), or × format, input_kind."""
        r = self.reports.assign(year=self.reports["year"].astype("Int64").astype(str).replace("<NA>", "?"))
        t = pd.crosstab(r["year"], r[by].astype(str)).sort_index()
        order = [s for s in STATUS_COLORS if s in t.columns] + [c for c in t.columns if c not in STATUS_COLORS]
        return t[order]

    def by_agency(self) -> pd.DataFrame:
        t = agency_table(self.reports)
        return t[["agency", "level", "kind", "city", "years", "files", "statuses"]].sort_values(["files", "agency"], ascending=[False, True])

    def check_status(self) -> pd.DataFrame:
        return pd.crosstab(self.checks["check"].astype(str), self.checks["status"].astype(str)).reset_index()

    def flags(self) -> pd.DataFrame:
        return pd.crosstab(self.cells["table"].astype(str), self.cells["flag"].astype(str)).reset_index()

    def files(self, shown_status: str | list[str]) -> pd.DataFrame:
        """Every file of these shown statuses, with what was read and why it is not ok."""
        want = [shown_status] if isinstance(shown_status, str) else list(shown_status)
        r = self.reports[self.reports["shown_status"].isin(want)]
        r = r.assign(message=r["message"].fillna(""), agency=r["agency"].fillna("(unknown)"), year=r["year"].astype("Int64"))
        return r[["source_path", "agency", "year", "shown_status", "reading", "message"]].sort_values(["shown_status", "source_path"])

    def worst(self, n: int = 10) -> pd.DataFrame:
        """Reports with the most failing checks, unreadable and blank cells."""
        fails = self.checks[self.checks["status"] == "fail"].groupby("report_id").size()
        unread = self.cells[self.cells["flag"] == "unreadable"].groupby("report_id").size()
        blank = self.cells[(self.cells["flag"] == "blank") & (self.cells["table"] != "active")].groupby("report_id").size()
        r = self.reports.set_index("report_id")[["source_path", "agency", "year", "shown_status", "reading"]].copy()
        r["failing checks"] = fails.reindex(r.index).fillna(0).astype(int)
        r["unreadable cells"] = unread.reindex(r.index).fillna(0).astype(int)
        r["blank cells"] = blank.reindex(r.index).fillna(0).astype(int)
        score = 10 * r["failing checks"] + r["unreadable cells"] + 0.1 * r["blank cells"]
        r = r[score > 0].assign(score=score).sort_values(["score", "source_path"], ascending=[False, True]).head(n)
        return r.drop(columns="score").assign(year=r["year"].astype("Int64"))


# ------------------------------------------------------------------------------------ 02 outcomes


def _did_you_mean(agency: str, std: pd.DataFrame) -> str:
    near = closest(agency, std["agency"].astype(str).unique())
    return f" This agency is not in the corpus; did you mean {' / '.join(near)}?" if near else " This agency is not in the corpus."


class ReportView:
    """One agency's report for one year: its own numbers only (the year's comparison is page 04)."""

    def __init__(self, corpus: Corpus, agency: str, year: int):
        self.corpus, self.agency, self.year = corpus, str(agency), int(year)
        std = standard_reports(corpus)
        peers = std[std["year"] == self.year]
        mine = peers[peers["agency_key"] == agency_key(agency)]
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
        self.cells = corpus.cells
        self.cells = self.cells[self.cells["report_id"] == self.report_id]
        self.message = (
            f"{self.meta['agency']} · {self.year} · format {self.meta['format']} · status {self.meta['status']}"
            f" · file {self.meta['source_path']}" + (f" · {self.meta['message']}" if pd.notna(self.meta.get("message")) else "")
        )

    def source(self) -> str:
        """The one-line source note under every chart of this page."""
        return f"{self.meta['agency']} {self.year} · file {self.meta['source_path']} · read by ogi" if self.found else ""

    def findings(self) -> pd.DataFrame:
        """This report's findings (the text against its tables, failing checks, missing sections …)."""
        return findings_table(report_findings(self.corpus, self.report_id)) if self.found else findings_table(None)

    def verdict(self) -> str:
        return verdict(report_findings(self.corpus, self.report_id)) if self.found else ""

    def reading(self) -> str:
        if not self.found:
            return ""
        cov = coverage(pd.DataFrame([self.meta]), self.cells).iloc[0]
        return f"{cov['reading']} read" if cov["reading"] else ""

    def _rates(self, names=None) -> pd.DataFrame:
        return metrics.rates(self.cells, metrics=names or KEY_METRICS)

    def headline(self) -> str:
        """The disclosure rate as the rates table prints it (same value, same reason)."""
        if not self.found:
            return self.message
        d = self._rates(["disclosure_rate"]).iloc[0].to_dict()
        return f"公开率 disclosure rate = {present.rate_text(d)}"

    def rates(self) -> pd.DataFrame:
        """Key rates as text: rate, numerator, denominator, cells read, and the reason when empty."""
        if not self.found:
            return pd.DataFrame()
        return present.rates_table(self._rates())

    def outcomes(self) -> pd.DataFrame:
        """Outcome groups (总计 column) and, as `unread`, the processed requests of groups whose
        cells were not all read: the bar then still adds up to （七）总计."""
        if not self.found:
            return pd.DataFrame()
        comp = metrics.components(self.cells)
        t = comp[[f"group.{g}" for g in templates.OUTCOME_GROUPS]].rename(columns=lambda c: c.split(".", 1)[1])
        total = comp["T"]
        t["unread"] = (total - t.sum(axis=1, skipna=True)).where(t.isna().any(axis=1), 0.0)
        return t

    def outcome_counts(self) -> pd.DataFrame:
        """The outcome groups as a small table: group, requests, share of （七）总计 (— when not read)."""
        if not self.found:
            return pd.DataFrame()
        comp = metrics.components(self.cells).iloc[0]
        t = pd.Series({g: comp[f"group.{g}"] for g in templates.OUTCOME_GROUPS})
        total = comp["T"]
        rows = [{"outcome": GROUP_NAMES[g], "requests": t[g], "share of 总计": t[g] / total if total and pd.notna(t[g]) else np.nan} for g in t.index]
        return pd.DataFrame(rows)

    def reasons(self, group: str) -> tuple[pd.Series, str]:
        """(reason rows of one outcome group, labelled as printed; what to say instead of a chart).
        The message is '' when there is something to draw."""
        if not self.found:
            return pd.Series(dtype=float), ""
        comp = metrics.components(self.cells).iloc[0]
        rows = [r for r in templates.OUTCOME_GROUPS[group] if not (group == "other" and r == "other")]
        values = pd.Series({ROW_LABELS[r]: comp[f"row.{r}"] for r in rows}, dtype=float)
        if pd.isna(comp[f"group.{group}"]):
            unread = int(values.isna().sum())
            return values, f"not all reason rows were read ({unread} of {len(values)} rows not read): no breakdown shown"
        if values.fillna(0).sum() == 0:
            return values, "none (every reason row is 0)"
        return values, ""

    def applicants(self) -> pd.Series:
        if not self.found:
            return pd.Series(dtype=float)
        comp = metrics.components(self.cells)
        return pd.Series({templates.REQUEST_COLUMN_LABELS[c]: comp[f"N.{c}"].iloc[0] for c in templates.APPLICANT_COLUMNS}, dtype=float)

    def appeals(self) -> pd.DataFrame:
        if not self.found:
            return pd.DataFrame()
        a = self.cells[self.cells["table"] == "appeals"]
        t = a.pivot_table(index="row", columns="column", values="value", aggfunc="first", observed=True)
        t = t.reindex(index=list(templates.APPEAL_ROWS), columns=list(templates.APPEAL_COLUMNS))
        t = t.rename(index=templates.APPEAL_ROW_LABELS, columns=templates.APPEAL_COLUMN_LABELS)
        return t.rename_axis(index="case", columns=None).reset_index()

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
        cells = corpus.cells
        self.cells = cells[cells["report_id"].isin(self.reports["report_id"])]
        self.comp = metrics.components(self.cells).join(self.reports.set_index("report_id")["year"]).set_index("year").sort_index() if self.found else pd.DataFrame()
        if not self.found:
            self.message = f"No readable report of {agency!r} in this corpus" + (f" between {start_year} and {end_year}." if start_year or end_year else ".")
        elif not self.enough:
            self.message = f"{agency}: only one year with standard tables ({self.years[0]}): no trend to draw, the numbers of that year are shown."
        else:
            self.message = f"{agency}: {len(self.years)} years with standard tables, {self.years[0]}–{self.years[-1]}."

    def before_2019(self) -> tuple[pd.DataFrame, str]:
        """The years before the standard tables: each figure from the report's indicator table
        (附表, year column) where it printed one, else from its prose (claims) — a separate series,
        the pre-2019 concepts differ (../shared/PRE2019.md §2) — with the scope changes known for
        the agency marked and where each year's figures come from. (frame, note); empty when none."""
        from . import claims as C
        from . import indicators as I

        reports = self.corpus.reports
        mine = reports[(reports["agency_key"] == agency_key(self.agency)) & (reports["format"] == "pre2019") & reports["primary"].fillna(False).astype(bool)]
        columns = {C.RECEIVED: "收到申请 received", C.PROCESSED: "答复 answered", C.REVIEWS: "行政复议 reviews", C.LAWSUITS: "行政诉讼 lawsuits", C.PROACTIVE: "主动公开 items published"}
        empty = pd.DataFrame(columns=["year", *columns.values(), "source", "scope", "file"])
        if mine.empty:
            return empty, ""
        ids = set(mine["report_id"].astype(str))
        claims, cells = self.corpus.claims, self.corpus.cells
        cl = claims[claims["report_id"].astype(str).isin(ids) & (claims["scope"] == "self") & ~claims["approximate"].astype(bool)] if not claims.empty else claims
        cl = cl.sort_values("confidence", ascending=False, kind="stable").drop_duplicates(["report_id", "key"])  # each report's surest figure per concept
        text = cl.pivot(index="report_id", columns="key", values="value").reindex(columns=list(columns)) if not cl.empty else pd.DataFrame(columns=list(columns))
        ind = cells[(cells["table"] == I.TABLE) & (cells["column"] == I.YEAR) & (cells["flag"] == "value") & cells["report_id"].astype(str).isin(ids)]
        ind = ind.assign(key=ind["row"].map(I.CLAIM_OF)).dropna(subset=["key"])
        table = ind.pivot(index="report_id", columns="key", values="value").reindex(columns=list(columns)) if not ind.empty else pd.DataFrame(columns=list(columns))
        text.index, table.index = text.index.astype(str), table.index.astype(str)
        both = table.combine_first(text).reindex(columns=list(columns))
        from_table = table.reindex(both.index).notna().sum(axis=1)
        from_text = both.notna().sum(axis=1) - from_table
        source = pd.Series(["附表 + 正文 table and text" if a and b else "附表 table" if a else "正文 text" if b else "" for a, b in zip(from_table, from_text)], index=both.index)
        meta = mine.assign(report_id=mine["report_id"].astype(str)).set_index("report_id")[["year", "source_path"]]
        out = meta.join(both.rename(columns=columns), how="left").rename(columns={"source_path": "file"})
        out["source"] = source.reindex(out.index).fillna("")
        change = SCOPE_CHANGES.get(agency_key(self.agency))
        out["scope"] = [change[1] if change and int(y) < change[0] else "" for y in out["year"]]
        note = ("Before 2019 there are no standard tables: these figures come from each report's own indicator table (附表) where it prints one, "
                "else from its text (requests received and answered grade B, items published grade C in PRE2019.md §2) — a separate series, not joined to the tables'.")
        if change:
            note += f" Scope: {change[1]}"
        return out.sort_values("year")[["year", *columns.values(), "source", "scope", "file"]].reset_index(drop=True), note

    def format_switches(self) -> dict[int, str]:
        """Years where the table format changes (e.g. v2019 → v2021), for markers on the charts."""
        out, prev = {}, None
        for y, f in zip(self.years, self.reports["format"]):
            if prev is not None and f != prev:
                out[y] = f"{prev} → {f}"
            prev = f
        return out

    def volume(self) -> pd.DataFrame:
        """Year-indexed requests: new, carried over, processed, carried forward (for the chart)."""
        cols = {"N": "新收 new", "C": "上年结转 carried over", "T": "办理 processed", "F": "结转下年 carried forward"}
        return self.comp.reindex(columns=list(cols)).rename(columns=cols) if self.found else pd.DataFrame()

    def source(self) -> str:
        if not self.found:
            return ""
        first, last = self.reports["source_path"].iloc[0], self.reports["source_path"].iloc[-1]
        files = str(first) if len(self.reports) == 1 else f"{len(self.reports)} files, one per year ({first} … {last})"
        return f"{self.agency} {self.years[0]}–{self.years[-1]} · {files} · read by ogi"

    def outcome_shares(self) -> pd.DataFrame:
        """Share of （七）总计 per outcome group and year; a year whose groups were not all read
        has its unread part as `unread`, never spread over the others."""
        if not self.found:
            return pd.DataFrame()
        groups = [f"group.{g}" for g in templates.OUTCOME_GROUPS]
        shares = self.comp.reindex(columns=groups).div(self.comp["T"].replace(0, np.nan), axis=0)
        shares = shares.rename(columns=lambda c: c.split(".", 1)[1])
        shares["unread"] = (1 - shares.sum(axis=1, skipna=True)).where(shares.isna().any(axis=1) & self.comp["T"].notna(), 0.0)
        return shares

    def rates(self) -> pd.DataFrame:
        """Per year: disclosure, correction and carry-forward rates as text, with the reason when empty."""
        if not self.found:
            return pd.DataFrame()
        r = metrics.rates(self.cells, self.reports, by=["year"], metrics=["disclosure_rate", "merits_release_rate", "overall_correction_rate", "carry_forward_share"])
        return present.rates_table(r).sort_values(["metric", "year"], kind="stable")[["year", "metric", "formula", "rate", "numerator", "denominator", "cells read", "note"]]

    def reasons(self, group: str) -> pd.DataFrame:
        """Year × reason rows of one refusal family (不予公开, 无法提供, 不予处理): requests per
        reason, — where the row was not read."""
        if not self.found:
            return pd.DataFrame()
        rows = [r for r in templates.OUTCOME_GROUPS[group] if r != "other"]
        t = self.comp.reindex(columns=[f"row.{r}" for r in rows]).rename(columns=lambda c: ROW_LABELS[c[4:]])
        t.insert(0, "all reasons", self.comp[f"group.{group}"])
        return t.rename_axis("year").reset_index()

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
        ch = self.corpus.checks
        ch = ch[ch["report_id"].isin(self.reports["report_id"]) & ch["check"].isin(["requests.carry", "active.stock"])]
        ch = ch.merge(self.reports[["report_id", "year"]], on="report_id")
        return pd.crosstab([ch["year"], ch["check"].astype(str)], ch["status"].astype(str)).reset_index()


# ------------------------------------------------------------------------------------ 04 compare


COMPARE_METRICS = {
    "disclosure_rate": "公开率 disclosure",
    "withheld_share": "不予公开 withheld",
    "not_held_rate": "不掌握 not held",
    "overall_correction_rate": "纠错率 corrected",
}


class CompareView:
    """The agencies of one year (optionally of one region or level), side by side.

    A government's own report and its departments' reports count different requests: they are
    listed together but never summed together; totals are per level and kind only."""

    def __init__(
        self, corpus: Corpus, year: int, agencies: list[str] | None = None, min_denominator: int = metrics.MIN_DENOMINATOR,
        level: str | None = None, kind: str | None = None,
    ):  # fmt: skip
        self.corpus, self.year = corpus, int(year)
        std = standard_reports(corpus)
        std = std[std["year"] == self.year]
        if agencies:
            keys = {agency_key(a) for a in agencies}
            std = std[std["agency_key"].isin(keys)]
        if level:
            std = std[std["level"].astype(str) == level]
        if kind:
            std = std[std["kind"].astype(str) == kind]
        self.reports = std
        self.found = len(std) >= 1
        self.min_denominator = min_denominator
        cells = corpus.cells
        self.cells = cells[cells["report_id"].isin(std["report_id"])]
        n = len(std)
        self.message = (
            f"{n} agencies with standard tables in {year}." if n >= 2
            else (f"Only one agency with standard tables in {year}: nothing to compare it with." if n == 1 else f"No agency with standard tables in {year}.")
        )
        self._r = metrics.rates(self.cells, metrics=list(COMPARE_METRICS), min_denominator=min_denominator) if self.found else None

    def source(self) -> str:
        return f"{len(self.reports)} reports of {self.year} (one file per agency) · read by ogi" if self.found else ""

    def numbers(self) -> pd.DataFrame:
        """Per agency: identity, requests received and processed, and the rates as numbers (null when not computed)."""
        if not self.found:
            return pd.DataFrame()
        comp = metrics.components(self.cells)
        wide = self._r.pivot_table(index="report_id", columns="metric", values="value", aggfunc="first", dropna=False, observed=False)
        out = self.reports.set_index("report_id")[["agency", "level", "kind"]].join(comp[["N", "T"]]).join(wide.astype("float64"))
        out = out.rename(columns={"N": "new requests", "T": "processed"})
        return out.sort_values(["new requests", "agency"], ascending=[False, True]).reset_index()

    def table(self) -> pd.DataFrame:
        """numbers() as a page shows it: percentages, and a note with the reason for every empty rate."""
        n = self.numbers()
        if n.empty:
            return n
        reasons = {
            (r["report_id"], r["metric"]): present.rate_reason(r, self.min_denominator)
            for r in self._r.astype({"report_id": str, "metric": str}).to_dict("records") if pd.isna(r["value"])
        }
        out = n[["agency", "level", "kind", "new requests", "processed"]].copy()
        for m, label in COMPARE_METRICS.items():
            out[label] = n[m].map(present.percent)
        out["note"] = [self._note(rid, reasons) for rid in n["report_id"]]
        return out

    @staticmethod
    def _note(rid: str, reasons: dict) -> str:
        """The empty rates of one agency grouped by reason: '公开率, 不予公开: suppressed: denominator 23 below 30'."""
        by_reason: dict[str, list[str]] = {}
        for m, label in COMPARE_METRICS.items():
            if (rid, m) in reasons:
                by_reason.setdefault(reasons[(rid, m)], []).append(label.split(" ")[0])
        return "; ".join(f"{', '.join(names)}: {why}" for why, names in by_reason.items())

    def percentiles(self) -> tuple[pd.DataFrame, str]:
        """Each agency's percentile per rate among the reports with that rate, only where at
        least MIN_PEERS reports have it; else an empty frame and why."""
        n = self.numbers()
        if n.empty:
            return n, self.message
        have = {m: int(n[m].notna().sum()) for m in COMPARE_METRICS}
        usable = [m for m, k in have.items() if k >= MIN_PEERS]
        if not usable:
            most = max(have.values()) if have else 0
            return pd.DataFrame(), f"percentiles need at least {MIN_PEERS} comparable reports; the most any rate has here is {most}"
        out = n[["agency"]].copy()
        for m in usable:
            out[f"{COMPARE_METRICS[m]} percentile"] = n[m].rank(pct=True).map(lambda v: present.DASH if pd.isna(v) else f"{v * 100:.0f}")
        return out, ""

    def reasons(self, group: str) -> pd.DataFrame:
        """Agency × reason rows of one refusal family, in requests; — where a row was not read."""
        if not self.found:
            return pd.DataFrame()
        comp = metrics.components(self.cells)
        rows = [r for r in templates.OUTCOME_GROUPS[group] if r != "other"]
        t = comp.reindex(columns=[f"group.{group}", *(f"row.{r}" for r in rows)])
        t.columns = ["all reasons", *(ROW_LABELS[r] for r in rows)]
        t = self.reports.set_index("report_id")[["agency"]].join(t)
        return t.sort_values(["all reasons", "agency"], ascending=[False, True]).reset_index(drop=True)

    def totals_by_kind(self) -> pd.DataFrame:
        """Requests summed per level and kind of body (never a government with its departments).
        A sum is shown only when every report of the group had the number read (else —)."""
        n = self.numbers()
        if n.empty:
            return n
        g = n.assign(level=n["level"].astype(str).replace("<NA>", "?"), kind=n["kind"].astype(str).replace("<NA>", "?"))
        grouped = g.groupby(["level", "kind"], observed=True)
        out = grouped.agg(reports=("agency", "size"))
        for col in ("new requests", "processed"):
            complete = grouped[col].count() == out["reports"]
            out[col] = grouped[col].sum().where(complete)
        return out.reset_index()


# ------------------------------------------------------------------------------------ 05 region


class RegionView:
    """Every agency of one province, city or county (a name or division code): who reported
    which years, their requests year by year, and totals per level and kind of body — a
    government's aggregate report is never added to its own departments' reports."""

    def __init__(self, corpus: Corpus, region: str):
        self.corpus, self.region = corpus, str(region)
        r = corpus.reports
        inside = r[(r["province"] == region) | (r["city"] == region) | (r["county"] == region) | (r["region_code"] == region)]
        self.reports = inside.join(coverage(inside, corpus.cells).set_index("report_id"), on="report_id")
        self.std = standard_reports(Corpus(inside, corpus.cells, corpus.checks)) if len(inside) else inside
        self.found = len(inside) >= 1
        self.message = (
            f"{region}: {inside['agency_key'].nunique()} agencies, {len(inside)} files, years "
            f"{', '.join(str(int(y)) for y in sorted(inside['year'].dropna().unique()))}." if self.found
            else f"No report from {region!r} in this corpus (give a province, city or county name as the reports' identity has it)."
        )

    def source(self) -> str:
        return f"{len(self.std)} reports from {self.region} · read by ogi" if self.found else ""

    def agencies(self) -> pd.DataFrame:
        if not self.found:
            return pd.DataFrame()
        t = agency_table(self.reports)
        return t[["agency", "level", "kind", "county", "years", "files", "statuses"]].sort_values(["level", "kind", "agency"])

    def requests_by_year(self) -> pd.DataFrame:
        """Agency × year: new requests (一、本年新收), — where not read or not reported."""
        if self.std.empty:
            return pd.DataFrame()
        cells = self.corpus.cells
        comp = metrics.components(cells[cells["report_id"].isin(self.std["report_id"])])
        t = self.std.set_index("report_id")[["agency_key", "year"]].join(comp["N"])
        names = self.std.sort_values("year").groupby("agency_key")["agency"].last()
        wide = t.pivot_table(index="agency_key", columns="year", values="N", aggfunc="first", dropna=False)
        wide.columns = [str(int(c)) for c in wide.columns]
        return wide.rename(index=names).rename_axis("agency").reset_index()

    def totals(self) -> pd.DataFrame:
        """Year × level × kind: reports and new requests summed within the kind only (— unless every report's number was read)."""
        if self.std.empty:
            return pd.DataFrame()
        parts = [CompareView(self.corpus, y, agencies=list(g["agency_key"])).totals_by_kind().assign(year=int(y)) for y, g in self.std.groupby("year")]
        out = pd.concat(parts, ignore_index=True)
        return out[["year", "level", "kind", "reports", "new requests", "processed"]]


# ------------------------------------------------------------------------------------ audit
FINDING_KINDS = (  # rule prefix → how a verdict counts it (singular, plural); the first prefix that fits counts
    ("text.reuse", ("text largely repeated from the year before", "texts largely repeated from the year before")),
    ("text.year", ("statistics period in another year", "statistics periods in another year")),
    ("text.", ("contradiction between text and table", "contradictions between text and table")),
    ("check.", ("failing check", "failing checks")),
    ("section.", ("missing section", "missing sections")),
    ("format.", ("table in an older format", "tables in an older format")),
    ("cells.", ("set of blank cells", "sets of blank cells")),
)


def verdict(findings: pd.DataFrame) -> str:
    """One line for a report's open findings: "1 contradiction between text and table, 2 failing checks"."""
    if findings is None or findings.empty:
        return "no findings: the text, the tables and their identities agree"
    open_ = findings[findings["decision"].isna()] if "decision" in findings.columns else findings
    kind = open_["rule"].astype(str).map(lambda r: next((i for i, (p, _) in enumerate(FINDING_KINDS) if r.startswith(p)), None))
    parts = []
    for i, (_, (one, many)) in enumerate(FINDING_KINDS):
        n = int((kind == i).sum())
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    decided = len(findings) - len(open_)
    line = ", ".join(parts) if parts else "no open findings"
    return line + (f" ({decided} decided by a reviewer)" if decided else "")


def findings_table(findings: pd.DataFrame, evidence: bool = False) -> pd.DataFrame:
    """Findings as a page shows them: severity, rule, the message in both languages, both numbers,
    the decision; with `evidence`, also where the text and the table print their numbers."""
    columns = ["severity", "rule", "发现", "finding", "text says", "table says", "decision"] + (["where_text", "where_table"] if evidence else [])
    if findings is None or findings.empty:
        return pd.DataFrame(columns=columns)
    order = {"error": 0, "warning": 1, "info": 2}
    f = findings.assign(_o=findings["severity"].map(order)).sort_values(["_o", "rule", "scope"])
    decision = f["decision"].astype(object).where(f["decision"].notna(), "open") if "decision" in f.columns else "open"
    text_rule = f["rule"].astype(str).str.startswith("text.")  # a failing check's numbers are in its message
    return pd.DataFrame({"severity": f["severity"].astype(str), "rule": f["rule"].astype(str), "发现": f["message_zh"].astype(str),
                         "finding": f["message_en"].astype(str), "text says": f["claimed"].where(text_rule), "table says": f["printed"].where(text_rule),
                         "decision": decision, "where_text": f["claim_locator"].fillna("").astype(str),
                         "where_table": f["cell_locator"].fillna("").astype(str)})[columns].reset_index(drop=True)  # fmt: skip


def report_findings(corpus: Corpus, report_id) -> pd.DataFrame:
    f = corpus.findings
    return f[f["report_id"].astype(str) == str(report_id)] if len(f) else f


class AuditView:
    """A corpus audited: open findings per body (the primary file of each agency and year), the
    rules that fire, and every contradiction between text and table."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        reports = corpus.reports.astype({"report_id": str}).set_index("report_id")
        f = corpus.findings
        self.findings = f.assign(report_id=f["report_id"].astype(str)) if len(f) else pd.DataFrame(columns=["report_id", "rule", "severity", "decision"])
        self.findings = self.findings.join(reports[["agency", "year", "source_path", "primary"]], on="report_id")

    def ranking(self) -> pd.DataFrame:
        """Bodies by open findings (errors first), with the verdict of their reports."""
        f = self.findings[self.findings["decision"].isna() & self.findings["primary"].fillna(False).astype(bool)]
        if f.empty:
            return pd.DataFrame(columns=["agency", "reports", "errors", "warnings", "info", "open findings"])
        g = f.groupby("agency", observed=True)
        out = pd.DataFrame({
            "reports": g["report_id"].nunique(),
            "errors": g["severity"].apply(lambda s: int((s == "error").sum())),
            "warnings": g["severity"].apply(lambda s: int((s == "warning").sum())),
            "info": g["severity"].apply(lambda s: int((s == "info").sum())),
        })  # fmt: skip
        out["open findings"] = out[["errors", "warnings", "info"]].sum(axis=1)
        return out.sort_values(["errors", "open findings"], ascending=False).reset_index()

    def rules(self) -> pd.DataFrame:
        f = self.findings
        if f.empty:
            return pd.DataFrame(columns=["rule", "severity", "findings", "open"])
        g = f.groupby(["rule", "severity"], observed=True)
        return pd.DataFrame({"findings": g.size(), "open": g["decision"].apply(lambda s: int(s.isna().sum()))}).reset_index().sort_values("findings", ascending=False)

    def report(self, agency: str, year: int) -> ReportAudit:
        """One body's report of one year, with or without standard tables (a pre-2019 report too)."""
        return ReportAudit(self.corpus, agency, year)

    def contradictions(self) -> pd.DataFrame:
        """Every text-versus-table finding, with both numbers and where each is printed."""
        f = self.findings[self.findings["rule"].astype(str).str.startswith("text.")]
        if f.empty:
            return pd.DataFrame(columns=["agency", "year", "rule", "发现", "text says", "table says", "file"])
        return pd.DataFrame({"agency": f["agency"].astype(str), "year": f["year"], "rule": f["rule"].astype(str), "发现": f["message_zh"].astype(str),
                             "text says": f["claimed"], "table says": f["printed"], "file": f["source_path"].astype(str)}).reset_index(drop=True)  # fmt: skip


class ReportAudit:
    """The audit of one report (its primary file): verdict, findings with their evidence (both
    numbers, the sentence and both places) and every figure its prose states."""

    def __init__(self, corpus: Corpus, agency: str, year: int):
        reports = corpus.reports.astype({"report_id": str})
        mine = reports[(reports["agency_key"] == agency_key(agency)) & (reports["year"] == int(year)) & reports["primary"].fillna(False).astype(bool)]
        self.corpus, self.agency, self.year = corpus, str(agency), int(year)
        self.found = len(mine) >= 1
        self.report_id = str(mine.iloc[0]["report_id"]) if self.found else None
        if self.found:
            m = mine.iloc[0]
            self.message = f"{m['agency']} · {self.year} · format {m['format']} · status {m['status']} · file {m['source_path']}"
        else:
            known = sorted(reports.loc[reports["agency_key"] == agency_key(agency), "year"].dropna().astype(int).unique())
            self.message = f"No report of {agency!r} for {year} in this corpus." + (f" Years available: {known}." if known else "")

    def verdict(self) -> str:
        return verdict(report_findings(self.corpus, self.report_id)) if self.found else ""

    def findings(self) -> pd.DataFrame:
        """Each finding with its evidence: where the text and the table print their numbers."""
        return findings_table(report_findings(self.corpus, self.report_id) if self.found else None, evidence=True)

    def claims(self) -> pd.DataFrame:
        """The figures its prose states, each with its sentence (shortened)."""
        c = self.corpus.claims
        if self.found and len(c):
            c = c[c["report_id"].astype(str) == str(self.report_id)]
        else:
            c = pd.DataFrame(columns=["key", "value", "unit", "scope", "approximate", "sentence"])
        return pd.DataFrame({"concept": c["key"].astype(str), "value": c["value"].astype("Int64"), "unit": c["unit"].astype(str),
                             "scope": c["scope"].astype(str), "approximate": c["approximate"].map({True: "yes", False: ""}),
                             "sentence": c["sentence"].astype(str).str.slice(0, 80)}).reset_index(drop=True)  # fmt: skip
