"""Text-layer PDFs at full speed: characters with their boxes and the ruling lines from pypdfium2
(PDFium, C), the table grid found by pdfplumber's TableFinder run on those lines only. No page
is parsed twice and no Python PDF parser runs: about ten times faster than pdfplumber alone."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

from .tokens import PAGE_NUMBER, Token, cell_tokens

LINE_GAP = 3.0  # points: characters whose tops differ by less stand on one line (pdfplumber's y_tolerance)
WORD_GAP = 3.0  # points: a wider gap between characters of a line is a space (pdfplumber's x_tolerance)
STRAIGHT = 1.0  # points: a segment this close to horizontal or vertical is a ruling line


@dataclass(frozen=True)
class Char:
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
        for i in range(textpage.count_chars()):
            code = raw.FPDFText_GetUnicode(textpage.raw, i)
            if code in (0, 0xFFFE, 0xFFFF) or chr(code).isspace():  # PDFium's generated characters are spaces and breaks
                continue
            raw.FPDFText_GetLooseCharBox(textpage.raw, i, box)
            out.append(Char(chr(code), box.left, height - box.top, box.right, height - box.bottom))
    finally:
        textpage.close()
    return out


def _edges(page, height: float) -> list[dict]:
    """Every straight segment of the page's paths, as pdfplumber edges (top-left origin)."""
    import pypdfium2.raw as raw

    edges = []
    x, y = ctypes.c_float(), ctypes.c_float()
    matrix = raw.FS_MATRIX()
    for k in range(raw.FPDFPage_CountObjects(page.raw)):  # the raw API: no wrapper object per text run
        obj = raw.FPDFPage_GetObject(page.raw, k)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_PATH or not raw.FPDFPageObj_GetMatrix(obj, matrix):
            continue
        a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
        prev, start = None, None
        for i in range(raw.FPDFPath_CountSegments(obj)):
            seg = raw.FPDFPath_GetPathSegment(obj, i)
            raw.FPDFPathSegment_GetPoint(seg, x, y)
            p = (a * x.value + c * y.value + e, height - (b * x.value + d * y.value + f))
            kind = raw.FPDFPathSegment_GetType(seg)
            if kind == raw.FPDF_SEGMENT_MOVETO:
                start = p
            elif prev is not None and kind == raw.FPDF_SEGMENT_LINETO:
                edges.append(_edge(prev, p))
            if raw.FPDFPathSegment_GetClose(seg) and start is not None:
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


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines by their tops, each line in reading order."""
    lines: list[list[Char]] = []
    for ch in sorted(chars, key=lambda c: (c.top, c.x0)):
        if lines and abs(ch.top - lines[-1][0].top) <= LINE_GAP:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return [sorted(line, key=lambda c: c.x0) for line in lines]


def _text(line: list[Char]) -> str:
    out = []
    for prev, ch in zip([None, *line], line):
        if prev is not None and ch.x0 - prev.x1 > WORD_GAP:
            out.append(" ")
        out.append(ch.text)
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
    for pt in sorted(intersections):
        by_x.setdefault(pt[0], []).append(pt)
        by_y.setdefault(pt[1], []).append(pt)
    cells = []
    for pt in sorted(intersections):
        below = [q for q in by_x[pt[0]] if q[1] > pt[1] and vs[pt] & vs[q]]
        right = [q for q in by_y[pt[1]] if q[0] > pt[0] and hs[pt] & hs[q]]
        found = None
        for b in below:
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
    from pdfplumber.table import Table, TableSettings, cells_to_tables, edges_to_intersections, merge_edges
    from pdfplumber.utils import filter_edges

    st = TableSettings.resolve(None)
    edges = filter_edges(edges, min_length=st.edge_min_length_prefilter)
    edges = merge_edges(edges, st.snap_x_tolerance, st.snap_y_tolerance, st.join_x_tolerance, st.join_y_tolerance)
    edges = filter_edges(edges, min_length=st.edge_min_length)
    points = edges_to_intersections(edges, st.intersection_x_tolerance, st.intersection_y_tolerance)
    return [Table(None, group) for group in cells_to_tables(_cells(points))]


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
    for ch in chars:
        cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
        for (x0, top, x1, bottom), cells in boxes:
            if x0 <= cx <= x1 and top <= cy <= bottom:
                for cell in cells:
                    if cell[0] <= cx <= cell[2] and cell[1] <= cy <= cell[3]:
                        cell_of.setdefault(cell, []).append(ch)
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
