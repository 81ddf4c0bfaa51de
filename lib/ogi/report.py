"""`read_report(path)`: the one entry for one file — extract, align, check, and describe it.

pandas is imported only when a frame is first asked for: `ogi parse` never needs one, and the
import costs more than reading a report.

Never raises for a bad input: every file gets a Report whose status says what happened
(ok, partial, failed, not_a_report) and whose message says why.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported only where frames are built: parsing one file stays fast
    import pandas as pd

from . import align as aligner
from . import checks, templates
from .extract import sniff
from .extract.docx import DocxProblem, extract_docx
from .extract.html import extract_html
from .extract.pdf import PdfProblem, extract_pdf
from .extract.sheet import extract_xlsx
from .extract.text import read_text
from .extract.tokens import simplify_text_tokens
from .naming import find_agency_and_year
from .problems import Kind, Problem
from .problems import kinds as kinds_of
from .problems import message as message_of
from .problems import status as status_of
from .normalize import DecodeError, decode, detect_script, drop_invisible, looks_binary, nfkc, strip_pinyin, to_simplified, unescape_entities

MAX_BYTES = 30 * 1024 * 1024  # a text or HTML report is well under 1 MB; larger files are not reports
MAX_DOCUMENT_BYTES = 100 * 1024 * 1024  # PDF and Word files carry images and fonts
REPORT_COLUMNS = [
    "report_id", "source_path", "source_url", "input_kind", "status", "message",
    "agency", "year", "format", "script", "printed_agency", "printed_year", "problems",
]  # fmt: skip
CELL_COLUMNS = ["report_id", "table", "row", "column", "value", "flag", "raw", "locator", "note", "method", "confidence"]
CHECK_COLUMNS = ["report_id", *checks.CHECK_COLUMNS]
TABLES = templates.STANDARD_TABLES


KEY_COLUMNS = ("report_id", "table", "row", "column", "flag", "method")


def cells_frame(rows: list[tuple]) -> pd.DataFrame:
    """Cell rows (CELL_COLUMNS order) → the cells frame."""
    return cells_from_columns([list(c) for c in zip(*rows)] if rows else [[] for _ in CELL_COLUMNS])


def categorical(values: list) -> pd.Categorical:
    """pd.Categorical(values), with sorted categories, dictionary-encoded by pyarrow: several
    times faster for the millions of repeated keys of a corpus."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    if not len(values):
        return pd.Categorical(values)
    encoded = pa.array(values, type=pa.string()).dictionary_encode()
    if encoded.null_count:
        return pd.Categorical(values)
    categories = np.array(encoded.dictionary.to_pylist(), dtype=object)
    order = np.argsort(categories, kind="stable")
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    codes = rank[encoded.indices.to_numpy()]
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories[order], dtype="str"))


def cells_from_columns(columns: list[list]) -> pd.DataFrame:
    """Column lists → the cells frame; key columns categorical (a corpus repeats them millions of times)."""
    import pandas as pd

    data = {}
    for name, values in zip(CELL_COLUMNS, columns):
        if name in KEY_COLUMNS:
            data[name] = categorical(values)
        elif name in ("value", "confidence"):
            data[name] = numbers(values)
        else:
            data[name] = strings(values)
    return pd.DataFrame(data, columns=CELL_COLUMNS)


def numbers(values: list) -> pd.api.extensions.ExtensionArray:
    """pd.array(values, dtype="Float64") with None as <NA>, by way of a pyarrow array: a tenth of
    numpy's time for a list that mixes floats and None."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    try:
        floats = pa.array(values, type=pa.float64()).to_numpy(zero_copy_only=False)  # None → NaN
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a value that is not a number: let numpy convert it
        floats = np.array(values, dtype="float64")
    return pd.array(floats, dtype="Float64")  # NaN → <NA>


def strings(values: list) -> pd.api.extensions.ExtensionArray:
    """pd.array(values, dtype="str") by way of a pyarrow array: a third of the time for the
    hundreds of thousands of raw texts, locators and notes of a corpus."""
    import pandas as pd
    import pyarrow as pa

    try:
        return pd.array(pa.array(values, type=pa.large_string()), dtype="str")
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a value that is not text: let pandas convert it
        return pd.array(values, dtype="str")


def checks_frame(rows: list[tuple]) -> pd.DataFrame:
    import pandas as pd

    df = pd.DataFrame(rows, columns=CHECK_COLUMNS)
    return df.astype({"expected": "Float64", "observed": "Float64"})


@dataclass
class Report:
    """One file's reading: `meta` (the reports columns), `cells` and `checks` as DataFrames.

    The frames are built on first use from plain rows, so a batch can ship the rows between
    processes and build one frame for the whole corpus.
    """

    meta: dict
    cell_rows: list[tuple] = field(default_factory=list)  # in CELL_COLUMNS order
    check_rows: list[tuple] = field(default_factory=list)  # in CHECK_COLUMNS order
    encoding: str | None = None
    problems: list[Problem] = field(default_factory=list)
    claim_rows: list[tuple] = field(default_factory=list)  # in claims.CLAIM_COLUMNS order
    finding_rows: list[tuple] = field(default_factory=list)  # in audit.FINDING_COLUMNS order
    sentence_hashes: list[str] = field(default_factory=list)  # of its prose sentences (audit: text reused from the year before)
    part: str = ""  # where in its file, for a file of many reports: "row=3", "sheet=S&row=3" ("" for a whole file)

    @cached_property
    def cells(self) -> pd.DataFrame:
        return cells_frame(self.cell_rows)

    @cached_property
    def checks(self) -> pd.DataFrame:
        return checks_frame(self.check_rows)

    @property
    def status(self) -> str:
        return self.meta["status"]

    def value(self, table: str, row: str, column: str) -> float | None:
        """The value of one cell (None when absent or not a number) — handy in tests and notebooks."""
        sel = self.cells[(self.cells["table"] == table) & (self.cells["row"] == row) & (self.cells["column"] == column)]
        if sel.empty or sel["value"].isna().iloc[0]:
            return None
        return float(sel["value"].iloc[0])

    def to_json(self) -> str:
        """One line of `ogi parse --json` (SCHEMA.md)."""

        def clean(v):
            pd = sys.modules.get("pandas")  # meta may hold pandas' NA only if pandas is in use
            if v is None or (isinstance(v, float) and v != v) or (pd is not None and v is pd.NA):
                return None
            if hasattr(v, "item"):
                return v.item()
            return v

        meta = {k: clean(self.meta.get(k)) for k in REPORT_COLUMNS}
        # cell and check rows hold only str, float and None (build_report makes them): a NaN test
        # on the numbers is all they need, and a report has some 1,800 of these values
        cells = [
            {"table": t, "row": r, "column": c, "value": None if v != v else v, "flag": f, "raw": raw, "locator": loc, "note": note, "method": how, "confidence": conf}
            for _, t, r, c, v, f, raw, loc, note, how, conf in self.cell_rows
        ]  # fmt: skip
        chk = [
            {"check": k, "scope": sc, "expected": None if e != e else e, "observed": None if o != o else o, "status": st}
            for _, k, sc, e, o, st in self.check_rows
        ]  # fmt: skip
        from .audit import FINDING_COLUMNS
        from .claims import CLAIM_COLUMNS

        found = [dict(zip(CLAIM_COLUMNS[1:], r[1:])) for r in self.claim_rows]
        findings = [dict(zip(FINDING_COLUMNS, r)) for r in self.finding_rows]
        return json.dumps({"report": meta, "cells": cells, "checks": chk, "claims": found, "findings": findings}, ensure_ascii=False)


# ------------------------------------------------------------------------------------ metadata

_NEW_FORMAT = re.compile(r"国务院令第\s*711\s*号|收到和处理政府信息公开申请|本年新收政府信息公开申请数量|2021〕\s*30\s*号|〔2019〕\s*60\s*号")
_OLD_FORMAT = re.compile(
    r"指标名称.{0,30}计量单位|国务院令第\s*492\s*号|依申请公开政府信息(?:的)?情况|政府信息公开的收费及减免|因政府信息公开申请(?:提起)?行政复议|不予公开政府信息(?:的)?情况|2007年4月5日"
)
_IS_REPORT = re.compile(r"信息公开.{0,12}年度?报告|年度报告|政府信息公开")


# ------------------------------------------------------------------------------------ reading


# The tables whose every cell an accounting identity checks: an unreadable cell there means the
# report's core numbers are incomplete. Active-disclosure cells have no identity, so a collapsed
# one can stay ambiguous in a complete report; it is flagged on the cell and counted in the message.
def _report_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _stop(meta: dict, kind: Kind, text: str) -> Report:
    """A report with nothing read, for one reason."""
    return with_problems(Report(meta), [Problem(kind, text)])


def with_problems(report: Report, problems: list[Problem]) -> Report:
    """Set the report's problems, and the status and message that follow from them."""
    report.problems = list(problems)
    report.meta.update(status=status_of(problems), message=message_of(problems), problems=kinds_of(problems))
    return report


def read_report(path: str | Path, *, root: str | Path | None = None, source_url: str | None = None) -> Report:
    """Read one report file into metadata, cells and checks. Never raises for bad input."""
    path = Path(path)
    source_path = _relative(path, root)
    meta = dict.fromkeys(REPORT_COLUMNS)
    meta.update(source_path=source_path, source_url=source_url, status="failed")
    try:
        data = path.read_bytes()
    except OSError as e:
        meta.update(report_id=_report_id(str(path).encode()))
        return _stop(meta, Kind.CANNOT_READ, f"cannot read file: {e.strerror or e}")
    return read_bytes(data, meta, folder=path.parent)


def read_reports(path: str | Path, *, root: str | Path | None = None, source_url: str | None = None) -> list[Report]:
    """Every report a file holds: one, or one per row of a scraper's CSV or spreadsheet whose text
    column holds reports (`source_path` then names the row: `file.csv#row=3`, and the sheet when
    several hold reports: `file.xlsx#sheet=S&row=3`). Never raises for bad input."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        return [read_report(path, root=root, source_url=source_url)]
    from .extract.csvrows import grid_rows, report_rows
    from .extract.docx import DocxProblem
    from .extract.sheet import sheet_grids

    try:
        data = path.read_bytes()
        if path.suffix.lower() == ".csv":
            kind = "csv"
            text = None if looks_binary(data) else decode(data)[0]
            found = [("", report_rows(text) if text is not None else None)]
        else:
            kind = "xlsx"
            found = [(title, grid_rows(rows)) for title, rows in sheet_grids(data) if rows]
    except (OSError, DecodeError, DocxProblem):
        return [read_report(path, root=root, source_url=source_url)]  # says why, as for any file
    found = [(title, rows) for title, rows in found if rows is not None]
    source_path = _relative(path, root)
    if not found:
        if kind == "xlsx":  # a spreadsheet of tables, not of report texts: read as a grid
            return [read_report(path, root=root, source_url=source_url)]
        meta = dict.fromkeys(REPORT_COLUMNS)
        meta.update(report_id=_report_id(data), source_path=source_path, source_url=source_url, input_kind=kind)
        return [_stop(meta, Kind.NOT_A_REPORT, "a CSV without a column of report texts")]
    from .naming import listed_title

    out = []
    for title, rows in found:
        for row in rows:
            at = f"sheet={title}&row={row.number}" if len(found) > 1 else f"row={row.number}"
            meta = dict.fromkeys(REPORT_COLUMNS)
            meta.update(source_path=f"{source_path}#{at}", source_url=row.url or source_url)
            if not row.text.strip():
                meta.update(report_id=_report_id(data + f"#{at}".encode()), input_kind=kind)
                out.append(_stop(meta, Kind.NOT_A_REPORT, f"row {row.number} of the {kind.upper()} has no report text" + (f" ({row.title})" if row.title else "")))
                out[-1].part = at
                continue
            rep = read_bytes(row.text.encode("utf-8"), meta)
            agency, year = listed_title(row.title)
            rep.meta["input_kind"] = kind
            if agency and rep.meta["status"] != "failed":  # the title column names the body, not the prose
                rep.meta["agency"] = rep.meta["printed_agency"] = to_simplified(agency)
            if rep.meta.get("year") is None:
                rep.meta["year"] = rep.meta["printed_year"] = year
            rep.part = at
            out.append(rep)
    return out


def _relative(path: Path, root) -> str:
    try:
        return str(path.resolve().relative_to(Path(root).resolve())) if root else str(path)
    except ValueError:
        return str(path)


def read_bytes(data: bytes, meta: dict | None = None, name: str = "", folder: Path | None = None) -> Report:
    """Like read_report, for bytes already in memory. `folder`: where the file lies, so a saved
    page's pictures (its `_files/` folder) can be read; without it they are not."""
    meta = dict(meta or dict.fromkeys(REPORT_COLUMNS))
    meta["report_id"] = _report_id(data)
    meta.setdefault("status", "failed")
    try:
        return _read(data, meta, name or meta.get("source_path") or "", folder)
    except Exception as e:  # a bug must not sink a batch: record it on the report
        return _stop(meta, Kind.INTERNAL_ERROR, f"internal error while reading: {type(e).__name__}: {e}")


def _read(data: bytes, meta: dict, name: str, folder: Path | None = None) -> Report:
    if not data.strip():
        meta["input_kind"] = "text"
        return _stop(meta, Kind.EMPTY, "empty file")
    kind = sniff(data, name)
    meta["input_kind"] = {"ole": "doc", "zip": "docx"}.get(kind, kind)
    if kind == "ole":  # old binary Word/WPS or Excel/ET: LibreOffice converts it, then it reads as DOCX/XLSX
        from .extract.convert import ConvertProblem, convert, ole_kind

        kind = "xlsx" if ole_kind(data) == "sheet" else "docx"
        meta["input_kind"] = "xls" if kind == "xlsx" else "doc"
        if len(data) > MAX_DOCUMENT_BYTES:
            return _stop(meta, Kind.TOO_LARGE, f"file too large ({len(data) // 1048576} MB > {MAX_DOCUMENT_BYTES // 1048576} MB)")
        try:
            data = convert(data, kind)
        except ConvertProblem as e:
            return _stop(meta, Kind.UNSUPPORTED if e.not_installed else Kind.CANNOT_READ, str(e))
    if kind == "zip":
        return _stop(meta, Kind.UNSUPPORTED, "a zip archive that is not a Word document or a spreadsheet")
    if kind in ("pdf", "docx", "xlsx", "image"):
        if len(data) > MAX_DOCUMENT_BYTES:
            return _stop(meta, Kind.TOO_LARGE, f"file too large ({len(data) // 1048576} MB > {MAX_DOCUMENT_BYTES // 1048576} MB)")
        scan = None
        try:
            if kind == "pdf":
                tokens, plain, scan = extract_pdf(data)
            elif kind == "image":
                tokens, plain, scan = _extract_image(data)
            elif kind == "xlsx":
                tokens, plain = extract_xlsx(data)
            else:
                tokens, plain = extract_docx(data)
        except (PdfProblem, DocxProblem) as e:
            if getattr(e, "image_only", False):
                meta["format"] = "unknown"
                return _stop(meta, Kind.IMAGE_ONLY, str(e))  # a report, not read: partial
            return _stop(meta, Kind.CANNOT_READ, str(e))
        report = build_report(tokens, plain, dict(meta), scan=scan)
        if kind == "pdf" and report.meta["status"] != "ok" and not (scan and (scan.pages or scan.unread)):
            careful_tokens, careful_plain, _ = extract_pdf(data, careful=True)  # the fast path left something: the careful one
            careful = build_report(careful_tokens, careful_plain, dict(meta))
            if _completeness(careful) > _completeness(report):
                return careful
        return report
    if len(data) > MAX_BYTES:
        return _stop(meta, Kind.TOO_LARGE, f"file too large for a report ({len(data) // 1048576} MB > {MAX_BYTES // 1048576} MB)")
    if looks_binary(data):
        return _stop(meta, Kind.UNSUPPORTED, "binary data, not a text, HTML, PDF or Word report")
    try:
        text, encoding = decode(data)
    except DecodeError as e:
        return _stop(meta, Kind.CANNOT_DECODE, f"cannot decode: {e}")
    text = drop_invisible(text)
    if kind == "html":
        tokens, plain = extract_html(text)
        report = build_report(tokens, plain, dict(meta), encoding)
        if folder is not None and {Kind.MISSING_TABLE, Kind.NO_TABLES} & {p.kind for p in report.problems}:
            from .extract import ocr

            if ocr.available():  # tables the page shows as pictures (a saved page keeps them in its _files folder)
                pictures = ocr.PageImages(folder)
                tokens, plain = extract_html(text, images=pictures)
                if pictures.scan.pages:
                    return build_report(tokens, plain, dict(meta), encoding, scan=pictures.scan)
        return report
    text = drop_invisible(unescape_entities(text))  # &#8203; too
    tokens, text_layout = read_text(text)
    return build_report(tokens, text, meta, encoding, repeats_merged=text_layout.repeats_merged)


def _extract_image(data: bytes):
    """An image file (a scanned page, a photographed table): OCR, when the extra is installed."""
    from .extract import ocr

    if not ocr.available():
        raise PdfProblem(f"an image: OCR is not installed ({ocr.INSTALL_HINT})", image_only=True)
    try:
        return ocr.extract_images(data)
    except Exception as e:  # noqa: BLE001 — Pillow: truncated, unknown or oversized image data
        raise PdfProblem(f"not a readable image: {type(e).__name__}: {e}") from e


def format_from_year(meta: dict, read: bool = True) -> list[Problem]:
    """A report whose tables do not say their format (an excerpt, a scan) takes the one its year
    prescribes (templates.format_of_year), and says so; no year, no format. `read`: the file was
    read as a report (a failed or not_a_report file has no format)."""
    if not read or meta.get("format") not in ("unknown", None) or meta.get("year") is None:
        return []
    meta["format"] = templates.format_of_year(int(meta["year"]))
    return [Problem(Kind.FORMAT_FROM_YEAR, f"format {meta['format']}: no table says; the year {int(meta['year'])} prescribes it")]


def _scan_problems(scan) -> list[Problem]:
    """Which pages OCR read, and which image pages nobody read (OCR not installed)."""
    if scan is None:
        return []
    from .extract.ocr import INSTALL_HINT, pages_text

    out = []
    if scan.pages:
        out.append(Problem(Kind.OCR, f"{scan.what}{'s' if len(scan.pages) > 1 else ''} {pages_text(scan.pages)} read by OCR"))
    if scan.unread:
        out.append(Problem(Kind.IMAGE_ONLY, f"page{'s' if len(scan.unread) > 1 else ''} {pages_text(scan.unread)} are images, not read: OCR is not installed ({INSTALL_HINT})"))
    return out


def _completeness(report: Report) -> tuple[int, int]:
    """(cells read, -unreadable cells): which of two readings of one file read more."""
    flags = [c[5] for c in report.cell_rows]
    return (sum(f != "unreadable" for f in flags), -flags.count("unreadable"))


def _cell_rows(rid: str, cells: list) -> list[tuple]:
    return [(rid, c.table, c.row, c.column, c.value, c.flag, c.raw, c.locator, c.note, c.method, c.confidence) for c in cells]


def _check_rows(rid: str, chk: list[dict]) -> list[tuple]:
    return [(rid, c["check"], c["scope"], c["expected"], c["observed"], c["status"]) for c in chk]


def build_report(tokens, plain: str, meta: dict, encoding: str | None = None, repeats_merged: bool = False, scan=None) -> Report:
    """Align a token stream, check it and fill the metadata: shared by every input kind.
    `scan` (extract.ocr.Scan): the pages read by OCR and each number's confidence."""
    simplified = to_simplified(strip_pinyin(plain))
    simple = nfkc(simplified)
    meta["script"] = detect_script(plain, simplified)
    agency, year = find_agency_and_year(simple)
    meta["agency"] = meta.get("agency") or agency
    meta["year"] = year
    meta["printed_agency"], meta["printed_year"] = meta["agency"], year  # before any manifest
    tokens = simplify_text_tokens(tokens)
    result = aligner.align(tokens, repeats_merged)
    layout = [Problem(Kind.LAYOUT, text) for text in result.problems]

    found = [t for t in TABLES if result.found.get(t)]
    fmt = result.active_format or result.requests_format
    if result.active_format and result.requests_format == "v2021" and result.active_format == "v2019":
        layout.append(Problem(Kind.LAYOUT, "the active table is in the 2019 format but （六） is split as in 2021"))
    single_other = result.requests_format == "v2019"
    if not found and result.active_format:
        fmt = result.active_format  # the active table's header survives even with no rows
    elif not found:
        if _NEW_FORMAT.search(simple):
            fmt = "unknown"
        elif _OLD_FORMAT.search(simple):
            fmt = "pre2019"
        else:
            fmt = "unknown"
    meta["format"] = fmt or "unknown"
    from_year = format_from_year(meta)

    cells = sorted(result.cells, key=lambda c: TABLES.index(c.table))  # stable: rows stay in table order
    rid = meta["report_id"]
    req_rows = templates.request_rows(meta["format"] if meta["format"] in ("v2019", "v2021") else "v2021", single_other)
    if result.found.get("requests"):
        result.missing["requests"] = [r for r in req_rows if r not in result.found_rows.get("requests", [])]
    else:
        req_rows = None
    if scan is not None and scan.confidence:
        from .ocrtrust import trusted

        cells = trusted(cells, scan.confidence, checks.identities(req_rows, bool(result.found.get("appeals"))))
    cell_rows = _cell_rows(rid, cells)
    chk = checks.report_checks(cells, req_rows, bool(result.found.get("appeals")))
    check_rows = _check_rows(rid, chk)

    # problems, and the status and message that follow
    if not found:
        if meta["format"] == "pre2019":
            return _pre2019(meta, simple, encoding, from_year + _scan_problems(scan))
        if not _IS_REPORT.search(simple):
            why = [Problem(Kind.NOT_A_REPORT, "no annual-report wording and no standard tables found")]
        else:
            why = [Problem(Kind.NO_TABLES, "no standard table found (excerpt, prose only or unrecognised layout)")]
        report = with_problems(Report(meta, cell_rows, check_rows, encoding), why + from_year + _scan_problems(scan))
        return _audited(report, simple, cells, chk)
    problems: list[Problem] = [*from_year, *_scan_problems(scan)]
    missing_tables = tuple(t for t in TABLES if not result.found.get(t))
    if missing_tables:
        problems.append(Problem(Kind.MISSING_TABLE, tables=missing_tables))
    for t in found:
        rows = result.missing.get(t) or []
        if rows:
            problems.append(Problem(Kind.MISSING_ROWS, tables=(t,), rows=tuple(rows)))
    unreadable: dict[str, int] = {}
    recovered = 0
    for c in cells:
        if c.flag == "unreadable":
            unreadable[c.table] = unreadable.get(c.table, 0) + 1
        elif c.method == "recovered":
            recovered += 1
    if unreadable:
        problems.append(Problem(Kind.UNREADABLE_CELLS, counts=tuple(unreadable.items())))
    failing = sum(1 for c in chk if c["status"] == "fail")
    if recovered:
        problems.append(Problem(Kind.RECOVERED_CELLS, counts=(("cells", recovered),)))
    if failing:
        problems.append(Problem(Kind.FAILING_CHECKS, counts=(("checks", failing),)))
    report = with_problems(Report(meta, cell_rows, check_rows, encoding), problems + layout)
    return _audited(report, simple, cells, chk)


def _pre2019(meta: dict, simple: str, encoding: str | None, problems: list[Problem]) -> Report:
    """A pre-2019 report: no standard tables; its indicator table, where it prints one, read into
    `indicators` cells (indicators.py) and its figures in the prose (claims)."""
    from . import claims, indicators
    from .identity import kind_of

    claimed: dict[str, list[float]] = {}
    found = claims.extract(simple, kind_of(meta.get("agency") or ""))
    for c in found:
        if c.scope == "self" and not c.approximate:
            claimed.setdefault(c.key, []).append(c.value)
    cells, chk = indicators.read(simple, claimed)
    unreadable = sum(c.flag == "unreadable" for c in cells)
    rid = meta["report_id"]
    cell_rows = _cell_rows(rid, cells)
    check_rows = _check_rows(rid, chk)
    read = f"; indicator table read ({sum(c.flag != 'unreadable' for c in cells)} of {len(cells)} cells)" if cells else ""
    why = [Problem(Kind.PRE2019_NO_TABLES, f"pre-2019 format: no standard tables{read}")]
    if unreadable:
        why.append(Problem(Kind.UNREADABLE_CELLS, counts=((indicators.TABLE, unreadable),)))
    failing = sum(c["status"] == "fail" for c in chk)
    if failing:
        why.append(Problem(Kind.FAILING_CHECKS, counts=(("checks", failing),)))
    return _audited(with_problems(Report(meta, cell_rows, check_rows, encoding), why + problems), simple, cells, chk, found)


def _audited(report: Report, simple: str, cells: list, chk: list[dict], found=None) -> Report:
    """The report's prose claims and its own findings (audit.py), beside its tables."""
    from . import audit, claims
    from .identity import kind_of

    rid = report.meta["report_id"]
    if found is None:
        found = claims.extract(simple, kind_of(report.meta.get("agency") or ""))
    report.claim_rows = [(rid, c.key, c.value, c.unit, c.scope, c.approximate, c.confidence, c.sentence, c.locator) for c in found]
    report.finding_rows = [f.row() for f in audit.report_findings(rid, report.meta, simple, cells, chk, found)]
    report.sentence_hashes = claims.sentence_hashes(simple)
    return report
