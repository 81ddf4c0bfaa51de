"""Text-layer PDFs at full speed: characters with their boxes and the ruling lines from pypdfium2
(PDFium, C), the table grid found by pdfplumber's TableFinder run on those lines only. No page
is parsed twice and no Python PDF parser runs: about ten times faster than pdfplumber alone."""

from __future__ import annotations

import ctypes
import itertools
from operator import itemgetter
from typing import NamedTuple

from .tokens import PAGE_NUMBER, Token, cell_tokens, row_break

LINE_GAP = 3.0  # points: characters whose tops differ by less stand on one line (pdfplumber's y_tolerance)
WORD_GAP = 3.0  # points: a wider gap between characters of a line is a space (pdfplumber's x_tolerance)
STRAIGHT = 1.0  # points: a segment this close to horizontal or vertical is a ruling line


class Char(NamedTuple):  # a tuple: a page has a thousand of them, made in the hottest loop
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


def _chars(page, height: float) -> list[Char]:
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    out = []
    box = raw.FS_RECTF()  # the loose box: font ascent to descent, advance width — as pdfplumber measures
    try:
        n = textpage.count_chars()
        if n <= 0:
            return out
        units = (ctypes.c_ushort * (n + 1))()  # the page's text in one call: one UTF-16 unit per character index
        raw.FPDFText_GetText(textpage.raw, 0, n, units)
        loose = raw.FPDFText_GetLooseCharBox
        tp = textpage.raw
        for i in range(n):
            code = units[i]
            if code in (0, 0xFFFE, 0xFFFF) or 0xD800 <= code < 0xE000:  # generated, or half of a pair
                if 0xD800 <= code < 0xDC00:
                    code = raw.FPDFText_GetUnicode(tp, i)  # outside the BMP: ask for the whole code point
                else:
                    continue
            ch = chr(code)
            if ch.isspace():  # PDFium's generated characters are spaces and breaks
                continue
            loose(tp, i, box)
            out.append(Char(ch, box.left, height - box.top, box.right, height - box.bottom))
    finally:
        textpage.close()
    return out


def _edges(page, height: float) -> list[dict]:
    """Every straight segment of the page's paths, as pdfplumber edges (top-left origin)."""
    import pypdfium2.raw as raw

    edges = []
    x, y = ctypes.c_float(), ctypes.c_float()
    px, py = ctypes.byref(x), ctypes.byref(y)
    matrix = raw.FS_MATRIX()
    get_segment, get_point, get_type, get_close = raw.FPDFPath_GetPathSegment, raw.FPDFPathSegment_GetPoint, raw.FPDFPathSegment_GetType, raw.FPDFPathSegment_GetClose
    moveto, lineto = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO
    for k in range(raw.FPDFPage_CountObjects(page.raw)):  # the raw API: no wrapper object per text run
        obj = raw.FPDFPage_GetObject(page.raw, k)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_PATH or not raw.FPDFPageObj_GetMatrix(obj, matrix):
            continue
        a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
        prev, start = None, None
        for i in range(raw.FPDFPath_CountSegments(obj)):
            seg = get_segment(obj, i)
            get_point(seg, px, py)
            xv, yv = x.value, y.value
            p = (a * xv + c * yv + e, height - (b * xv + d * yv + f))
            kind = get_type(seg)
            if kind == moveto:
                start = p
            elif prev is not None and kind == lineto:
                edges.append(_edge(prev, p))
            if get_close(seg) and start is not None:
                edges.append(_edge(p, start))
            prev = p
    return [e for e in edges if e is not None]


def _edge(p, q) -> dict | None:
    (x0, y0), (x1, y1) = p, q
    if abs(y0 - y1) <= STRAIGHT and abs(x1 - x0) > STRAIGHT:
        left, right = sorted((x0, x1))
        return {"x0": left, "x1": right, "top": y0, "bottom": y0, "width": right - left, "height": 0.0, "orientation": "h", "object_type": "line"}
    if abs(x0 - x1) <= STRAIGHT and abs(y1 - y0) > STRAIGHT:
        top, bottom = sorted((y0, y1))
        return {"x0": x0, "x1": x0, "top": top, "bottom": bottom, "width": 0.0, "height": bottom - top, "orientation": "v", "object_type": "line"}
    return None


_BY_TOP = itemgetter(2, 1)  # Char: (text, x0, top, x1, bottom)
_BY_X0 = itemgetter(1)


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines by their tops, each line in reading order."""
    if not chars:
        return []
    ordered = sorted(chars, key=_BY_TOP)
    lines: list[list[Char]] = []
    line, top = [ordered[0]], ordered[0].top
    for ch in ordered[1:]:
        if abs(ch.top - top) <= LINE_GAP:
            line.append(ch)
        else:
            lines.append(line)
            line, top = [ch], ch.top
    lines.append(line)
    return [sorted(ln, key=_BY_X0) if len(ln) > 1 else ln for ln in lines]


def _text(line: list[Char]) -> str:
    if len(line) == 1:
        return line[0].text
    out = [line[0].text]
    prev = line[0]
    for ch in line[1:]:
        if ch.x0 - prev.x1 > WORD_GAP:
            out.append(" ")
        out.append(ch.text)
        prev = ch
    return "".join(out)


def _cells(intersections: dict) -> list[tuple]:
    """The rectangles the ruling lines close: pdfplumber's intersections_to_cells, with the
    edges of each point as integer sets and the points indexed by column and row (the library's
    version hashes edge boxes on every comparison and dominated the page's time)."""
    ids: dict[tuple, int] = {}

    def key(e: dict) -> int:  # an edge is its box, as in pdfplumber's edge_connects
        return ids.setdefault((e["x0"], e["top"], e["x1"], e["bottom"]), len(ids))

    hs = {pt: {key(e) for e in edges["h"]} for pt, edges in intersections.items()}
    vs = {pt: {key(e) for e in edges["v"]} for pt, edges in intersections.items()}
    by_x: dict[float, list] = {}
    by_y: dict[float, list] = {}
    at: dict[tuple, tuple[int, int]] = {}  # a point's place in its column (by y) and in its row (by x)
    order = sorted(intersections)
    for pt in order:
        col, row = by_x.setdefault(pt[0], []), by_y.setdefault(pt[1], [])
        at[pt] = (len(col), len(row))
        col.append(pt)
        row.append(pt)
    cells = []
    for pt in order:
        # in the order the library visits them; the first corner found ends the search
        vp, hp = vs[pt], hs[pt]
        i, j = at[pt]
        right = None
        found = None
        for b in by_x[pt[0]][i + 1 :]:
            if not vp & vs[b]:
                continue
            if right is None:
                right = [q for q in by_y[pt[1]][j + 1 :] if hp & hs[q]]
                if not right:
                    break
            for r in right:
                corner = (r[0], b[1])
                if corner in hs and vs[corner] & vs[r] and hs[corner] & hs[b]:
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _tables(edges: list[dict], width: float, height: float) -> list:
    """pdfplumber Tables (cells and rows) from the page's ruling lines, as its default "lines" strategy finds them."""
    from pdfplumber.table import Table, TableSettings, edges_to_intersections
    from pdfplumber.utils import filter_edges

    st = TableSettings.resolve(None)
    edges = filter_edges(edges, min_length=st.edge_min_length_prefilter)
    edges = _merge_edges(edges, st.snap_x_tolerance, st.snap_y_tolerance, st.join_x_tolerance, st.join_y_tolerance)
    edges = filter_edges(edges, min_length=st.edge_min_length)
    points = edges_to_intersections(edges, st.intersection_x_tolerance, st.intersection_y_tolerance)
    return [Table(None, group) for group in _cells_to_tables(_cells(points))]


def _snap(edges: list[dict], attr: str, tolerance: float) -> list[dict]:
    """pdfplumber's snap_objects for edges, with its arithmetic (a position moves by avg − itself)
    so the coordinates come out bit for bit the same: clusters of positions chained within
    tolerance, each edge moved to the mean position of its cluster's edges."""
    if not edges:
        return []
    values = sorted({e[attr] for e in edges})
    cluster_of, k, last = {}, 0, values[0]
    for v in values:
        if v > last + tolerance:
            k += 1
        cluster_of[v] = k
        last = v
    clusters: dict[int, list[dict]] = {}
    for e in sorted(edges, key=lambda e: cluster_of[e[attr]]):  # stable, as the library's sort
        clusters.setdefault(cluster_of[e[attr]], []).append(e)
    lo, hi = ("x0", "x1") if attr == "x0" else ("top", "bottom")
    out = []
    for group in clusters.values():
        avg = sum(e[attr] for e in group) / len(group)
        for e in group:
            d = avg - e[attr]
            out.append({**e, lo: e[lo] + d, hi: e[hi] + d})
    return out


def _merge_edges(edges: list[dict], snap_x: float, snap_y: float, join_x: float, join_y: float) -> list[dict]:
    """pdfplumber's merge_edges (snap, then join collinear edges closer than the tolerance), without
    its per-edge object copies; the same edges in the same order."""
    vs = [e for e in edges if e["orientation"] == "v"]
    hs = [e for e in edges if e["orientation"] == "h"]
    snapped = (_snap(vs, "x0", snap_x) if snap_x > 0 or snap_y > 0 else vs) + (_snap(hs, "top", snap_y) if snap_x > 0 or snap_y > 0 else hs)
    group = lambda e: ("h", e["top"]) if e["orientation"] == "h" else ("v", e["x0"])  # noqa: E731
    out: list[dict] = []
    for (orientation, _pos), items in itertools.groupby(sorted(snapped, key=group), key=group):
        lo, hi, size, tol = ("x0", "x1", "width", join_x) if orientation == "h" else ("top", "bottom", "height", join_y)
        run = sorted(items, key=itemgetter(lo))
        joined = [run[0]]
        for e in run[1:]:
            last = joined[-1]
            if e[lo] <= last[hi] + tol:
                if e[hi] > last[hi]:
                    diff = e[hi] - last[hi]
                    joined[-1] = {**last, hi: e[hi], size: (e[hi] - last[lo]) if orientation == "h" else last[size] + diff}
            else:
                joined.append(e)
        out += joined
    return out


def _cells_to_tables(cells: list[tuple]) -> list[list[tuple]]:
    """pdfplumber's cells_to_tables — cells that share a corner, transitively, are one table;
    tables top to bottom, single cells dropped — by union-find over the corners instead of the
    library's repeated passes over every remaining cell."""
    parent = list(range(len(cells)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple, int] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            j = owner.setdefault(corner, i)
            if j != i:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[int, list[tuple]] = {}
    for i, cell in enumerate(cells):
        groups.setdefault(find(i), []).append(cell)
    tables = sorted(groups.values(), key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def page_tokens(page, p_no: int, table_no: int, start: int) -> tuple[list[Token], str, int, int]:
    """(tokens, plain text, tables so far, characters) of one page."""
    from pdfplumber.table import Table

    width, height = page.get_size()
    chars = _chars(page, height)
    edges = _edges(page, height)
    tables = _tables(edges, width, height) if edges else []
    boxes = [(t.bbox, t.cells) for t in tables]  # Table.bbox is recomputed on every access
    cell_of: dict[tuple, list[Char]] = {}
    outside = []
    last = None  # characters come in reading order: most fall in the cell of the one before
    for ch in chars:
        _, cx0, ctop, cx1, cbottom = ch
        cx, cy = (cx0 + cx1) / 2, (ctop + cbottom) / 2
        if last is not None and last[0] <= cx <= last[2] and last[1] <= cy <= last[3]:
            cell_of[last].append(ch)
            continue
        for (x0, top, x1, bottom), cells in boxes:
            if x0 <= cx <= x1 and top <= cy <= bottom:
                for cell in cells:
                    if cell[0] <= cx <= cell[2] and cell[1] <= cy <= cell[3]:
                        cell_of.setdefault(cell, []).append(ch)
                        last = cell
                        break
                break
        else:
            outside.append(ch)
    items = [(line[0].top, "line", line) for line in _lines(outside)] + [(t.bbox[1], "table", t) for t in tables]
    tokens: list[Token] = []
    line_no = 0
    for _, kind, obj in sorted(items, key=lambda it: it[0]):
        if kind == "line":
            line_no += 1
            text = _text(obj)
            if not PAGE_NUMBER.match(text):
                tokens.extend(cell_tokens(text, f"page {p_no} line {line_no}"))
            continue
        table_no += 1
        for r, row in enumerate(Table(None, obj.cells).rows, start=1):
            tokens.append(row_break(f"page {p_no} table {table_no} row {r}"))
            for c, cell in enumerate(row.cells, start=1):
                if cell is None:
                    continue  # covered by a merged cell, emitted at its origin
                text = "\n".join(_text(line) for line in _lines(cell_of.get(cell, [])))
                tokens.extend(cell_tokens(text, f"page {p_no} table {table_no} row {r} col {c}", start + len(tokens)))
    plain = "\n".join(_text(line) for line in _lines(chars))
    return tokens, plain, table_no, len(chars)


class TooManyPages(Exception):
    def __init__(self, pages: int) -> None:
        super().__init__(f"{pages} pages")
        self.pages = pages


MIN_PAGE_CHARS = 20  # a page with fewer characters and an image on it is a scan


def _has_image(page) -> bool:
    import pypdfium2.raw as raw

    return any(raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(page.raw, k)) == raw.FPDF_PAGEOBJ_IMAGE for k in range(raw.FPDFPage_CountObjects(page.raw)))


def extract_pdf_fast(data: bytes, max_pages: int, use_ocr: bool | None = None):
    """(tokens, plain text, characters, Scan) of a PDF read with PDFium; pages that are pictures
    are read by OCR (extract/ocr.py) when it is installed, else listed in Scan.unread. Raises
    TooManyPages, or PDFium's own error when it cannot open the file (the caller then asks
    pdfplumber why)."""
    import pypdfium2 as pdfium

    from . import ocr

    if use_ocr is None:
        use_ocr = ocr.available()
    pdf = pdfium.PdfDocument(data)
    scan = ocr.Scan([], {}, [])
    try:
        if len(pdf) > max_pages:
            raise TooManyPages(len(pdf))
        tokens: list[Token] = []
        plain: list[str] = []
        n_chars = table_no = 0
        for p_no in range(1, len(pdf) + 1):
            page = pdf[p_no - 1]
            try:
                toks, text, tables_after, n = page_tokens(page, p_no, table_no, len(tokens))
                if n < MIN_PAGE_CHARS and _has_image(page):
                    if use_ocr:
                        scanned = ocr.page_tokens(ocr.render(page), p_no, table_no, len(tokens))
                        toks, text, tables_after = scanned.tokens, scanned.plain, scanned.tables
                        n = len(text.replace(" ", "").replace("\n", ""))
                        scan.merge(p_no, scanned)
                    else:
                        scan.unread.append(p_no)
                table_no = tables_after
            finally:
                page.close()
            tokens += toks
            plain.append(text)
            n_chars += n
    finally:
        pdf.close()
    return tokens, "\n".join(plain), n_chars, scan
