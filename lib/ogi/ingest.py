"""Many files → the Parquet store: in parallel, cached by content hash, atomic, nothing lost.

Every input file ends up as one row of `reports` whatever happened to it (a crash or a hang of the
reader becomes status failed with the reason). Outputs are written to a staging folder and moved
into place at the end, so an interrupted ingest leaves the previous store intact.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import json
import logging
import os
import re
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import paths
from .corpus import finalize
from .identity import load_division_table
from .normalize import to_simplified
from .problems import Kind, Problem
from .problems import kinds as kinds_of
from .problems import message as message_of
from .problems import status as status_of
from .report import CELL_COLUMNS, REPORT_COLUMNS, cells_from_columns, checks_frame, format_from_year, read_reports
from .cache import ResultCache
from .store import write_fetches, write_store

log = logging.getLogger(__name__)

MANIFEST_NAME = "SOURCES.csv"
SIDECAR_SUFFIX = ".meta.json"
REVIEWS_NAME = "reviews.csv"  # beside the raw folder (data/reviews.csv): a reviewer's decisions on findings
FETCH_LOG_NAME = "fetch-log.csv"  # written by `ogi fetch`: stored as the fetches table, not read as a report


# ------------------------------------------------------------------------------------ inputs


def discover(raw_dir: Path) -> list[Path]:
    """Every input file under raw_dir, recursively, in a stable order (manifests and sidecars excluded)."""
    files = []
    for p in raw_dir.rglob("*"):
        if not p.is_file() or any(part.startswith(".") for part in p.relative_to(raw_dir).parts):
            continue
        if p.name in (MANIFEST_NAME, FETCH_LOG_NAME, ".gitkeep") or p.name.endswith(SIDECAR_SUFFIX):
            continue
        files.append(p)
    return sorted(files, key=lambda p: p.relative_to(raw_dir).as_posix())


_URL = re.compile(r"https?://\S+|github:\S+")


def pictures_of_pages(raw_dir: Path, files: list[Path]) -> dict[Path, str]:
    """The local images saved pages show (`<img src="page_files/…">`), each with its page: the
    reader OCRs them as part of the page, so alone they are no report (and are not read twice)."""
    from .extract.html import image_sources, local_image

    found = set(files)
    out: dict[Path, str] = {}
    for page in files:
        if page.suffix.lower() not in (".htm", ".html", ".shtml", ".xhtml"):
            continue
        try:
            sources = image_sources(page.read_bytes())
        except OSError:
            continue
        for src in sources:
            image = local_image(page.parent, src)
            if image is not None and image in found and image != page:
                out.setdefault(image, page.relative_to(raw_dir).as_posix())
    return out


def write_audit(out_dir: Path, claim_rows: list, finding_rows: list, checks, reviews: Path) -> None:
    """claims.parquet, and findings.parquet: the reports' own findings, the failing cross-year
    checks, and each with the reviewer's decision from `reviews` (data/reviews.csv beside the raw
    folder: read, never written)."""
    import pandas as pd

    from . import audit
    from .claims import CLAIM_COLUMNS
    from .store import write_table

    claims = pd.DataFrame(claim_rows, columns=CLAIM_COLUMNS).astype({"value": "float64", "confidence": "float64", "approximate": "bool"})
    known = {r[0] for r in finding_rows}
    rows = list(finding_rows) + [f.row() for f in audit.check_findings(checks, known)]
    findings = pd.DataFrame(rows, columns=audit.FINDING_COLUMNS).drop_duplicates("finding_id")
    findings = findings.astype({"claimed": "Float64", "printed": "Float64"})
    findings = audit.with_decisions(findings, audit.read_reviews(reviews))
    write_table(out_dir, "claims.parquet", claims)
    write_table(out_dir, "findings.parquet", findings)


def fetch_logs(raw_dir: Path):
    """Every `fetch-log.csv` under raw_dir (one per `ogi fetch --out` folder) as one table, with
    `log` (the folder, relative to raw_dir) and `path` made relative to raw_dir like source_path."""
    import pandas as pd

    from .fetch import LOG_COLUMNS

    frames = []
    for log_file in sorted(raw_dir.rglob(FETCH_LOG_NAME)):
        folder = log_file.parent.relative_to(raw_dir).as_posix()
        try:
            df = pd.read_csv(log_file, dtype=str, keep_default_na=False)
        except (OSError, ValueError) as e:
            log.warning("ignoring unreadable fetch log %s: %s", log_file, e)
            continue
        df = df.reindex(columns=LOG_COLUMNS, fill_value="")
        df["path"] = df["path"].map(lambda p, f=folder: f"{f}/{p}" if p and f != "." else p)
        df.insert(0, "log", folder)
        frames.append(df)
    columns = ["log", *LOG_COLUMNS]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    out["http_status"] = pd.to_numeric(out["http_status"], errors="coerce").astype("Int64")
    return out[columns].astype({c: "string" for c in columns if c != "http_status"})


def read_manifest(raw_dir: Path) -> dict[str, dict]:
    """Provenance by path relative to raw_dir, from SOURCES.csv files and `<file>.meta.json` sidecars.

    SOURCES.csv columns used: file, agency, year, source (or source_url), notes — others are kept
    in `notes`. A sidecar is a JSON object with any of source_url, agency, year, notes.
    """
    out = read_manifest_files(raw_dir, sorted(raw_dir.rglob(MANIFEST_NAME)))
    for sidecar in sorted(raw_dir.rglob("*" + SIDECAR_SUFFIX)):
        target = sidecar.relative_to(raw_dir).as_posix()[: -len(SIDECAR_SUFFIX)]
        out.setdefault(target, {}).update(_sidecar(sidecar))
    return out


def read_manifest_files(raw_dir: Path, manifests: list[Path]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for manifest in manifests:
        if not manifest.is_file():
            continue
        base = manifest.parent.relative_to(raw_dir)
        with manifest.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                name = (row.get("file") or "").strip()
                if not name:
                    continue
                source = (row.get("source_url") or row.get("source") or "").strip()
                m = _URL.search(source)
                out[(base / name).as_posix()] = {
                    "source_url": m.group().rstrip(")") if m else (source or None),
                    "agency": (row.get("agency") or "").strip() or None,
                    "year": _int_or_none(row.get("year")),
                }
    return out


def _sidecar(sidecar: Path) -> dict:
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        log.warning("ignoring unreadable sidecar %s: %s", sidecar, e)
        return {}
    out = {k: data[k] for k in ("source_url", "agency", "year") if k in data}
    if "year" in out:
        out["year"] = _int_or_none(out["year"])
    return out


def _int_or_none(v) -> int | None:
    """A manifest's year: one year ('2024', '2024年'); a range or anything else is no year."""
    m = re.fullmatch(r"\s*((?:19|20)\d\d)\s*年?\s*", str(v or ""))
    return int(m.group(1)) if m else None


def apply_manifest(meta: dict, prov: dict, problems: list | None = None) -> list:
    """The manifest's agency and year win over what the text printed (a fragment, a typo, an
    excerpt without its title); what was printed is kept in printed_agency / printed_year, so a
    disagreement is a finding (quality.py), not a lost fact. A report with no agency from either
    gets the problem no_agency. Returns the problems (message and kinds re-rendered)."""
    meta.setdefault("printed_agency", meta.get("agency"))
    meta.setdefault("printed_year", meta.get("year"))
    meta["source_url"] = meta.get("source_url") or prov.get("source_url")
    meta["agency"] = manifest_agency(prov.get("agency")) or meta.get("printed_agency")
    meta["year"] = prov.get("year") or meta.get("printed_year")
    from_year = any(p.kind is Kind.FORMAT_FROM_YEAR for p in problems or [])
    problems = [p for p in (problems or []) if p.kind not in (Kind.NO_AGENCY, Kind.FORMAT_FROM_YEAR)]
    if meta["agency"] is None and meta.get("status") in ("ok", "partial"):
        problems.append(Problem(Kind.NO_AGENCY, "no agency printed (title, header or signature) and none in a manifest"))
    if from_year or meta.get("format") in ("unknown", None):
        meta["format"] = "unknown"
        problems += format_from_year(meta, read=meta.get("status") in ("ok", "partial"))
    if problems or meta.get("problems"):
        meta.update(message=message_of(problems), problems=kinds_of(problems))
    return problems


def manifest_for(path: str | Path) -> dict:
    """The provenance a manifest gives one file: the nearest SOURCES.csv above it that lists it,
    and its sidecar — what `ogi ingest` would use, for `ogi parse` of a single file."""
    path = Path(path).resolve()
    for folder in path.parents:
        entry = read_manifest_files(folder, [folder / MANIFEST_NAME]).get(path.relative_to(folder).as_posix())
        if entry:
            break
    else:
        entry = {}
    sidecar = Path(str(path) + SIDECAR_SUFFIX)
    if sidecar.exists():
        entry = {**entry, **_sidecar(sidecar)}
    return entry


def manifest_agency(name: str | None) -> str | None:
    """'審计局 (梅河口市审计局)' → '梅河口市审计局': the fullest simplified name a manifest gives."""
    if not name:
        return None
    inner = re.findall(r"[（(]([^()（）]{2,40})[）)]", name)
    full = next((s for s in inner if re.search(r"[局委办院府厅区县市镇街乡会]$", s) and not re.search(r"[:：,，\s]", s)), None)
    return to_simplified(full or re.sub(r"\s*[（(].*$", "", name).strip()) or None


# ------------------------------------------------------------------------------------ reading


def code_version() -> str:
    """Hash of the reader's source: cached results are reused only if the reader is unchanged."""
    h = hashlib.sha256()
    for p in sorted(paths.PACKAGE_DIR.rglob("*.py")):
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


# a hang may be the machine's, not the file's: such a result is reported but never cached
TIME_LIMIT = "reading took longer than the time limit"


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def read_one(path: str, timeout: float) -> list[tuple[dict, list[list] | None, list]]:
    """Worker: read one file under a time limit: (meta, cell columns, check rows) per report the
    file holds (one, or one per row of a scraper CSV). Plain data (picklable)."""
    # the alarm works only in a process's main thread (not in a Dask worker's task threads)
    use_alarm = timeout and hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if timeout and not use_alarm:
        return _read_in_thread(path, timeout)
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        # columns, not rows: the parent appends them per column, far faster than transposing later
        return [
            ({**r.meta, PROBLEMS: r.problems, CLAIMS: r.claim_rows, FINDINGS: r.finding_rows, SENTENCES: r.sentence_hashes, PART: r.part}, [list(c) for c in zip(*r.cell_rows)] if r.cell_rows else None, r.check_rows)
            for r in read_reports(path)
        ]
    except _Timeout:
        return _failed(Path(path), f"{TIME_LIMIT} ({timeout:g} s per file)", Kind.TIME_LIMIT)
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def _read_in_thread(path: str, timeout: float) -> list[tuple]:
    """The time limit where no alarm can be set (a Dask worker's task thread): the file is read in
    a daemon thread and abandoned after `timeout` — reported as a time-out, the batch goes on.
    The abandoned thread cannot be killed; it ends with its reading or with the worker."""
    box: list = []

    def work() -> None:
        try:
            box.append(read_one(path, 0))
        except BaseException as e:  # noqa: BLE001 — handed back to the caller's thread
            box.append(e)

    thread = threading.Thread(target=work, name=f"ogi-read:{Path(path).name}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive() or not box:
        return _failed(Path(path), f"{TIME_LIMIT} ({timeout:g} s per file)", Kind.TIME_LIMIT)
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]


def _failed(path: Path, why: str, kind: Kind = Kind.INTERNAL_ERROR) -> list[tuple[dict, list[list] | None, list]]:
    try:
        rid = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        rid = hashlib.sha256(str(path).encode()).hexdigest()[:16]
    problems = [Problem(kind, why)]
    meta = dict.fromkeys(REPORT_COLUMNS)
    meta.update(report_id=rid, status=status_of(problems), message=message_of(problems), problems=kinds_of(problems))
    return [({**meta, PROBLEMS: problems}, None, [])]


PROBLEMS = "_problems"  # the Problem objects beside the meta columns, between the worker and the corpus step
CLAIMS, FINDINGS, SENTENCES = "_claims", "_findings", "_sentences"  # the report's claims, findings and sentence hashes, likewise
PART = "_part"  # where in its file the report is (Report.part: "row=3"), for a file of many reports


def _show_progress() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


CHUNK = 16  # files per task: fewer round trips between processes


GC_THRESHOLD = (50_000, 20, 20)  # collections while reading a corpus (Python's default: 700, 10, 10)


def _worker_start() -> None:
    """A worker's garbage collector: the modules it was forked with are frozen out of every
    collection, and collections run less often (a reading allocates tuples by the hundred
    thousand, nearly none in cycles). The collector took about 5 % of a worker's time."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def read_chunk(paths_: list[str], timeout: float) -> list[tuple]:
    """Worker: read several files, each under its own time limit."""
    return [read_one(path, timeout) for path in paths_]


def _run_pool(
    todo: list[Path],
    jobs: int,
    timeout: float,
    done: Callable[[list[tuple[Path, tuple]]], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> dict[Path, tuple]:
    """Read files in worker processes; a worker that dies takes only its own file down (its chunk
    is re-read one file per process, so the culprit is found and the others are kept). `done`
    receives each finished chunk's (path, result) pairs, in this process, as they arrive.
    `meanwhile` runs once in this process while the first workers read (after they were forked:
    no thread of ours is alive at a fork)."""
    from tqdm import tqdm

    done = done or (lambda pairs: None)
    results: dict[Path, tuple] = {}
    bar = tqdm(total=len(todo), unit="file", desc="ingest", disable=not _show_progress())
    pending = list(todo)
    isolate = False
    while pending:
        retry: list[Path] = []
        size = 1 if isolate else max(1, min(CHUNK, len(pending) // (4 * jobs) or 1))
        chunks = [pending[i : i + size] for i in range(0, len(pending), size)]
        groups = [[c] for c in chunks] if isolate else [chunks]
        for group in groups:
            try:
                with ProcessPoolExecutor(max_workers=1 if isolate else jobs, initializer=_worker_start) as pool:
                    futures = {pool.submit(read_chunk, [str(p) for p in chunk], timeout): chunk for chunk in group}
                    if meanwhile is not None:
                        try:
                            meanwhile()
                        except Exception:  # noqa: BLE001 — a head start only: the corpus step does it again
                            log.warning("ingest: work done while the files are read failed", exc_info=True)
                        meanwhile = None
                    for fut in as_completed(futures):
                        chunk = futures[fut]
                        try:
                            pairs = list(zip(chunk, fut.result()))
                            results.update(pairs)
                            done(pairs)
                            bar.update(len(chunk))
                        except BrokenProcessPool:
                            retry.extend(chunk)
                        except Exception as e:  # noqa: BLE001 — recorded, the batch goes on
                            for p in chunk:
                                results[p] = _failed(p, f"reader error: {type(e).__name__}: {e}")
                            bar.update(len(chunk))
            except BrokenProcessPool:
                retry.extend(p for chunk in group for p in chunk if p not in results and p not in retry)
        if isolate:
            for p in retry:
                results[p] = _failed(p, "the reader crashed its worker process on this file", Kind.WORKER_CRASH)
                bar.update()
            break
        pending, isolate = [p for p in retry if p not in results], True
    bar.close()
    return results


def _run_dask(todo: list[Path], address: str, timeout: float, done: Callable[[list[tuple[Path, tuple]]], None] | None = None) -> dict[Path, tuple]:
    """Read files on a Dask cluster; `done` receives each file's result as it arrives (the cache is
    written as the batch goes, as with the process pool)."""
    from dask.distributed import Client, as_completed

    done = done or (lambda pairs: None)
    results: dict[Path, tuple] = {}
    with Client(address) as client:
        futures = {client.submit(read_one, str(p), timeout, pure=False): p for p in todo}
        for fut in as_completed(futures):
            p = futures[fut]
            try:
                results[p] = fut.result()
            except Exception as e:  # noqa: BLE001
                results[p] = _failed(p, f"reader error on the Dask cluster: {type(e).__name__}: {e}")
            done([(p, results[p])])
    return results


# ------------------------------------------------------------------------------------ the run


@dataclass
class IngestResult:
    out_dir: Path
    reports: pd.DataFrame
    cells: pd.DataFrame
    checks: pd.DataFrame
    read: int = 0
    cached: int = 0
    seconds: float = 0.0
    duplicates: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        from .coverage import STATUS_COLORS, coverage

        shown = coverage(self.reports, self.cells)["shown_status"].value_counts()  # no-table files apart from partial ones
        parts = ", ".join(f"{int(shown[k])} {k}" for k in STATUS_COLORS if k in shown)
        fails = int((self.checks["status"] == "fail").sum())
        return (
            f"ingested {len(self.reports)} files into {self.out_dir} in {self.seconds:.1f} s "
            f"({self.read} read, {self.cached} from cache): {parts}; {len(self.cells)} cells; {fails} failing checks"
        )


def ingest(
    raw_dir: str | Path | None = None,
    out_dir: str | Path | None = None,
    *,
    jobs: int | None = None,
    force: bool = False,
    timeout: float = 60.0,
    dask_address: str | None = None,
) -> IngestResult:
    """Read every file under raw_dir and write reports/cells/checks Parquet tables to out_dir."""
    with _few_collections():
        return _ingest(raw_dir, out_dir, jobs=jobs, force=force, timeout=timeout, dask_address=dask_address)


@contextmanager
def _few_collections():
    """The garbage collector runs less often while a corpus is assembled: the readings are
    hundreds of thousands of long-lived objects that every full collection would walk again."""
    old = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _ingest(raw_dir, out_dir, *, jobs, force, timeout, dask_address) -> IngestResult:
    t0 = time.perf_counter()
    raw_dir = Path(raw_dir or paths.RAW).resolve()
    out_dir = Path(out_dir or paths.PROCESSED).resolve()
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder not found: {raw_dir}")
    jobs = max(1, jobs or os.cpu_count() or 1)
    files = discover(raw_dir)
    manifest = read_manifest(raw_dir)
    cache = ResultCache(out_dir / "cache", code_version())

    hashes: dict[Path, str] = {}
    results: dict[Path, tuple] = {}
    for image, page in pictures_of_pages(raw_dir, files).items():  # read with their page, listed on their own
        results[image] = _failed(image, f"an image of the saved page {page} (read with it)", Kind.PART_OF_PAGE)
        results[image][0][0]["input_kind"] = "image"
    for p in files:
        if p in results:
            continue
        try:
            hashes[p] = hashlib.sha256(p.read_bytes()).hexdigest()[:32]
        except OSError as e:
            results[p] = _failed(p, f"cannot read file: {e}", Kind.CANNOT_READ)
    if not force:
        known = cache.get_many(hashes.values())
        results.update((p, known[h]) for p, h in hashes.items() if h in known)
    todo = [p for p in files if p not in results]
    n_cached = len(files) - len(todo)

    def store(pairs: list[tuple[Path, tuple]]) -> None:
        cache.put_many(
            (hashes[p], res) for p, res in pairs if p in hashes and not any(Kind.TIME_LIMIT.value in (r[0].get("problems") or ()) for r in res)
        )

    try:
        if todo and dask_address:
            results.update(_run_dask(todo, dask_address, timeout, store))
        elif todo:
            results.update(_run_pool(todo, min(jobs, len(todo)), timeout, store, meanwhile=load_division_table))
    finally:
        cache.close()

    reports, cells, checks, duplicates, problems_of, (claim_rows, finding_rows, sentences) = assemble(raw_dir, files, results, manifest)
    reports, cells, checks = finalize(reports, cells, checks, problems_of)
    write_store(out_dir, reports, cells, checks)
    write_fetches(out_dir, fetch_logs(raw_dir))
    from .audit import text_reuse, title_years

    finding_rows = finding_rows + [f.row() for f in (*text_reuse(reports, sentences), *title_years(reports))]
    write_audit(out_dir, claim_rows, finding_rows, checks, raw_dir.parent / REVIEWS_NAME)
    return IngestResult(out_dir, reports, cells, checks, len(todo), n_cached, time.perf_counter() - t0, duplicates)


def assemble(raw_dir: Path, files: list[Path], results: dict, manifest: dict):
    """Per-file results → the three tables, with provenance joined and identical files counted once
    (and each report's problems, by report_id)."""
    rows, check_rows, claim_rows, finding_rows = [], [], [], []
    sentences: dict[str, list[str]] = {}
    cell_columns: list[list] = [[] for _ in CELL_COLUMNS]
    first_path: dict[str, str] = {}
    duplicates: list[tuple[str, str]] = []
    for p, (meta, cells, checks) in ((f, r) for f in files for r in results[f]):  # a CSV holds several
        meta = dict(meta)
        rel = p.relative_to(raw_dir).as_posix()
        part = meta.pop(PART, "")
        meta["source_path"] = f"{rel}#{part}" if part else rel
        prov = manifest.get(rel, {})
        meta[PROBLEMS] = apply_manifest(meta, {**prov, "year": None} if part else prov, meta.get(PROBLEMS))  # a file of many reports has no one year
        rid = meta["report_id"]
        if rid in first_path:
            duplicates.append((first_path[rid], meta["source_path"]))
            continue
        first_path[rid] = meta["source_path"]
        claim_rows.extend(meta.pop(CLAIMS, None) or ())
        finding_rows.extend(meta.pop(FINDINGS, None) or ())
        sentences[rid] = meta.pop(SENTENCES, None) or []
        rows.append(meta)
        if cells:
            for column, values in zip(cell_columns, cells):
                column.extend(values)
        check_rows.extend(checks)
    index = {m["source_path"]: m for m in rows}
    for a, b in duplicates:
        m = index[a]
        m[PROBLEMS] = [*m.get(PROBLEMS, []), Problem(Kind.IDENTICAL_BYTES, f"identical bytes also at {b}")]
        m.update(message=message_of(m[PROBLEMS]), problems=kinds_of(m[PROBLEMS]))
    reports = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    problems_of = {m["report_id"]: m.get(PROBLEMS, []) for m in rows}  # not in DataFrame.attrs: pandas deep-copies those on every step
    reports["year"] = reports["year"].astype("Int64")
    reports["printed_year"] = reports["printed_year"].astype("Int64")
    audit_rows = (claim_rows, finding_rows, sentences)
    return reports, cells_from_columns(cell_columns), checks_frame(check_rows), duplicates, problems_of, audit_rows
