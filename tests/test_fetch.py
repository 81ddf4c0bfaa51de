"""`ogi fetch` against a local HTTP server (no internet): real saved pages (UTF-8, and re-encoded as
GBK with the charset only in a <meta> tag), a page linking a real PDF and a .doc, redirects, a
redirect loop, 404, a 500 that succeeds on the third try, a 429 with Retry-After, a stall past
the read timeout, a file over the size limit, an error page served as 200, robots.txt — every
outcome logged, sidecars written, re-fetching changes nothing, a kill leaves no partial file, and
ingest reads the fetched files with the list's agency and year."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import RAW

from ogi.fetch import Outcome, Settings, fetch, read_list
from ogi.ingest import ingest

PDF = (RAW / "2024_huaian-city_pdf.pdf").read_bytes()
UTF8_PAGE = (RAW / "2023_pingtan_page.html").read_bytes()
GBK_PAGE = (RAW / "2021_pingtan_page.html").read_text(encoding="utf-8").replace('<meta charset="utf-8"', '<meta charset="gbk"').encode("gbk", "replace")
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048  # the bytes of a (broken) binary Word file
ATTACHMENTS_PAGE = """<html><head><meta charset="utf-8"><title>淮安市人民政府2024年政府信息公开工作年度报告</title></head><body>
<h1>淮安市人民政府2024年政府信息公开工作年度报告</h1><p>全文见附件。</p>
<p><a href="/files/huaian2024.pdf">附件1：淮安市人民政府2024年政府信息公开工作年度报告.pdf</a></p>
<p><a href="/files/report.doc">附件2</a></p><p><a href="/about.html">关于我们</a></p>
<p><a href="/2023/nb.html">上一篇：2023年年度报告</a></p></body></html>""".encode()
ERROR_200 = "<html><head><title>404 页面不存在</title></head><body>您访问的页面不存在或已删除</body></html>".encode()


class Server:
    """127.0.0.1 on a free port; `hits` counts requests per path."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.etag_pdf = '"pdf-v1"'
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def send(self, status, body=b"", ctype="text/html; charset=utf-8", headers=()):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                path = self.path.split("?", 1)[0]
                n = server.hits[path] = server.hits.get(path, 0) + 1
                if path == "/robots.txt":
                    return self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
                if path == "/utf8.html":
                    return self.send(200, UTF8_PAGE, headers=[("ETag", '"utf8-v1"')])
                if path == "/gbk.html":
                    return self.send(200, GBK_PAGE, "text/html")  # the charset only in the page's <meta>
                if path == "/report.html":
                    return self.send(200, ATTACHMENTS_PAGE)
                if path == "/files/huaian2024.pdf":
                    if self.headers.get("If-None-Match") == server.etag_pdf:
                        return self.send(304, ctype="application/pdf", headers=[("ETag", server.etag_pdf)])
                    return self.send(200, PDF, "application/pdf", [("ETag", server.etag_pdf)])
                if path == "/files/report.doc":
                    return self.send(200, DOC, "application/msword")
                if path == "/r1":
                    return self.send(302, headers=[("Location", "/r2")])
                if path == "/r2":
                    return self.send(301, headers=[("Location", "/utf8.html")])
                if path in ("/loop-a", "/loop-b"):
                    return self.send(302, headers=[("Location", "/loop-b" if path == "/loop-a" else "/loop-a")])
                if path == "/flaky.html":
                    return self.send(500, b"busy") if n < 3 else self.send(200, ATTACHMENTS_PAGE.replace(b"/files/", b"/none/"))
                if path == "/busy.html":
                    return self.send(429, b"slow down", headers=[("Retry-After", "1")]) if n == 1 else self.send(200, UTF8_PAGE)
                if path == "/stall.html":
                    time.sleep(2.5)
                    return self.send(200, UTF8_PAGE)
                if path == "/big.pdf":
                    return self.send(200, b"%PDF" + b"0" * (3 * 1024 * 1024), "application/pdf")
                if path == "/error200.html":
                    return self.send(200, ERROR_200)
                if path == "/private/report.html":
                    return self.send(200, UTF8_PAGE)
                if path == "/slow.pdf":  # trickles a real PDF: ~4 s in all
                    self.send_response(200)
                    self.send_header("Content-Type", "application/pdf")
                    self.send_header("Content-Length", str(len(PDF)))
                    self.end_headers()
                    step = len(PDF) // 40
                    for i in range(0, len(PDF), step):
                        self.wfile.write(PDF[i : i + step])
                        self.wfile.flush()
                        time.sleep(0.1)
                    return None
                return self.send(404, b"<html><title>404</title></html>")

        class Quiet(ThreadingHTTPServer):
            def handle_error(self, request, client_address):  # a client that gave up (the stall, the kill): expected
                pass

        self.httpd = Quiet(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    s.close()


def _settings(out, **kw):
    return Settings(out, jobs=4, timeout=1.0, delay=0.0, max_bytes=1024 * 1024 * 2, retries=2, backoff=0.1, **kw)


LIST = [
    ("/utf8.html", "平潭综合实验区管理委员会", "2023", "UTF-8 page"),
    ("/gbk.html", "平潭综合实验区管理委员会", "2021", "GBK page"),
    ("/report.html", "淮安市人民政府", "2024", "attachments"),
    ("/r1", "平潭综合实验区管理委员会", "2023", "redirect chain"),
    ("/loop-a", "", "", "redirect loop"),
    ("/missing.html", "", "", "404"),
    ("/flaky.html", "", "", "500 twice"),
    ("/busy.html", "", "", "429"),
    ("/stall.html", "", "", "stalls"),
    ("/big.pdf", "", "", "too large"),
    ("/error200.html", "", "", "error page as 200"),
    ("/private/report.html", "", "", "robots"),
]


@pytest.fixture(scope="module")
def fetched(server, tmp_path_factory):
    root = tmp_path_factory.mktemp("fetch")
    urls = root / "urls.csv"
    with open(urls, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["url", "agency", "year", "note"])
        for path, agency, year, note in LIST:
            w.writerow([server.base + path, agency, year, note])
    out = root / "raw" / "fetched"
    summary = fetch(read_list(urls), _settings(out))
    return server, root, out, summary


def _log(out):
    with open(out / "fetch-log.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_url_and_attachment_has_its_outcome(fetched):
    server, _, out, summary = fetched
    got = {r["url"].replace(server.base, ""): (r["outcome"], r["http_status"]) for r in _log(out)}
    assert got == {
        "/utf8.html": ("saved", "200"), "/gbk.html": ("saved", "200"), "/report.html": ("saved", "200"),
        "/files/huaian2024.pdf": ("saved", "200"), "/files/report.doc": ("saved", "200"),
        "/r1": ("saved", "200"), "/loop-a": ("redirect_loop", ""), "/missing.html": ("http_error", "404"),
        "/flaky.html": ("saved", "200"), "/none/huaian2024.pdf": ("http_error", "404"), "/none/report.doc": ("http_error", "404"), "/busy.html": ("saved", "200"), "/stall.html": ("timeout", ""),
        "/big.pdf": ("too_large", "200"), "/error200.html": ("not_a_document", "200"),
        "/private/report.html": ("robots_denied", ""),
    }  # fmt: skip
    assert server.hits["/flaky.html"] == 3 and server.hits["/busy.html"] == 2  # retried, then served
    assert "/about.html" not in server.hits and "/2023/nb.html" not in server.hits  # neither the report nor its attachment
    assert "/private/report.html" not in server.hits
    assert summary.counts()["saved"] == 8
    assert str(summary).startswith("fetched 12 listed URLs and 4 attachments")


def test_sidecars_keep_the_provenance(fetched):
    server, _, out, _ = fetched
    rows = {r["url"].replace(server.base, ""): r for r in _log(out)}
    pdf = out / rows["/files/huaian2024.pdf"]["path"]
    assert pdf.read_bytes() == PDF  # the bytes as served
    meta = json.loads((pdf.parent / (pdf.name + ".meta.json")).read_text(encoding="utf-8"))
    assert meta["parent"] == server.base + "/report.html" and meta["agency"] == "淮安市人民政府" and meta["year"] == 2024
    assert meta["content_type"] == "application/pdf" and meta["size"] == len(PDF) and meta["sha256"] == rows["/files/huaian2024.pdf"]["sha256"]
    gbk = out / rows["/gbk.html"]["path"]
    assert gbk.read_bytes() == GBK_PAGE  # never re-encoded
    assert json.loads((gbk.parent / (gbk.name + ".meta.json")).read_text(encoding="utf-8"))["charset"] is None  # the server named none
    chain = json.loads((out / (rows["/r1"]["path"] + ".meta.json")).read_text(encoding="utf-8"))
    assert (chain["source_url"], chain["final_url"]) == (server.base + "/r1", server.base + "/utf8.html")


def test_fetching_again_changes_nothing(fetched):
    server, root, out, _ = fetched
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != "fetch-log.csv" and not p.name.startswith(".")}
    n_log = len(_log(out))
    again = fetch(read_list(root / "urls.csv"), _settings(out))
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != "fetch-log.csv" and not p.name.startswith(".")}
    assert after == before  # no file rewritten, none added
    rows = _log(out)[n_log:]
    assert len(rows) == n_log  # the log grows by one run; nothing lost
    outcomes = {r["url"].replace(server.base, ""): r["outcome"] for r in rows}
    assert outcomes["/files/huaian2024.pdf"] == "unchanged" and outcomes["/utf8.html"] == "unchanged"
    assert again.counts().get("saved", 0) == 0


def test_a_changed_file_is_kept_as_a_new_version(server, tmp_path):
    out = tmp_path / "fetched"
    item = read_list(_one_list(tmp_path, server.base + "/report.html"))
    fetch(item, _settings(out))
    global PDF
    old, server.etag_pdf = PDF, '"pdf-v2"'
    PDF = PDF + b"\n% revised\n"
    try:
        fetch(item, _settings(out))
    finally:
        PDF, server.etag_pdf = old, '"pdf-v1"'
    pdfs = sorted(p.name for p in (out / "files").glob("*.pdf"))
    assert len(pdfs) == 2 and any(".v2." in n for n in pdfs)
    assert {p.read_bytes() for p in (out / "files").glob("*.pdf")} == {old, old + b"\n% revised\n"}  # the old one kept as it was


def _one_list(folder, url):
    p = folder / "one.txt"
    p.write_text(f"# one report\n{url}\n", encoding="utf-8")
    return p


def test_a_killed_fetch_leaves_no_partial_file(server, tmp_path):
    out = tmp_path / "fetched"
    urls = _one_list(tmp_path, server.base + "/slow.pdf")
    proc = subprocess.Popen([sys.executable, "-m", "ogi", "fetch", str(urls), "--out", str(out), "--delay", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 20
    while time.time() < deadline and not list((out / ".partial").glob("*")):
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert [p for p in out.rglob("*") if p.is_file() and ".partial" not in p.parts and not p.name.startswith(".")] == []
    again = subprocess.run([sys.executable, "-m", "ogi", "fetch", str(urls), "--out", str(out), "--delay", "0"], capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert "1 saved" in again.stdout
    assert not list((out / ".partial").glob("*"))
    assert (out / "files" / f"127.0.0.1_{server.httpd.server_address[1]}_slow.pdf").read_bytes() == PDF


def test_ingest_reads_the_fetched_files_with_the_lists_agency_and_year(fetched, tmp_path):
    server, root, out, _ = fetched
    result = ingest(root / "raw", tmp_path / "store", jobs=2)
    reports = result.reports.set_index("source_path")
    rows = {r["url"].replace(server.base, ""): r for r in _log(out)}
    pdf = reports.loc["fetched/" + rows["/files/huaian2024.pdf"]["path"]]
    assert (pdf["status"], pdf["agency"], pdf["year"]) == ("ok", "淮安市人民政府", 2024)
    gbk = reports.loc["fetched/" + rows["/gbk.html"]["path"]]
    assert (gbk["status"], gbk["year"]) == ("ok", 2021)
    assert "fetched/fetch-log.csv" not in reports.index  # the log is a table, not an input
    from ogi.store import load_fetches

    fetches = load_fetches(tmp_path / "store")
    assert len(fetches) == len(_log(out)) and set(fetches["outcome"]) >= {o.value for o in Outcome} - {"unchanged"}
    assert fetches.loc[fetches["url"] == server.base + "/files/huaian2024.pdf", "path"].iloc[0] == pdf.name
    from ogi.batch import fetch_section

    site = "\n".join(fetch_section(tmp_path / "store"))  # the site's "Fetched" section: the URLs that gave no file
    assert "Fetched" in site and server.base + "/loop-a" in site and "robots_denied" in site and server.base + "/utf8.html<" not in site


def test_a_hundred_urls_are_all_accounted_for(server, tmp_path):
    urls = tmp_path / "100.txt"
    paths = ["/utf8.html", "/missing.html", "/error200.html", "/private/report.html"]
    urls.write_text("\n".join(f"{server.base}{paths[i % 4]}?n={i}" for i in range(100)), encoding="utf-8")
    summary = fetch(read_list(urls), _settings(tmp_path / "out"))
    assert len(summary.rows) == 100
    assert summary.counts() == {"saved": 25, "http_error": 25, "not_a_document": 25, "robots_denied": 25}
    assert len(_log(tmp_path / "out")) == 100
