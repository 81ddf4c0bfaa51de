"""Robustness of the reader on the shipped real text reports, each re-shaped the ways real copies
of a report differ (line ends, indentation, a page marker, a lost or doubled line, script,
encoding, a unit after each number): how many cells come out wrong (a number other than the one
read from the file as shipped, or blank where it prints one) and how many are lost (flagged where the original reads a value).
Wrong must stay 0; lost says where the reader gives up honestly. `make probe` writes
bench/robustness.md.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "lib"))

from ogi import paths  # noqa: E402
from ogi.report import read_bytes  # noqa: E402

FILES = sorted(p for p in paths.RAW.glob("20*") if p.suffix in (".txt", ".md") and 2019 <= int(p.name[:4]))
_NUMBER_LINE = re.compile(r"\s*[-+]?\d+\s*")


def _numeric_lines(lines: list[str]) -> list[int]:
    return [i for i, s in enumerate(lines) if _NUMBER_LINE.fullmatch(s)]


def _each_line(fn):
    """A perturbation that makes one variant per (every 5th) numeric line."""

    def variants(text: str):
        lines = text.split("\n")
        for i in _numeric_lines(lines)[::5]:
            yield fn(lines, i)

    return variants


def _once(fn):
    return lambda text: [fn(text)]


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _wrap_labels(text: str) -> str:
    """Each line of text longer than 8 characters (no digit, no pipe cell) broken in the middle,
    as a narrow page or a PDF's line breaks print long labels and headings."""
    out = []
    for s in text.split("\n"):
        if len(s.strip()) > 8 and _CJK.search(s) and "|" not in s and not re.search(r"\d", s):
            out += [s[: len(s) // 2], s[len(s) // 2 :]]
        else:
            out.append(s)
    return "\n".join(out)


def _space_in_labels(text: str) -> str:
    """A space in the middle of every short line of text (a label, a heading), as a converter
    prints a line break inside a cell."""
    out = []
    for s in text.split("\n"):
        cjk = [m.start() for m in _CJK.finditer(s)]
        if 4 <= len(cjk) <= 30 and not re.search(r"[。，；|]", s):
            out.append(s[: cjk[len(cjk) // 2]] + " " + s[cjk[len(cjk) // 2] :])
        else:
            out.append(s)
    return "\n".join(out)


def _traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


PERTURBATIONS = {
    "CRLF line ends": _once(lambda t: t.replace("\n", "\r\n")),
    "U+2028 line ends (a script's line separator)": _once(lambda t: t.replace("\n", "\u2028")),
    "line ends kept as <br> tags": _once(lambda t: t.replace("\n", "<br>")),
    "line ends kept as escapes (a literal \\n)": _once(lambda t: t.replace("\n", "\\n")),
    "every line indented by a tab": _once(lambda t: "\n".join("\t" + s for s in t.split("\n"))),
    "traditional script": _once(_traditional),
    "GB18030 encoding": _once(lambda t: t),  # encoded below
    "a bullet (• ) before every line": _once(lambda t: "\n".join("• " + s if s.strip() else s for s in t.split("\n"))),
    "lines joined into one": _once(lambda t: " ".join(s.strip() for s in t.split("\n") if s.strip())),
    "double-spaced (an empty line after every line)": _once(lambda t: "\n\n".join(t.split("\n"))),
    "every label of 9+ characters wrapped onto two lines": _once(_wrap_labels),
    "a space inside every label and heading": _once(_space_in_labels),
    "a line of page text (打印本页) inserted": _each_line(lambda ls, i: "\n".join(ls[:i] + ["打印本页"] + ls[i:])),
    "a page marker line inserted": _each_line(lambda ls, i: "\n".join(ls[:i] + ["— 4 —"] + ls[i:])),
    "a dotted page number line (·4·) inserted": _each_line(lambda ls, i: "\n".join(ls[:i] + ["·4·"] + ls[i:])),
    "a browser's print header and footer inserted (2024/1/20 10:23 …; http://…/3.htm 3/9)": _each_line(
        lambda ls, i: "\n".join(ls[:i] + ["http://www.example.gov.cn/art/2024/1/20/art_3.html 3/9", "2024/1/20 10:23 某某县2023年政府信息公开工作年度报告"] + ls[i:])
    ),
    "a running head line (— 3 — …年度报告) inserted": _each_line(lambda ls, i: "\n".join(ls[:i] + ["— 3 — 某某县2023年政府信息公开工作年度报告"] + ls[i:])),
    "a table caption line (表 3：…) inserted": _each_line(lambda ls, i: "\n".join(ls[:i] + ["表 3：收到和处理政府信息公开申请情况"] + ls[i:])),
    "a bracketed ordinal line (（3）) inserted": _each_line(lambda ls, i: "\n".join(ls[:i] + ["（3）"] + ls[i:])),
    "a footnote mark (¹ or ①) typed after a number": _each_line(lambda ls, i: "\n".join(ls[:i] + [ls[i].rstrip() + "¹①"[i % 2]] + ls[i + 1 :])),
    "件 after every bare number": _once(lambda t: "\n".join(re.sub(r"^(\d+)$", r"\1件", s.strip()) for s in t.split("\n"))),
    # these two change what the report prints: a differing cell may be the damage itself (a
    # doubled "11" is read as printed) or beyond any identity (an active row without one)
    "a numeric line lost": _each_line(lambda ls, i: "\n".join(ls[:i] + ls[i + 1 :])),
    "a numeric line doubled": _each_line(lambda ls, i: "\n".join(ls[: i + 1] + [ls[i]] + ls[i + 1 :])),
}
CHANGES_CONTENT = {"a numeric line lost", "a numeric line doubled"}


def _cells(data: bytes, name: str) -> dict:
    """(table, row, column) → (value, flag): an empty cell (`blank`) is a reading too, so a number
    read as blank is wrong, not lost."""
    return {(c[1], c[2], c[3]): (c[4], c[5]) for c in read_bytes(data, name=name).cell_rows}


def run() -> list[tuple[str, int, int, int, int, int]]:
    rows = []
    for label, make in PERTURBATIONS.items():
        cases = wrong = zero_empty = lost = read = 0
        for path in FILES:
            text = path.read_text(encoding="utf-8")
            before = _cells(text.encode("utf-8"), path.name)
            for variant in make(text):
                data = variant.encode("gb18030", errors="replace") if label == "GB18030 encoding" else variant.encode("utf-8")
                after = _cells(data, path.name)
                cases += 1
                for key, (value, flag) in before.items():
                    if flag != "value":
                        continue
                    read += 1
                    got, got_flag = after.get(key, (None, "unreadable"))
                    if got_flag == "unreadable":
                        lost += 1
                    elif got_flag != "value" and value == 0:
                        zero_empty += 1  # the same in every sum (an empty cell counts as 0), not the same cell
                    elif got != value:  # another number, or empty where one other than 0 is printed
                        wrong += 1
        rows.append((label, cases, read, wrong, zero_empty, lost))
    return rows


def main() -> int:
    rows = run()
    md = [
        "# Robustness of the reader",
        "",
        f"`make probe`: the {len(FILES)} shipped real text reports (2019 and later) re-shaped; cells compared with the file as shipped.",
        "WRONG counts another number, and an empty cell where the file prints a number other than 0;",
        "a printed 0 read as empty has a column of its own (every sum counts an empty cell as 0).",
        "Where a line is lost, the text left can be exactly that of a table with an empty cell there:",
        "a dump that drops empty cells prints a row of empty cells as its label alone, as a row whose only line was lost.",
        "",
        "| re-shaping | keeps the printed numbers | variants | cells read in the originals | WRONG | 0 read as empty | lost (flagged instead) |",
        "|---|---|---|---|---|---|---|",
    ]
    md += [
        f"| {label} | {'no' if label in CHANGES_CONTENT else 'yes'} | {cases} | {read} | {wrong} | {zero_empty} | {lost} ({lost / read:.1%}) |"
        for label, cases, read, wrong, zero_empty, lost in rows
    ]
    text = "\n".join(md) + "\n"
    (HERE / "robustness.md").write_text(text, encoding="utf-8")
    print(text)
    return 1 if any(r[3] or r[4] for r in rows if r[0] not in CHANGES_CONTENT) else 0


if __name__ == "__main__":
    sys.exit(main())
