"""`ogi run`: ingest, execute the notebooks for the corpus and for every agency and year, and
write the browsable HTML site under reports/.

A notebook that fails is recorded (in the index, with its error) and the batch goes on; the run
exits non-zero at the end if any failed. Agency names come from untrusted documents, so every
string written into the index is escaped.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from . import paths
from .crossyear import agency_key
from .ingest import ingest
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


def _slug(*parts) -> str:
    text = "_".join(str(p) for p in parts if p is not None)
    # keep CJK (agency names) but nothing that is unsafe in a file name or URL path
    return re.sub(r"[^\w\u4e00-\u9fff-]+", "-", text).strip("-")[:120]


def plan(processed_dir: Path) -> list[Job]:
    """The notebooks to execute for this corpus (SCHEMA/ARCHITECTURE: overview, outcomes, trends, compare)."""
    corpus = load(processed_dir)
    std = standard_reports(corpus)
    jobs = [Job("01_corpus_overview.ipynb", {"processed_dir": str(processed_dir)}, "overview", "Corpus overview · 语料概览")]
    outcome_reports = std[std["status"].isin(["ok", "partial"])]
    for r in outcome_reports.sort_values(["agency", "year"]).itertuples(index=False):
        jobs.append(Job("02_outcomes.ipynb", {"agency": r.agency, "year": int(r.year), "processed_dir": str(processed_dir)},
                        _slug("outcomes", r.agency, int(r.year)), f"{r.agency} {int(r.year)} · 办理结果", r.agency, int(r.year),
                        extra={"report_id": r.report_id, "report_status": str(r.status), "source_path": r.source_path}))
    for _, g in std.groupby("agency_key"):
        years = sorted(int(y) for y in g["year"].unique())
        agency = g.sort_values("year")["agency"].iloc[-1]  # the latest printed name
        if len(years) >= 2:
            jobs.append(Job("03_trends.ipynb", {"agency": agency, "start_year": years[0], "end_year": years[-1], "processed_dir": str(processed_dir)},
                            _slug("trends", agency), f"{agency} {years[0]}–{years[-1]} · 趋势", agency))
    for year, g in std.groupby("year"):
        if g["agency_key"].nunique() >= 2:
            jobs.append(Job("04_compare.ipynb", {"year": int(year), "processed_dir": str(processed_dir)},
                            _slug("compare", int(year)), f"{int(year)} · 机关比较", year=int(year)))
    return jobs


def execute(job: Job, notebooks_dir: str, out_dir: str) -> Job:
    """Worker: run one notebook with papermill and export it to HTML."""
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    t0 = time.perf_counter()
    out_nb = Path(out_dir) / "notebooks" / f"{job.slug}.ipynb"
    out_html = Path(out_dir) / f"{job.slug}.html"
    try:
        papermill.execute_notebook(
            str(Path(notebooks_dir) / job.notebook), str(out_nb), parameters=job.parameters,
            kernel_name="python3", progress_bar=False, log_output=False, cwd=str(Path(out_dir)),
        )
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
    return job


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
    """reports/index.html: every notebook page, grouped by agency and year, with report status and failing checks."""
    corpus = load(processed_dir)
    reports = corpus.reports.astype({"report_id": str})
    fails = corpus.checks[corpus.checks["status"] == "fail"].astype({"report_id": str}).groupby("report_id").size()
    e = html.escape

    def link(j: Job) -> str:
        target = f"{j.slug}.html"
        status = "" if j.status == "ok" else f' <span class="bad">notebook failed: {e(j.error or "")}</span>'
        return f'<a href="{e(target, quote=True)}">{e(j.title)}</a>{status}'

    parts = [
        "<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>ogi · 政府信息公开年度报告</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
        "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}"
        ".bad{color:#b00020}.ok{color:#2a7a2a}.partial{color:#a36b00}small{color:#666}</style></head><body>",
        "<h1>政府信息公开工作年度报告 · open-government annual reports</h1>",
        f"<p><small>{len(reports)} files · generated {e(time.strftime('%Y-%m-%d %H:%M'))} by <code>ogi run</code></small></p>",
    ]
    failed = [j for j in jobs if j.status != "ok"]
    if failed:
        parts.append(f"<h2 class='bad'>Notebooks that failed ({len(failed)})</h2><ul>")
        parts += [f"<li>{link(j)}</li>" for j in failed]
        parts.append("</ul>")
    parts.append("<h2>Corpus</h2><ul>")
    parts += [f"<li>{link(j)}</li>" for j in jobs if j.notebook.startswith("01")]
    parts.append("</ul><h2>Comparisons by year · 机关比较</h2><ul>")
    parts += [f"<li>{link(j)}</li>" for j in jobs if j.notebook.startswith("04")]
    parts.append("</ul><h2>Agencies · 机关</h2>")
    by_agency: dict[str, list[Job]] = {}
    for j in jobs:
        if j.agency:
            by_agency.setdefault(agency_key(j.agency) or j.agency, []).append(j)
    for key in sorted(by_agency):
        names = " / ".join(dict.fromkeys(j.agency for j in by_agency[key]))  # a body printed under several names
        parts.append(f"<h3>{e(names)}</h3><table><tr><th>page</th><th>report status</th><th>failing checks</th><th>source</th></tr>")
        for j in sorted(by_agency[key], key=lambda j: (j.year is None, j.year or 0)):
            rid = j.extra.get("report_id")
            if rid:
                row = reports[reports["report_id"] == rid]
                st = str(row["status"].iloc[0]) if len(row) else "?"
                msg = row["message"].iloc[0] if len(row) and pd.notna(row["message"].iloc[0]) else ""
                parts.append(
                    f"<tr><td>{link(j)}</td><td class='{e(st)}'>{e(st)}<br><small>{e(str(msg))}</small></td>"
                    f"<td>{int(fails.get(rid, 0))}</td><td><small>{e(str(j.extra.get('source_path', '')))}</small></td></tr>"
                )
            else:
                parts.append(f"<tr><td>{link(j)}</td><td></td><td></td><td></td></tr>")
        parts.append("</table>")
    unread = reports[~reports["status"].isin(["ok", "partial"])]
    parts.append(f"<h2>Files not read as reports · 未能读取 ({len(unread)})</h2><table><tr><th>file</th><th>status</th><th>why</th></tr>")
    for r in unread.itertuples(index=False):
        parts.append(f"<tr><td>{e(str(r.source_path))}</td><td class='bad'>{e(str(r.status))}</td><td>{e(str(r.message))}</td></tr>")
    parts.append("</table></body></html>")
    index = out_dir / "index.html"
    index.write_text("\n".join(parts), encoding="utf-8")
    (out_dir / "run.json").write_text(json.dumps([asdict(j) for j in jobs], ensure_ascii=False, indent=1), encoding="utf-8")
    return index


STAMP = ".fingerprint"


def fingerprint(processed_dir: Path) -> str:
    """What the site is made from: the store's tables, the notebooks and the library code."""
    from .ingest import code_version
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
    staging.mkdir(parents=True)
    try:
        done = run_jobs(todo, staging, n)
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
    print(f"executed {len(done)} notebooks ({len(failed)} failed) → {out_dir / 'index.html'}")
    for j in failed:
        print(f"  failed: {j.slug}: {j.error}", file=sys.stderr)
    return 1 if failed else 0
