"""`ogi run`: ingest, execute the notebooks for the corpus and for every agency and year, and
write the browsable HTML site under reports/.

A notebook that fails is recorded (in the index, with its error) and the batch goes on; the run
exits non-zero at the end if any failed. Agency names come from untrusted documents, so every
string written into the index is escaped.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from . import paths
from .coverage import NO_TABLE, STATUS_COLORS, coverage
from .crossyear import agency_key
from .ingest import code_version, ingest
from .store import load
from .views import standard_reports


@dataclass
class Job:
    notebook: str  # file name in notebooks/
    parameters: dict
    slug: str  # output name (no extension)
    title: str
    agency: str | None = None
    year: int | None = None
    status: str = "pending"
    error: str | None = None
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)
    inputs: tuple[str, ...] = ()  # report_ids the page reads (empty: the whole store)
    fingerprint: str = ""  # notebook, code, parameters and the digests of its inputs
    executed: bool = False  # False when the page of the previous run was current and kept


def _slug(*parts) -> str:
    text = "_".join(str(p) for p in parts if p is not None)
    # keep CJK (agency names) but nothing that is unsafe in a file name or URL path
    return re.sub(r"[^\w\u4e00-\u9fff-]+", "-", text).strip("-")[:120]


def plan(processed_dir: Path) -> list[Job]:
    """The notebooks to execute for this corpus (SCHEMA/ARCHITECTURE: overview, outcomes, trends, compare)."""
    corpus = load(processed_dir)
    std = standard_reports(corpus)
    jobs = [Job("01_corpus_overview.ipynb", {"processed_dir": str(processed_dir)}, "overview", "Corpus overview · 语料概览")]
    jobs.append(Job("06_audit.ipynb", {"processed_dir": str(processed_dir)}, "audit", "Audit: findings of every report · 审核发现"))
    readable = corpus.reports[corpus.reports["status"].isin(["ok", "partial"]) & corpus.reports["primary"].fillna(False).astype(bool)
                              & corpus.reports["year"].notna() & corpus.reports["agency"].notna()]  # fmt: skip
    for r in readable.sort_values(["agency", "year"]).itertuples(index=False):  # every report, with tables or not (pre-2019 too)
        jobs.append(Job("06_audit.ipynb", {"agency": r.agency, "year": int(r.year), "processed_dir": str(processed_dir)},
                        _slug("audit", r.agency, int(r.year)), f"{r.agency} {int(r.year)} · 审核", r.agency, int(r.year),
                        extra={"report_id": r.report_id, "report_status": str(r.status), "source_path": r.source_path}, inputs=(str(r.report_id),)))
    outcome_reports = std[std["status"].isin(["ok", "partial"])]
    for r in outcome_reports.sort_values(["agency", "year"]).itertuples(index=False):
        jobs.append(Job("02_outcomes.ipynb", {"agency": r.agency, "year": int(r.year), "processed_dir": str(processed_dir)},
                        _slug("outcomes", r.agency, int(r.year)), f"{r.agency} {int(r.year)} · 办理结果", r.agency, int(r.year),
                        extra={"report_id": r.report_id, "report_status": str(r.status), "source_path": r.source_path},
                        inputs=(r.report_id,)))
    for _, g in std.groupby("agency_key"):
        years = sorted(int(y) for y in g["year"].unique())
        agency = g.sort_values("year")["agency"].iloc[-1]  # the latest printed name
        if len(years) >= 2:
            jobs.append(Job("03_trends.ipynb", {"agency": agency, "start_year": years[0], "end_year": years[-1], "processed_dir": str(processed_dir)},
                            _slug("trends", agency), f"{agency} {years[0]}–{years[-1]} · 趋势", agency,
                            inputs=tuple(sorted(g["report_id"]))))
    regions = [(p, g) for p, g in std.groupby("province")] + [(c, g) for c, g in std.groupby("city") if g["agency_key"].nunique() >= 2]
    everyone = corpus.reports.astype({"report_id": str})
    for name, _ in regions:
        if name and not any(j.slug == _slug("region", name) for j in jobs):
            inside = everyone[(everyone["province"] == name) | (everyone["city"] == name)]  # every file the page lists
            jobs.append(Job("05_region.ipynb", {"region": str(name), "processed_dir": str(processed_dir)},
                            _slug("region", name), f"{name} · 地区", inputs=tuple(sorted(inside["report_id"]))))
    for year, g in std.groupby("year"):
        if g["agency_key"].nunique() >= 2:
            jobs.append(Job("04_compare.ipynb", {"year": int(year), "processed_dir": str(processed_dir)},
                            _slug("compare", int(year)), f"{int(year)} · 机关比较", year=int(year),
                            inputs=tuple(sorted(g["report_id"]))))
    digests = report_digests(corpus)
    everything = hashlib.sha256("".join(sorted(digests.values())).encode()).hexdigest()
    base = hashlib.sha256(code_version().encode())
    for nb in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        base.update(nb.name.encode() + nb.read_bytes())
    for j in jobs:
        h = base.copy()
        h.update(json.dumps([j.notebook, j.parameters, j.title], ensure_ascii=False, sort_keys=True).encode())
        h.update(("|".join(digests.get(r, "?") for r in j.inputs) if j.inputs else everything).encode())
        j.fingerprint = h.hexdigest()
    return jobs


def report_digests(corpus) -> dict[str, str]:
    """report_id → digest of its row in reports, its cells, checks and findings (with their
    decisions): what a page of it shows."""
    out: dict[str, int] = {}
    for frame in (corpus.reports, corpus.cells, corpus.checks, corpus.findings):
        if frame.empty:
            continue
        plain = frame.astype({c: str for c in frame.columns if frame[c].dtype == object})  # lists (problems) as text
        rows = pd.util.hash_pandas_object(plain, index=False)
        sums = pd.DataFrame({"rid": frame["report_id"].astype(str).to_numpy(), "h": rows.to_numpy()}).groupby("rid")["h"].agg(_fold)
        for rid, v in sums.items():
            out[rid] = (out.get(rid, 0) * 1_000_003 + int(v)) % (1 << 64)
    return {rid: f"{v:016x}" for rid, v in out.items()}


def _fold(hashes: pd.Series) -> int:
    """Order-free combination of row hashes (sum modulo 2**64), with the row count."""
    return (int(hashes.to_numpy(dtype="uint64").sum(dtype="uint64")) + len(hashes)) % (1 << 64)


def _kernel_manager_class(socket_dir: str):
    """Kernels on IPC sockets: local, and without the "running over TCP without encryption"
    warning. Each kernel gets its own socket directory: kernels started at once in one directory
    may pick the same socket names and hang."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum, Unicode

    class IPCKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc")
        ip = Unicode(str(Path(socket_dir) / "kernel"))

    return IPCKernelManager


@contextlib.contextmanager
def _stderr_to(path: Path):
    """Send this process's stderr (file descriptor 2, which the kernel inherits) to a log file:
    kernel chatter at start and shutdown stays out of `make run`, and the log stays beside the page."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "wb") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def execute(job: Job, notebooks_dir: str, out_dir: str) -> Job:
    """Worker: run one notebook with papermill and export it to HTML."""
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    t0 = time.perf_counter()
    parameters = {**job.parameters, "figures_dir": str(Path(out_dir) / "figures" / job.slug)}
    out_nb = Path(out_dir) / "notebooks" / f"{job.slug}.ipynb"
    out_html = Path(out_dir) / f"{job.slug}.html"
    try:
        with _stderr_to(out_nb.with_suffix(".log")), tempfile.TemporaryDirectory(prefix="ogi-kernel-") as sockets:
            papermill.execute_notebook(
                str(Path(notebooks_dir) / job.notebook), str(out_nb), parameters=parameters,
                kernel_name="python3", progress_bar=False, log_output=False, cwd=str(Path(out_dir)),
                kernel_manager_class=_kernel_manager_class(sockets),
            )  # fmt: skip
        job.status = "ok"
    except Exception as e:  # noqa: BLE001 — recorded in the index, the batch goes on
        job.status = "failed"
        job.error = f"{type(e).__name__}: {str(e).strip().splitlines()[-1] if str(e).strip() else ''}"[:500]
    try:
        if out_nb.exists():
            body, _ = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True).from_notebook_node(
                nbformat.read(str(out_nb), as_version=4)
            )
            out_html.write_text(body, encoding="utf-8")
    except Exception as e:  # noqa: BLE001
        job.status = "failed"
        job.error = (job.error or "") + f" (HTML export: {type(e).__name__}: {e})"
    job.seconds = time.perf_counter() - t0
    job.executed = True
    return job


def keep_current(jobs: list[Job], out_dir: Path, staging: Path) -> list[Job]:
    """The jobs whose page in the previous site was made from the same inputs: copied into
    `staging` and returned (not executed again). Only pages that succeeded are kept."""
    try:
        previous = {j["slug"]: j for j in json.loads((out_dir / "run.json").read_text(encoding="utf-8"))}
    except (OSError, ValueError, TypeError, KeyError):
        return []
    kept = []
    for job in jobs:
        old = previous.get(job.slug)
        page = out_dir / f"{job.slug}.html"
        if not old or old.get("fingerprint") != job.fingerprint or old.get("status") != "ok" or not page.exists():
            continue
        shutil.copy2(page, staging / page.name)
        for ext in (".ipynb", ".log"):
            src = out_dir / "notebooks" / f"{job.slug}{ext}"
            if src.exists():
                shutil.copy2(src, staging / "notebooks" / src.name)
        for extra in out_dir.glob(f"figures/{job.slug}/*"):
            (staging / "figures" / job.slug).mkdir(parents=True, exist_ok=True)
            shutil.copy2(extra, staging / "figures" / job.slug / extra.name)
        job.status, job.seconds, job.executed = "ok", float(old.get("seconds", 0.0)), False
        kept.append(job)
    return kept


def run_jobs(jobs: list[Job], out_dir: Path, jobs_n: int) -> list[Job]:
    from tqdm import tqdm

    (out_dir / "notebooks").mkdir(parents=True, exist_ok=True)
    done: list[Job] = []
    show = sys.stderr.isatty() and not os.environ.get("CI")
    with ProcessPoolExecutor(max_workers=max(1, jobs_n)) as pool:
        futures = {pool.submit(execute, j, str(paths.NOTEBOOKS), str(out_dir)): j for j in jobs}
        for fut in tqdm(as_completed(futures), total=len(futures), desc="notebooks", unit="nb", disable=not show):
            j = futures[fut]
            try:
                done.append(fut.result())
            except Exception as e:  # noqa: BLE001 — a worker that died
                j.status, j.error = "failed", f"worker error: {type(e).__name__}: {e}"
                done.append(j)
    order = {j.slug: i for i, j in enumerate(jobs)}
    return sorted(done, key=lambda j: order.get(j.slug, len(order)))


def write_index(out_dir: Path, jobs: list[Job], processed_dir: Path) -> Path:
    """reports/index.html: every page, grouped by agency, each file with what was read
    ("198 of 200 cells") and its failing checks; files with no standard table and files not read
    as reports listed apart, so every input appears once with its status."""
    corpus = load(processed_dir)
    reports = corpus.reports.astype({"report_id": str})
    reports = reports.join(coverage(reports, corpus.cells).set_index("report_id"), on="report_id")
    fails = corpus.checks[corpus.checks["status"] == "fail"].astype({"report_id": str}).groupby("report_id").size()
    e = html.escape
    colours = "".join(f".st-{re.sub(r'[^a-z]', '', k)}{{color:{v}}}" for k, v in STATUS_COLORS.items())

    def link(j: Job) -> str:
        target = f"{j.slug}.html"
        status = "" if j.status == "ok" else f' <span class="bad">notebook failed: {e(j.error or "")}</span>'
        return f'<a href="{e(target, quote=True)}">{e(j.title)}</a>{status}'

    def status_cell(st: str, *notes: str) -> str:
        """Status in its colour, then what was read and why (long reasons cut, in full on hover)."""
        extra = " · ".join(n for n in notes if n)
        short = extra if len(extra) <= 240 else extra[:240] + " …"
        return f"<td class='st-{re.sub(r'[^a-z]', '', st)}'>{e(st)}<br><small title='{e(extra, quote=True)}'>{e(short)}</small></td>"

    def file_table(rows: pd.DataFrame) -> list[str]:
        out = ["<table><tr><th>file</th><th>agency</th><th>year</th><th>status · why</th></tr>"]
        for r in rows.itertuples(index=False):
            year = "" if pd.isna(r.year) else str(int(r.year))
            msg = "" if pd.isna(r.message) else str(r.message)
            agency = "" if pd.isna(r.agency) else str(r.agency)
            out.append(f"<tr><td>{e(str(r.source_path))}</td><td>{e(agency)}</td><td>{year}</td>{status_cell(str(r.shown_status), msg)}</tr>")
        return [*out, "</table>"]

    counts = reports["shown_status"].value_counts()
    parts = [
        "<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>ogi · 政府信息公开年度报告</title>",
        "<style>body{font-family:sans-serif;max-width:64em;margin:2em auto;padding:0 1em;color:#222}"
        "table{border-collapse:collapse;width:100%;table-layout:fixed}td:first-child,th:first-child{width:28%}td,th{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}"
        f".bad{{color:#b00020}}small{{color:#666}}{colours}</style></head><body>",
        "<h1>政府信息公开工作年度报告 · open-government annual reports</h1>",
        f"<p>{len(reports)} files: " + ", ".join(f"<span class='st-{re.sub(r'[^a-z]', '', k)}'>{int(n)} {e(k)}</span>" for k, n in counts.items())
        + f"<br><small>generated {e(time.strftime('%Y-%m-%d %H:%M'))} by <code>ogi run</code>; each chart is also saved as PNG and SVG under figures/</small></p>",
    ]
    failed = [j for j in jobs if j.status != "ok"]
    if failed:
        parts.append(f"<h2 class='bad'>Notebooks that failed ({len(failed)})</h2><ul>")
        parts += [f"<li>{link(j)}</li>" for j in failed]
        parts.append("</ul>")
    sections = (("01", "Corpus"), ("06", "Audit · 审核发现"), ("04", "Comparisons by year · 机关比较"), ("05", "Regions · 地区"))
    for prefix, heading in sections:
        parts.append(f"<h2>{heading}</h2><ul>")
        parts += [f"<li>{link(j)}</li>" for j in jobs if j.notebook.startswith(prefix) and not (prefix == "06" and j.agency)]  # a report's audit: under its agency
        parts.append("</ul>")
    parts.append("<h2>Agencies · 机关</h2>")
    by_agency: dict[str, list[Job]] = {}
    for j in jobs:
        if j.agency:
            by_agency.setdefault(agency_key(j.agency) or j.agency, []).append(j)
    for key in sorted(by_agency):
        names = " / ".join(dict.fromkeys(j.agency for j in by_agency[key]))  # a body printed under several names
        parts.append(f"<h3>{e(names)}</h3><table><tr><th>page</th><th>report status · read</th><th>failing checks</th><th>source</th></tr>")
        for j in sorted(by_agency[key], key=lambda j: (j.year is None, j.year or 0)):
            rid = j.extra.get("report_id")
            row = reports[reports["report_id"] == rid] if rid else reports.iloc[0:0]
            if len(row):
                r = row.iloc[0]
                msg = "" if pd.isna(r["message"]) else str(r["message"])
                read = f"{r['reading']} read" if r["reading"] else ""
                parts.append(
                    f"<tr><td>{link(j)}</td>{status_cell(str(r['shown_status']), read, msg)}"
                    f"<td>{int(fails.get(rid, 0))}</td><td><small>{e(str(j.extra.get('source_path', '')))}</small></td></tr>"
                )
            else:
                parts.append(f"<tr><td>{link(j)}</td><td></td><td></td><td></td></tr>")
        parts.append("</table>")
    no_table = reports[reports["shown_status"] == NO_TABLE].sort_values("source_path")
    parts.append(f"<h2>Files with no standard table · 无标准表格 ({len(no_table)})</h2>"
                 "<p><small>Read as reports, but none of tables 二, 三, 四 was found (pre-2019 reports, prose excerpts, images): no numbers from them appear on the pages.</small></p>")  # fmt: skip
    parts += file_table(no_table)
    unread = reports[~reports["status"].isin(["ok", "partial"])].sort_values("source_path")
    parts.append(f"<h2>Files not read as reports · 未能读取 ({len(unread)})</h2>")
    parts += file_table(unread)
    parts += fetch_section(processed_dir)
    parts.append("</body></html>")
    index = out_dir / "index.html"
    index.write_text("\n".join(parts), encoding="utf-8")
    (out_dir / "run.json").write_text(json.dumps([asdict(j) for j in jobs], ensure_ascii=False, indent=1), encoding="utf-8")
    return index


def fetch_section(processed_dir: Path) -> list[str]:
    """What `ogi fetch` brought in: outcomes counted, and every URL that did not give a file."""
    import html as htmllib

    from .store import load_fetches

    fetches = load_fetches(processed_dir)
    if fetches.empty:
        return []
    counts = fetches["outcome"].value_counts()
    summary = ", ".join(f"{n} {k}" for k, n in counts.items())
    parts = [f"<h2>Fetched · 下载记录 ({len(fetches)})</h2>", f"<p>{htmllib.escape(summary)} (fetch-log.csv: every URL and attachment, every run)</p>"]
    failed = fetches[~fetches["outcome"].isin(["saved", "unchanged"])]
    if len(failed):
        parts.append("<table><tr><th>URL</th><th>outcome</th><th>HTTP</th><th>detail</th><th>when</th></tr>")
        for r in failed.itertuples(index=False):
            status = "" if pd.isna(r.http_status) else str(int(r.http_status))
            parts.append(f"<tr><td>{htmllib.escape(str(r.url))}</td><td>{htmllib.escape(str(r.outcome))}</td><td>{status}</td>"
                         f"<td>{htmllib.escape(str(r.detail))}</td><td>{htmllib.escape(str(r.fetched_at))}</td></tr>")  # fmt: skip
        parts.append("</table>")
    return parts


STAMP = ".fingerprint"


def fingerprint(processed_dir: Path) -> str:
    """What the site is made from: the store's tables, the notebooks and the library code."""
    from .store import TABLE_FILES

    h = hashlib.sha256(code_version().encode())
    for name in sorted(TABLE_FILES.values()):
        h.update((processed_dir / name).read_bytes())
    for nb in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        h.update(nb.read_bytes())
    return h.hexdigest()


def _read_stamp(out_dir: Path) -> str | None:
    try:
        return (out_dir / STAMP).read_text(encoding="utf-8")
    except OSError:
        return None


def run(jobs: int | None = None, force: bool = False, raw_dir: Path | None = None, processed_dir: Path | None = None, out_dir: Path | None = None) -> int:
    """ingest → notebooks → site. Returns the exit status (non-zero if any notebook failed)."""
    processed_dir = Path(processed_dir or paths.PROCESSED)
    out_dir = Path(out_dir or paths.REPORTS)
    n = max(1, jobs or os.cpu_count() or 1)
    result = ingest(raw_dir or paths.RAW, processed_dir, jobs=n, force=force)
    print(result.summary())
    stamp = fingerprint(processed_dir)
    if not force and (out_dir / "index.html").exists() and _read_stamp(out_dir) == stamp:
        print(f"site is up to date (same store, notebooks and code) → {out_dir / 'index.html'}")
        return 0
    todo = plan(processed_dir)
    staging = out_dir.with_name(out_dir.name + ".staging")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "notebooks").mkdir(parents=True)
    kept = [] if force else keep_current(todo, out_dir, staging)
    try:
        kept_slugs = {j.slug for j in kept}
        done = run_jobs([j for j in todo if j.slug not in kept_slugs], staging, n)
        order = {j.slug: i for i, j in enumerate(todo)}
        done = sorted([*kept, *done], key=lambda j: order[j.slug])
        write_index(staging, done, processed_dir)
    except Exception:
        traceback.print_exc()
        shutil.rmtree(staging, ignore_errors=True)
        return 1
    failed = [j for j in done if j.status != "ok"]
    if not failed:
        (staging / STAMP).write_text(stamp, encoding="utf-8")  # a failed run is never "up to date"
    shutil.rmtree(out_dir, ignore_errors=True)
    os.replace(staging, out_dir)
    executed = sum(j.executed for j in done)
    print(f"executed {executed} notebooks ({len(failed)} failed), kept {len(done) - executed} current pages → {out_dir / 'index.html'}")
    for j in failed:
        print(f"  failed: {j.slug}: {j.error}", file=sys.stderr)
    return 1 if failed else 0
