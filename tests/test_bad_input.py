"""Bad input never raises: it gets a status and a message (and `ogi parse` a JSON line)."""

from __future__ import annotations

import json
import random
import subprocess
import sys

from conftest import RAW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ogi import read_report
from ogi.report import read_bytes

SEED = (RAW / "000_98d5d9cfaf16f11b.txt").read_bytes()
PDF = (RAW / "2024_huaian-city_pdf.pdf").read_bytes()


def _read(tmp_path, name: str, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return read_report(p)


def test_empty_file(tmp_path):
    r = _read(tmp_path, "empty.txt", b"")
    assert (r.status, r.meta["message"]) == ("failed", "empty file")


def test_binary_garbage(tmp_path):
    rnd = random.Random(7)
    r = _read(tmp_path, "garbage.txt", bytes(rnd.randrange(256) for _ in range(5000)))
    assert r.status == "failed" and "binary" in r.meta["message"]


def test_pdf_renamed_txt_is_read_as_pdf(tmp_path):
    r = _read(tmp_path, "report.txt", PDF)
    assert r.meta["input_kind"] == "pdf"
    assert r.status in ("ok", "partial", "failed")


def test_old_word_file_without_libreoffice_names_the_conversion(tmp_path, monkeypatch):
    from ogi.extract import convert

    monkeypatch.setattr(convert, "soffice", lambda: None)
    r = _read(tmp_path, "report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert r.status == "failed" and "--convert-to docx" in r.meta["message"] and r.meta["problems"] == ["unsupported"]


def test_broken_old_word_file_is_failed_with_libreoffices_reason(tmp_path):
    r = _read(tmp_path, "report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert (r.status, r.meta["input_kind"]) == ("failed", "doc") and "could not convert" in r.meta["message"]


def test_50_mb_file(tmp_path):
    r = _read(tmp_path, "huge.txt", SEED * (50 * 1024 * 1024 // len(SEED) + 1))
    assert r.status == "failed" and "too large" in r.meta["message"]


def test_page_with_no_report(tmp_path):
    page = "<html><body><h1>天气预报</h1><p>明天晴，气温 12 到 20 度。</p><table><tr><td>周一</td><td>12</td></tr></table></body></html>"
    r = _read(tmp_path, "weather.html", page.encode())
    assert r.status == "not_a_report"


def test_missing_file(tmp_path):
    r = read_report(tmp_path / "nope.txt")
    assert r.status == "failed" and "cannot read" in r.meta["message"]


def test_gb18030_and_big5_are_detected(tmp_path):
    text = SEED.decode("utf-8").replace("?", " ")
    simplified = (RAW / "2019_pingtan_github-pagetxt.txt").read_text(encoding="utf-8")
    r_gb = _read(tmp_path, "gb.txt", simplified.encode("gb18030"))
    assert r_gb.encoding.lower().replace("_", "") in ("gb18030", "gbk", "gb2312")
    assert r_gb.value("requests", "new_received", "total") == 23
    r_big5 = _read(tmp_path, "big5.txt", text.encode("big5", errors="ignore"))
    assert r_big5.encoding.lower() in ("big5", "cp950", "big5hkscs")
    assert r_big5.value("requests", "granted", "total") == 145
    r_bom = _read(tmp_path, "bom.txt", b"\xef\xbb\xbf" + SEED)
    assert r_bom.value("requests", "granted", "total") == 145


def test_utf16_pages_and_dumps_read_as_their_utf8_files_with_or_without_a_bom(tmp_path):
    """UTF-16 (Notepad's and Word's "Unicode" saving): a BOM, or none, in either byte order. A
    saved page is still HTML (its markup's ASCII has a zero byte beside each character, which the
    markup test once missed: the page read as text, 185 cells unread) and every cell reads as from
    the UTF-8 file. Zero-heavy binary data stays binary."""
    for name, kind in (("2023_pingtan_page.html", "html"), ("2019_putian-linyeju_page.txt", "text")):
        text = (RAW / name).read_text(encoding="utf-8")
        want = read_bytes(text.encode("utf-8"), name=name)
        assert want.status == "ok"
        for codec in ("utf-16", "utf-16-le", "utf-16-be"):
            got = _read(tmp_path, name, text.encode(codec))
            assert (got.meta["input_kind"], got.status, got.encoding) == (kind, "ok", codec)
            assert [c[1:] for c in got.cell_rows] == [c[1:] for c in want.cell_rows]
    rnd = random.Random(3)
    r = _read(tmp_path, "zeros.txt", bytes(rnd.choice((0, 0, rnd.randrange(256))) for _ in range(5000)))
    assert r.status == "failed" and "binary" in r.meta["message"]


def test_shuffled_rows_are_matched_by_label_not_position(tmp_path):
    lines = SEED.decode("utf-8").split("\n")
    # swap the 予以公开 and 部分公开 rows (lines 36/37) and drop the 行政查询事项 row (line 45)
    lines[35], lines[36] = lines[36], lines[35]
    del lines[44]
    r = _read(tmp_path, "shuffled.txt", "\n".join(lines).encode())
    assert r.status == "partial"
    assert "withheld_query" in r.meta["message"]
    assert r.value("requests", "partially_granted", "total") == 35
    assert r.value("requests", "unavailable_not_held", "total") == 122  # rows after the gap keep their values
    outcomes = r.checks.set_index(["check", "scope"]).loc[("requests.outcomes", "total"), "status"]
    assert outcomes == "not_assessable"  # a missing row is not counted as zero


def test_parse_cli_gives_a_line_for_every_file(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    out = subprocess.run(
        [sys.executable, "-m", "ogi", "parse", "--json", str(RAW / "000_98d5d9cfaf16f11b.txt"), str(bad), str(tmp_path / "missing.txt")],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    objs = [json.loads(line) for line in out]
    assert [o["report"]["status"] for o in objs] == ["ok", "failed", "failed"]
    assert len(objs[0]["cells"]) == 200 and len(objs[0]["checks"]) == 42
    assert set(objs[0]["cells"][0]) >= {"table", "row", "column", "value", "flag", "raw", "locator"}


# ---------------------------------------------------------------------------- property-based

CORPUS = [(RAW / n).read_bytes() for n in ("000_98d5d9cfaf16f11b.txt", "2019_pingtan_github-pagetxt.txt", "2021_pingtan_page.html")]


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(CORPUS)))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "cut", "dup", "insert", "truncate"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[i : i + draw(st.integers(1, 2000))]
        elif op == "dup":
            data[i:i] = data[i : i + draw(st.integers(1, 2000))]
        elif op == "insert":
            data[i:i] = draw(st.binary(max_size=50))
        else:
            del data[i:]
    return bytes(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_mutations_never_raise(data):
    r = read_bytes(data, name="mutant")
    assert r.status in ("ok", "partial", "failed", "not_a_report")
    assert not (r.meta["message"] or "").startswith("internal error"), r.meta["message"]
    assert set(r.cells["flag"]) <= {"value", "blank", "not_applicable", "unreadable"}
    json.loads(r.to_json())


def test_bom_followed_by_other_encoding_is_detected_not_raised(tmp_path):
    """Found by the property test: a UTF-16 BOM in front of UTF-8 text."""
    r = _read(tmp_path, "bom16.txt", b"\xfe\xff" + SEED)
    assert not (r.meta["message"] or "").startswith("internal error")
    assert r.status in ("ok", "partial", "failed")


def test_control_character_in_a_saved_page_is_a_separator_not_a_crash():
    """Found by the property test: a control character in the text after an element made lxml
    refuse to set the tail back ("All strings must be XML compatible"); the real 平潭 2021 page
    with one reads every cell as without it."""
    page = (RAW / "2021_pingtan_page.html").read_bytes()
    at = page.find(b"</p>") + len(b"</p>")
    clean = read_bytes(page, name="page.html")
    for ch in (b"\x01", b"\x1f", b"\x0c", b"\xef\xbf\xbf"):  # (a NUL makes the file binary)
        damaged = read_bytes(page[:at] + ch + page[at:], name="page.html")
        assert damaged.status == "ok", damaged.meta["message"]
        assert damaged.cells["value"].equals(clean.cells["value"])
