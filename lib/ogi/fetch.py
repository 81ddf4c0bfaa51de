"""`ogi fetch`: a list of report URLs → a raw folder the reader can ingest, with provenance.

The only part of the project that uses the network. For each listed URL the bytes are saved as
served (never re-encoded) with a sidecar `FILE.meta.json` (source and final URL, parent page,
HTTP status, content type and charset, time, size, sha256, and the list's agency and year — which
the reader then takes, as from SOURCES.csv). A page's attachments that look like the report (link
text or file name with 年度报告/年报/工作报告, or a document extension) are fetched too. Every
URL and attachment gets a row in `<out>/fetch-log.csv` (appended on every run).

Polite: one request at a time per host (`per_host`), a delay between them, robots.txt obeyed, an
honest User-Agent, retries with exponential back-off on timeouts, 429 (Retry-After) and 5xx
(urllib3's Retry), a size limit per file. Re-running is cheap: conditional requests (ETag /
Last-Modified) and content hashes, so an unchanged file is not rewritten and a changed one is kept
beside the old as a new version. Bytes stream into `<out>/.partial/` and are renamed into place
when complete, so an interrupted fetch leaves no half-written file.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import StrEnum
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from . import __version__

USER_AGENT = f"ogi-fetch/{__version__} (+https://github.com/ogi-reports; open-government report research; one request at a time per host)"
LOG_NAME = "fetch-log.csv"
LOG_COLUMNS = ["url", "final_url", "parent", "outcome", "http_status", "path", "sha256", "fetched_at", "detail"]
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et")
REPORT_WORDS = re.compile(r"年度报告|年报|工作报告|年度報告|年報")
PAGE_WORDS = re.compile(r"政府信息公开|政務公開|信息公开|年度报告|年报|工作报告|年度報告|年報")
ERROR_PAGE = re.compile(r"404|not found|页面不存在|页面未找到|找不到|访问出错|错误页面|无法访问|已删除|出错了", re.I)
MAX_REDIRECTS = 10
HTML_TYPES = ("text/html", "application/xhtml+xml")


class Outcome(StrEnum):
    SAVED = "saved"
    UNCHANGED = "unchanged"
    HTTP_ERROR = "http_error"
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    NOT_A_DOCUMENT = "not_a_document"
    ROBOTS_DENIED = "robots_denied"
    REDIRECT_LOOP = "redirect_loop"


@dataclass(frozen=True)
class Listed:
    """One line of the list: the URL and what the researcher knows about it."""

    url: str
    agency: str | None = None
    year: int | None = None
    note: str | None = None


@dataclass
class Settings:
    out: Path
    jobs: int = 4
    timeout: float = 30.0  # seconds per request (connect and read)
    delay: float = 1.0  # seconds between two requests to one host
    max_bytes: int = 100 * 1024 * 1024
    per_host: int = 1
    retries: int = 3
    backoff: float = 0.5  # seconds: 0.5, 1, 2 … between retries


@dataclass
class Row:
    url: str
    outcome: Outcome
    final_url: str = ""
    parent: str = ""
    http_status: int | None = None
    path: str = ""
    sha256: str = ""
    fetched_at: str = ""
    detail: str = ""

    def as_csv(self) -> dict:
        return {"url": self.url, "final_url": self.final_url, "parent": self.parent, "outcome": self.outcome.value,
                "http_status": "" if self.http_status is None else self.http_status, "path": self.path, "sha256": self.sha256,
                "fetched_at": self.fetched_at, "detail": self.detail}  # fmt: skip


@dataclass
class Summary:
    rows: list[Row] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.rows:
            out[r.outcome.value] = out.get(r.outcome.value, 0) + 1
        return out

    def __str__(self) -> str:
        listed = sum(1 for r in self.rows if not r.parent)
        parts = ", ".join(f"{n} {k}" for k, n in sorted(self.counts().items()))
        return f"fetched {listed} listed URLs and {len(self.rows) - listed} attachments: {parts}"


def read_list(path: str | Path) -> list[Listed]:
    """A text file (one URL a line; `#` comments) or a CSV with a `url` column (and optionally
    `agency`, `year`, `note`)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    if path.suffix.lower() == ".csv" or re.match(r"^\s*url\s*,", first, re.I):
        out = []
        for row in csv.DictReader(text.splitlines()):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            if row.get("url"):
                year = re.fullmatch(r"((?:19|20)\d\d)年?", row.get("year", ""))
                out.append(Listed(row["url"], row.get("agency") or None, int(year.group(1)) if year else None, row.get("note") or None))
        return out
    return [Listed(line.strip()) for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _session(settings: Settings):
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    retry = Retry(
        total=settings.retries, connect=settings.retries, read=settings.retries, status=settings.retries, redirect=False,
        backoff_factor=settings.backoff, status_forcelist=(429, 500, 502, 503, 504), allowed_methods=("GET", "HEAD"),
        respect_retry_after_header=True, raise_on_status=False,
    )  # fmt: skip
    s = requests.Session()
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=max(4, settings.jobs))
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    s.headers["User-Agent"] = USER_AGENT
    s.max_redirects = MAX_REDIRECTS
    return s


class _Hosts:
    """One gate per host: at most `per_host` requests at once, `delay` seconds between starts."""

    def __init__(self, per_host: int, delay: float) -> None:
        self.per_host, self.delay = per_host, delay
        self._lock = threading.Lock()
        self._gates: dict[str, tuple[threading.Semaphore, list[float]]] = {}

    def gate(self, host: str):
        with self._lock:
            if host not in self._gates:
                self._gates[host] = (threading.Semaphore(self.per_host), [0.0])
            return self._gates[host]

    def request(self, url: str, fn: Callable):
        sem, last = self.gate(urlsplit(url).netloc)
        with sem:
            wait = last[0] + self.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                return fn()
            finally:
                last[0] = time.monotonic()


class Fetcher:
    def __init__(self, settings: Settings) -> None:
        self.s = settings
        self.out = Path(settings.out)
        self.partial = self.out / ".partial"
        self.session = _session(settings)
        self.hosts = _Hosts(settings.per_host, settings.delay)
        self._robots: dict[str, RobotFileParser | None] = {}
        self._robots_lock = threading.Lock()
        self._log_lock = threading.Lock()
        self._names_lock = threading.Lock()
        self._taken: set[Path] = set()
        self.state = _State(self.out)

    # ------------------------------------------------------------------ the network
    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:
            if root not in self._robots:
                parser = RobotFileParser()
                try:
                    r = self.hosts.request(root, lambda: self.session.get(root + "/robots.txt", timeout=self.s.timeout))
                    if r.status_code >= 400:
                        parser = None  # no robots.txt: everything is allowed
                    else:
                        parser.parse(r.text.splitlines())
                except Exception:  # noqa: BLE001 — an unreachable robots.txt forbids nothing
                    parser = None
                self._robots[root] = parser
            parser = self._robots[root]
        return parser is None or parser.can_fetch(USER_AGENT, url)

    def get(self, url: str, headers: dict):
        import requests

        def go():
            return self.session.get(url, headers=headers, timeout=(self.s.timeout, self.s.timeout), stream=True)

        try:
            return self.hosts.request(url, go), None
        except requests.exceptions.TooManyRedirects as e:
            return None, (Outcome.REDIRECT_LOOP, f"more than {MAX_REDIRECTS} redirects: {e}")
        except (requests.exceptions.Timeout, requests.exceptions.ConnectionError) as e:
            if _timed_out(e):
                return None, (Outcome.TIMEOUT, f"no answer within {self.s.timeout:g} s after {self.s.retries} retries")
            return None, (Outcome.HTTP_ERROR, f"cannot connect: {type(e).__name__}")
        except requests.exceptions.RequestException as e:
            return None, (Outcome.HTTP_ERROR, f"{type(e).__name__}: {e}")

    # ------------------------------------------------------------------ one URL
    def fetch(self, item: Listed, parent: str = "", link_text: str = "") -> list[Row]:
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        row = Row(item.url, Outcome.HTTP_ERROR, parent=parent, fetched_at=now)
        if not self.allowed(item.url):
            row.outcome, row.detail = Outcome.ROBOTS_DENIED, "robots.txt disallows this path for our User-Agent"
            return [row]
        known = self.state.latest(item.url)
        headers = {}
        if known:
            if known.get("etag"):
                headers["If-None-Match"] = known["etag"]
            if known.get("last_modified"):
                headers["If-Modified-Since"] = known["last_modified"]
        response, failure = self.get(item.url, headers)
        if failure:
            row.outcome, row.detail = failure
            return [row]
        with response:
            row.final_url, row.http_status = response.url, response.status_code
            if response.status_code == 304 and known:
                row.outcome, row.path, row.sha256, row.detail = Outcome.UNCHANGED, known["path"], known["sha256"], "304 Not Modified"
                return [row, *self._attachments_again(known, item)]
            if response.status_code >= 400:
                row.outcome, row.detail = Outcome.HTTP_ERROR, f"HTTP {response.status_code} {response.reason}"
                return [row]
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > self.s.max_bytes:
                row.outcome, row.detail = Outcome.TOO_LARGE, f"{declared} bytes announced, more than {self.s.max_bytes}"
                return [row]
            tmp, size, digest, failure = self._stream(response)
        if failure:
            row.outcome, row.detail = failure
            return [row]
        ctype, charset = _content_type(response.headers.get("Content-Type", ""))
        data_head = tmp.read_bytes()[:200_000]
        is_html = ctype in HTML_TYPES or (not ctype and b"<html" in data_head[:2000].lower())
        name = _file_name(response.url, ctype, response.headers.get("Content-Disposition", ""))
        if is_html and not parent and not _looks_like_report_page(tmp.read_bytes()):
            tmp.unlink()
            row.outcome, row.detail = Outcome.NOT_A_DOCUMENT, "an HTML page without report wording or attachments (an error page served as 200?)"
            return [row]
        if parent and is_html and Path(name).suffix.lower() in DOCUMENT_EXTENSIONS:
            tmp.unlink()
            row.outcome, row.detail = Outcome.NOT_A_DOCUMENT, f"the link names a {Path(name).suffix} file but the server sent an HTML page"
            return [row]
        row.sha256 = digest
        if known and known["sha256"] == digest:
            tmp.unlink()
            row.outcome, row.path, row.detail = Outcome.UNCHANGED, known["path"], "same content as before"
            self.state.record(item.url, {**known, **_validators(response)})
            return [row, *self._attachments_again(known, item)]
        path = self._place(name)
        os.replace(tmp, path)
        rel = path.relative_to(self.out).as_posix()
        meta = {"source_url": item.url, "final_url": response.url, "parent": parent or None, "http_status": response.status_code,
                "content_type": ctype or None, "charset": charset, "fetched_at": now, "size": size, "sha256": digest,
                "link_text": link_text or None, "note": item.note}  # fmt: skip
        if item.agency:
            meta["agency"] = item.agency
        if item.year:
            meta["year"] = item.year
        _write_json(Path(str(path) + ".meta.json"), meta)
        row.outcome, row.path = Outcome.SAVED, rel
        if known:
            row.detail = f"changed since {known['path']}: kept as a new version"
        rows = [row]
        children = []
        if is_html and not parent:
            for link, text in _report_links(path.read_bytes(), response.url, charset):
                children.append(link)
                rows += self.fetch(Listed(link, item.agency, item.year, item.note), parent=item.url, link_text=text)
        self.state.record(item.url, {"path": rel, "sha256": digest, "attachments": children, **_validators(response)})
        return rows

    def _attachments_again(self, known: dict, item: Listed) -> list[Row]:
        """An unchanged page's attachments are checked again (they may have changed alone)."""
        return [r for link in known.get("attachments", []) for r in self.fetch(Listed(link, item.agency, item.year, item.note), parent=item.url)]

    def _stream(self, response):
        """The body into .partial/, within the size limit: (path, size, sha256, failure)."""
        import requests

        self.partial.mkdir(parents=True, exist_ok=True)
        tmp = self.partial / f"{os.getpid()}-{threading.get_ident()}-{time.monotonic_ns()}"
        h = hashlib.sha256()
        size = 0
        try:
            with open(tmp, "wb") as f:
                for chunk in response.iter_content(65536):
                    size += len(chunk)
                    if size > self.s.max_bytes:
                        f.close()
                        tmp.unlink()
                        return None, size, "", (Outcome.TOO_LARGE, f"more than {self.s.max_bytes} bytes")
                    h.update(chunk)
                    f.write(chunk)
        except (requests.exceptions.RequestException, OSError) as e:
            tmp.unlink(missing_ok=True)
            if _timed_out(e):
                return None, size, "", (Outcome.TIMEOUT, f"the body stalled for more than {self.s.timeout:g} s")
            return None, size, "", (Outcome.HTTP_ERROR, f"download broke off: {type(e).__name__}")
        return tmp, size, h.hexdigest(), None

    def _place(self, name: str) -> Path:
        """A free path for new content: the served name, or `name.v2.ext`, … beside an older
        version (held in memory until the caller has renamed the bytes into place)."""
        with self._names_lock:
            folder = self.out / "files"
            folder.mkdir(parents=True, exist_ok=True)
            stem, suffix = Path(name).stem or "report", Path(name).suffix
            path, n = folder / f"{stem}{suffix}", 1
            while path.exists() or path in self._taken:
                n += 1
                path = folder / f"{stem}.v{n}{suffix}"
            self._taken.add(path)
        return path

    # ------------------------------------------------------------------ the log
    def log(self, rows: list[Row]) -> None:
        path = self.out / LOG_NAME
        with self._log_lock:
            new = not path.exists()
            with open(path, "a", encoding="utf-8", newline="") as f:
                w = csv.DictWriter(f, fieldnames=LOG_COLUMNS)
                if new:
                    w.writeheader()
                for r in rows:
                    w.writerow(r.as_csv())
                f.flush()
                os.fsync(f.fileno())


def _timed_out(e: BaseException) -> bool:
    """A timeout, by the exception's type along its causes (requests wraps urllib3's errors,
    whose `reason` holds the socket's): never by the wording of its message."""
    import socket

    import requests
    from urllib3.exceptions import ConnectTimeoutError, ReadTimeoutError

    seen = 0
    while e is not None and seen < 8:
        if isinstance(e, (requests.exceptions.Timeout, ReadTimeoutError, ConnectTimeoutError, socket.timeout, TimeoutError)):
            return True
        inner = e.args[0] if e.args and isinstance(e.args[0], BaseException) else None
        e = getattr(e, "reason", None) if isinstance(getattr(e, "reason", None), BaseException) else (inner or e.__cause__ or e.__context__)
        seen += 1
    return False


class _State:
    """url → the latest version fetched (path, sha256, ETag, Last-Modified, attachments), in
    `<out>/.fetch-state.json`, rewritten atomically."""

    def __init__(self, out: Path) -> None:
        self.path = out / ".fetch-state.json"
        self._lock = threading.Lock()
        try:
            self.data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}

    def latest(self, url: str) -> dict | None:
        known = self.data.get(url)
        if known and not (self.path.parent / known["path"]).exists():
            return None  # the file was removed: fetch it again
        return known

    def record(self, url: str, entry: dict) -> None:
        with self._lock:
            self.data[url] = entry
            _write_json(self.path, self.data)


def _write_json(path: Path, data) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _validators(response) -> dict:
    return {"etag": response.headers.get("ETag"), "last_modified": response.headers.get("Last-Modified")}


def _content_type(value: str) -> tuple[str, str | None]:
    parts = [p.strip() for p in value.split(";")]
    charset = next((p.split("=", 1)[1].strip("\"' ") for p in parts[1:] if p.lower().startswith("charset=")), None)
    return parts[0].lower(), charset


_EXT_OF_TYPE = {"text/html": ".html", "application/xhtml+xml": ".html", "application/pdf": ".pdf", "application/msword": ".doc",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
                "application/vnd.ms-excel": ".xls", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
                "text/plain": ".txt"}  # fmt: skip


def _file_name(url: str, ctype: str, disposition: str) -> str:
    """The name the server gives (Content-Disposition), else the URL's last segment, with an
    extension from the content type when it has none; never a path."""
    m = re.search(r"filename\*=(?:UTF-8'')?([^;]+)|filename=\"?([^\";]+)", disposition, re.I)
    name = unquote((m.group(1) or m.group(2)).strip()) if m else unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", name).strip(". ") or "index"
    if not Path(name).suffix and ctype in _EXT_OF_TYPE:
        name += _EXT_OF_TYPE[ctype]
    host = re.sub(r"[^\w.-]", "_", urlsplit(url).netloc)
    return f"{host}_{name}"[:180]


def _decode_page(data: bytes, charset: str | None) -> str:
    from .normalize import DecodeError, decode

    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return decode(data)[0]
    except DecodeError:
        return data.decode("utf-8", "replace")


def _looks_like_report_page(data: bytes) -> bool:
    text = _decode_page(data[:400_000], None)
    title = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
    if title and ERROR_PAGE.search(title.group(1)) and not PAGE_WORDS.search(title.group(1)):
        return False
    body = re.sub(r"<[^>]+>", " ", text)
    return bool(PAGE_WORDS.search(body)) or bool(_report_links(data, "http://x/", None))


PAGE_SUFFIXES = (".htm", ".html", ".shtml", ".xhtml", ".jsp", ".php", ".asp", ".aspx")


def _report_links(data: bytes, base: str, charset: str | None) -> list[tuple[str, str]]:
    """Attachments that look like the report, in page order, each once: a document extension in
    the URL or the link text (`附件：2023年度报告.pdf`), or 年度报告/年报/工作报告 in the link text
    or file name of a link that is not another web page (a page's neighbours — 上一篇：2022年年报 —
    are other reports, not this one's attachments)."""
    text = _decode_page(data, charset)
    out, seen = [], set()
    for m in re.finditer(r"""<a\b[^>]*?\bhref\s*=\s*["']?([^"'\s>]+)["']?[^>]*>(.*?)</a>""", text, re.I | re.S):
        href, label = m.group(1), re.sub(r"<[^>]+>|\s+", "", m.group(2))
        if href.startswith(("#", "javascript:", "mailto:")):
            continue
        url = urljoin(base, href)
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        suffix = Path(name).suffix.lower()
        document = suffix in DOCUMENT_EXTENSIONS or label.lower().endswith(DOCUMENT_EXTENSIONS)
        worded = bool(REPORT_WORDS.search(label + name)) and suffix not in PAGE_SUFFIXES and suffix != ""
        if (document or worded) and url not in seen:
            seen.add(url)
            out.append((url, label))
    return out


def fetch(items: list[Listed], settings: Settings, progress: bool | None = None) -> Summary:
    """Fetch every listed URL (hosts in parallel, one request at a time per host), log each row."""
    import shutil

    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / ".partial", ignore_errors=True)  # what an interrupted run left: never a file
    fetcher = Fetcher(settings)
    summary = Summary()
    show = progress if progress is not None else _terminal()
    bar = None
    if show:
        from tqdm import tqdm

        bar = tqdm(total=len(items), unit="url", desc="fetch")

    def one(item: Listed) -> list[Row]:
        try:
            rows = fetcher.fetch(item)
        except Exception as e:  # noqa: BLE001 — one URL never sinks the list
            rows = [Row(item.url, Outcome.HTTP_ERROR, fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), detail=f"{type(e).__name__}: {e}")]
        fetcher.log(rows)
        if bar is not None:
            bar.update(1)
        return rows

    with ThreadPoolExecutor(max_workers=max(1, settings.jobs)) as pool:
        for rows in pool.map(one, items):
            summary.rows += rows
    if bar is not None:
        bar.close()
    return summary


def _terminal() -> bool:
    import sys

    return sys.stderr.isatty() and not os.environ.get("CI")
