"""Scanned pages → tokens, by OCR (the `[ocr]` extra: RapidOCR's PP-OCRv6 models on onnxruntime).

A page image is straightened (the skew of its long ruling lines), its ruling lines are found by
morphology (OpenCV: long thin openings of the ink), and the table grid is built from them by the
same steps as a text-layer PDF (pdffast._tables), in points. The page is read once for its text
(labels, headings, prose); every table cell that holds a number, or ink the page reading missed,
is then read on its own, because a lone number is where whole-page OCR fails. Each read cell keeps
its pixel box in the locator and the recogniser's confidence; `report.build_report` flags the
cells below MIN_CONFIDENCE. The direction classifier is off: it turns short numbers upside down.
"""

from __future__ import annotations

import functools
import math
import os
import re
from dataclasses import dataclass

from .tokens import PAGE_NUMBER, Token, cell_tokens, row_break

DPI = 200
SCALE = DPI / 72  # pixels per point: the grid is built in points, as for text-layer PDFs
MIN_CONFIDENCE = 0.90  # a number read with less is flagged unreadable
SURE = 0.98  # a read this confident is not suspected when an identity fails (ocrtrust); a weaker one is read again
LINE_PX = 40  # a ruling line is at least this long (pixels at DPI); characters' strokes are shorter
VERTICAL_PX = 34  # vertical rules: shorter (a row is ~40 px), still above a character's height
INK_CONTRAST = 60  # ink is at least this much darker than the page around it (grey levels)
PAGE_SECONDS = 60.0  # each scanned page adds this to the file's time limit (ingest's alarm); ~7-10 s here
MAX_SIDE_PX = 4000  # a page is rendered no larger (memory: a poster-sized page is scaled down)
MAX_IMAGE_PAGES = 300  # frames of one image file, as pages of a PDF
MAX_SKEW = 3.0  # degrees: a page tilted further is not straightened (and its grid will not close)
_NUMERIC = re.compile(r"^[\d.,，．%‰+\-−—–lIO|oＯ〇一丨]*$")


class OcrUnavailable(Exception):
    """The OCR extra is not installed: say how to install it."""


INSTALL_HINT = "pip install -e '.[ocr]' (make setup installs it)"


def available() -> bool:
    try:
        import cv2  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


@functools.lru_cache(maxsize=1)
def _engine():
    try:
        from rapidocr import RapidOCR
    except ImportError as e:
        raise OcrUnavailable(f"OCR is not installed: {INSTALL_HINT}") from e
    threads = int(os.environ.get("OGI_OCR_THREADS", "1"))  # files are read in parallel: one thread each
    return RapidOCR(
        params={
            "Global.use_cls": False,
            "Global.log_level": "error",
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
    )


@dataclass(frozen=True)
class Word:
    """A piece of text the recogniser read, with its box in points."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float


def _ink(gray):
    """Ink mask (255 = ink) of a grey page: dark against the local background, so shaded rows and
    uneven scans do not turn into ink."""
    import cv2

    background = cv2.medianBlur(cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))), 21)
    flat = cv2.subtract(background, gray)  # how much darker than around it
    return cv2.threshold(flat, INK_CONTRAST, 255, cv2.THRESH_BINARY)[1]


def _line_masks(ink):
    import cv2

    h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (LINE_PX, 1)))
    v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, VERTICAL_PX)))
    # bridge the small gaps noise and JPEG leave in a printed line
    h = cv2.dilate(h, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
    v = cv2.dilate(v, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 9)))
    return h, v


def skew_degrees(gray) -> float:
    """The page's tilt from its long horizontal rules (median of their fitted slopes); 0 without."""
    import cv2
    import numpy as np

    ink = _ink(gray)
    h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (LINE_PX, 1)))
    h = cv2.dilate(h, cv2.getStructuringElement(cv2.MORPH_RECT, (25, 5)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(h)
    angles = []
    for i in range(1, n):
        x, y, w, hh, _area = stats[i]
        if w < gray.shape[1] / 4:
            continue
        ys, xs = np.nonzero(labels[y : y + hh, x : x + w] == i)
        if len(xs) < 50:
            continue
        slope = np.polyfit(xs, ys, 1)[0]
        angles.append(math.degrees(math.atan(slope)))
    if not angles:
        return 0.0
    a = float(np.median(angles))
    return a if abs(a) <= MAX_SKEW else 0.0


def straighten(gray):
    import cv2

    angle = skew_degrees(gray)
    if abs(angle) < 0.05:
        return gray, 0.0
    hgt, wid = gray.shape
    m = cv2.getRotationMatrix2D((wid / 2, hgt / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (wid, hgt), flags=cv2.INTER_CUBIC, borderValue=255), angle


def ruling_edges(gray) -> list[dict]:
    """The page's ruling lines as pdfplumber edges in points; a table cut by the page's edge gets a
    virtual closing line where its vertical rules end."""
    import cv2

    h, v = _line_masks(_ink(gray))
    edges = []
    for mask, orient in ((h, "h"), (v, "v")):
        n, _labels, stats, _ = cv2.connectedComponentsWithStats(mask)
        for i in range(1, n):
            x, y, w, hh, _area = (int(s) for s in stats[i])
            if orient == "h" and w >= LINE_PX * 2 and hh <= 14:
                yc = (y + hh / 2) / SCALE
                edges.append({"x0": x / SCALE, "x1": (x + w) / SCALE, "top": yc, "bottom": yc, "width": w / SCALE, "height": 0.0, "orientation": "h", "object_type": "line"})
            elif orient == "v" and hh >= VERTICAL_PX and w <= 14:
                xc = (x + w / 2) / SCALE
                edges.append({"x0": xc, "x1": xc, "top": y / SCALE, "bottom": (y + hh) / SCALE, "width": 0.0, "height": hh / SCALE, "orientation": "v", "object_type": "line"})
    return edges + _closing_lines(edges)


def _closing_lines(edges: list[dict], slack: float = 6.0) -> list[dict]:
    """Virtual horizontal lines where several vertical rules run past the last (or first)
    horizontal one: the table goes on over the page break and its closing rule is on the next page."""
    hs = [e for e in edges if e["orientation"] == "h"]
    vs = [e for e in edges if e["orientation"] == "v"]
    if not hs or len(vs) < 2:
        return []
    out = []
    low, high = max(e["bottom"] for e in hs), min(e["top"] for e in hs)
    below = [e for e in vs if e["bottom"] > low + slack and e["top"] < low + slack]
    above = [e for e in vs if e["top"] < high - slack and e["bottom"] > high - slack]
    for group, y in ((below, lambda g: max(e["bottom"] for e in g)), (above, lambda g: min(e["top"] for e in g))):
        if len(group) >= 2:
            x0, x1, yy = min(e["x0"] for e in group), max(e["x1"] for e in group), y(group)
            out.append({"x0": x0, "x1": x1, "top": yy, "bottom": yy, "width": x1 - x0, "height": 0.0, "orientation": "h", "object_type": "line"})
    return out


def read_words(gray) -> list[Word]:
    """Every line of text the page shows, by detection + recognition."""
    import cv2

    result = _engine()(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), use_cls=False)
    if result.boxes is None or result.txts is None:
        return []
    words = []
    for box, text, score in zip(result.boxes, result.txts, result.scores):
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        words.append(Word(text, min(xs) / SCALE, min(ys) / SCALE, max(xs) / SCALE, max(ys) / SCALE, float(score)))
    return words


def read_crops(crops: list) -> list[tuple[str, float]]:
    """(text, confidence) of single-line images, by recognition alone."""
    if not crops:
        return []
    import cv2
    from rapidocr.ch_ppocr_rec.typings import TextRecInput

    rec = _engine()._load_rec_model()
    out = rec(TextRecInput(img=[cv2.cvtColor(c, cv2.COLOR_GRAY2BGR) for c in crops]))
    return [(t, float(s)) for t, s in zip(out.txts, out.scores)]


_CLEAN_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def _read_again(reads: dict, crops: dict) -> None:
    """Weak reads (below SURE, or not a clean number) are read again, binarised (Otsu: the scan's
    grain gone) and at twice the size; the most confident reading that is a clean number wins.
    Nothing is "corrected": a read that stays weak is flagged by its confidence later."""
    import cv2

    weak = [c for c, (t, x) in reads.items() if x < SURE or not _CLEAN_NUMBER.match(t.replace(" ", ""))]
    if not weak:
        return
    variants = []
    for c in weak:
        variants.append(cv2.threshold(crops[c], 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1])
        variants.append(cv2.resize(crops[c], None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))
    again = read_crops(variants)
    for i, c in enumerate(weak):
        for t, x in again[2 * i : 2 * i + 2]:
            if _CLEAN_NUMBER.match(t.replace(" ", "")) and (x > reads[c][1] or not _CLEAN_NUMBER.match(reads[c][0].replace(" ", ""))):
                reads[c] = (t, x)


def _crop(gray, ink, box, inset: int = 5, pad: int = 12):
    """The cell's ink, trimmed and padded with white; None when the cell holds no ink."""
    import numpy as np

    x0, y0, x1, y1 = (int(round(v * SCALE)) for v in box)
    x0, y0, x1, y1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    part = ink[y0:y1, x0:x1]
    ys, xs = np.nonzero(part)
    if len(xs) < 12:  # a speck of noise, not a digit
        return None
    a, b, c, d = xs.min(), xs.max(), ys.min(), ys.max()
    img = gray[y0 + c : y0 + d + 1, x0 + a : x0 + b + 1]
    return np.pad(img, pad, constant_values=255)


@dataclass
class Page:
    tokens: list[Token]
    plain: str
    confidence: dict[str, float]  # locator → the recogniser's confidence, for every number cell read
    tables: int


def page_tokens(gray, p_no: int, table_no: int, start: int, where: str | None = None) -> Page:
    """Tokens of one scanned page (grey image at DPI), like pdffast.page_tokens for a text layer.
    `where` starts the locators (default "page N"; "image report_files/p4.png" for a saved page's picture)."""
    from pdfplumber.table import Table

    from .pdffast import _tables

    import cv2

    _more_time(PAGE_SECONDS)
    where = where or f"page {p_no}"
    gray, _angle = straighten(gray)
    ink = _ink(gray)
    hgt, wid = gray.shape
    edges = ruling_edges(gray)
    # a cell is read without its rules: a border in the crop is read as a 1
    h, v = _line_masks(ink)
    rules = cv2.dilate(cv2.bitwise_or(h, v), cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    clean = gray.copy()
    clean[rules > 0] = 255
    ink = cv2.bitwise_and(ink, cv2.bitwise_not(rules))
    tables = _tables(edges, wid / SCALE, hgt / SCALE) if edges else []
    words = read_words(gray)
    boxes = [(t.bbox, t.cells) for t in tables]
    cell_of: dict[tuple, list[Word]] = {}
    outside: list[Word] = []
    for w in words:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        for (x0, top, x1, bottom), cells in boxes:
            if x0 <= cx <= x1 and top <= cy <= bottom:
                for cell in cells:
                    if cell[0] <= cx <= cell[2] and cell[1] <= cy <= cell[3]:
                        cell_of.setdefault(cell, []).append(w)
                        break
                break
        else:
            outside.append(w)
    # cells that hold a number (or ink the page reading missed) are read again on their own
    reread: list[tuple[tuple, object]] = []
    for t in tables:
        for cell in t.cells:
            text = "".join(w.text for w in cell_of.get(cell, [])).replace(" ", "")
            if _NUMERIC.match(text):
                crop = _crop(clean, ink, cell)
                if crop is not None:
                    reread.append((cell, crop))
    reads = dict(zip((c for c, _ in reread), read_crops([img for _, img in reread])))
    _read_again(reads, dict(reread))

    items = [(w.top, "line", w) for w in _line_groups(outside)] + [(t.bbox[1], "table", t) for t in tables]
    tokens: list[Token] = []
    confidence: dict[str, float] = {}
    line_no = 0
    for _, kind, obj in sorted(items, key=lambda it: it[0]):
        if kind == "line":
            line_no += 1
            if not PAGE_NUMBER.match(obj.text):
                tokens.extend(cell_tokens(obj.text, f"{where} line {line_no}"))
            continue
        table_no += 1
        for r, row in enumerate(Table(None, obj.cells).rows, start=1):
            tokens.append(row_break(f"{where} table {table_no} row {r}"))
            for c, cell in enumerate(row.cells, start=1):
                if cell is None:
                    continue
                px = ",".join(str(int(round(v * SCALE))) for v in cell)
                loc = f"{where} table {table_no} row {r} col {c} px {px}"
                if cell in reads:
                    text = reads[cell][0].replace(" ", "")
                else:
                    text = "\n".join(w.text for w in _line_groups(cell_of.get(cell, [])))
                found = cell_tokens(text, loc, start + len(tokens))
                if cell in reads:  # by each token's locator: the cells read from them cite it
                    confidence.update((where_, round(reads[cell][1], 3)) for where_ in {loc, *(t.locator for t in found)})
                tokens.extend(found)
    plain = "\n".join(w.text for w in _line_groups(words))
    return Page(tokens, plain, confidence, table_no)


def _more_time(seconds: float) -> None:
    """A scanned page gets its own time on top of the file's limit: ingest's per-file alarm is
    pushed back (only where it can be: a process's main thread)."""
    import signal
    import threading

    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        if left > 0:
            signal.setitimer(signal.ITIMER_REAL, left + seconds)


def _line_groups(words: list[Word]) -> list[Word]:
    """Words on one line joined left to right (a line is words whose vertical centres are close)."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        cy = (w.top + w.bottom) / 2
        if lines and abs(cy - sum((x.top + x.bottom) / 2 for x in lines[-1]) / len(lines[-1])) <= max(3.0, (w.bottom - w.top) / 2):
            lines[-1].append(w)
        else:
            lines.append([w])
    out = []
    for line in lines:
        line.sort(key=lambda w: w.x0)
        out.append(Word(" ".join(w.text for w in line), line[0].x0, min(w.top for w in line), line[-1].x1, max(w.bottom for w in line), min(w.confidence for w in line)))
    return out


@dataclass
class Scan:
    """What OCR did for one document: the pages it read, each number cell's confidence, and the
    image pages it could not read (OCR not installed)."""

    pages: list[int]
    confidence: dict[str, float]
    unread: list[int]
    what: str = "page"  # what the numbers count: pages of a document, or the images a saved page shows

    def merge(self, page_no: int, page: Page) -> None:
        self.pages.append(page_no)
        self.confidence.update(page.confidence)


def pages_text(pages: list[int]) -> str:
    """'4', '4–5', '1, 3–6': page numbers for a message."""
    out, run = [], []
    for p in sorted(pages):
        if run and p == run[-1] + 1:
            run.append(p)
            continue
        if run:
            out.append(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}")
        run = [p]
    if run:
        out.append(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}")
    return ", ".join(out)


def image_pages(data: bytes) -> list:
    """The grey pages of an image file (PNG, JPEG, TIFF with all its frames), scaled to DPI from
    the resolution the file states (a file that states none is taken as DPI)."""
    import io

    import numpy as np
    from PIL import Image, ImageSequence

    img = Image.open(io.BytesIO(data))
    out = []
    for n, frame in enumerate(ImageSequence.Iterator(img)):
        if n == MAX_IMAGE_PAGES:
            raise ValueError(f"more than {MAX_IMAGE_PAGES} pages: not an annual report")
        g = frame.convert("L")
        dpi = frame.info.get("dpi", (DPI, DPI))[0] or DPI
        if 50 <= dpi <= 1200 and abs(dpi - DPI) > 10:
            g = g.resize((round(g.width * DPI / dpi), round(g.height * DPI / dpi)), Image.LANCZOS)
        if max(g.size) > MAX_SIDE_PX:
            g.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX))
        out.append(np.asarray(g))
    return out


def extract_images(data: bytes) -> tuple[list[Token], str, Scan]:
    """Tokens of an image file, page by page, as for a scanned PDF."""
    scan = Scan([], {}, [])
    tokens: list[Token] = []
    plain = []
    table_no = 0
    for p_no, gray in enumerate(image_pages(data), start=1):
        page = page_tokens(gray, p_no, table_no, len(tokens))
        tokens += page.tokens
        plain.append(page.plain)
        table_no = page.tables
        scan.merge(p_no, page)
    return tokens, "\n".join(plain), scan


def render(page):
    """A PDF page as a grey image at DPI (a page larger than MAX_SIDE_PX at DPI is scaled down)."""
    w, h = page.get_size()
    scale = min(SCALE, MAX_SIDE_PX / max(w, h, 1))
    arr = page.render(scale=scale, grayscale=True).to_numpy()
    return arr[:, :, 0] if arr.ndim == 3 else arr


MIN_TABLE_IMAGE = (400, 200)  # pixels: a picture smaller than this is page furniture (a logo, a QR code)


class PageImages:
    """Reads the pictures of a saved page by OCR, for extract_html: each local image big enough to
    hold a table, in the order the page shows them; `scan` says which were read."""

    def __init__(self, folder) -> None:
        self.folder = folder
        self.scan = Scan([], {}, [], what="image")
        self.tables = 0

    def __call__(self, src: str, start: int) -> list[Token]:
        from PIL import Image

        from .html import local_image

        path = local_image(self.folder, src)
        if path is None or path.stat().st_size > 20 * 1024 * 1024:
            return []
        try:
            with Image.open(path) as img:
                if img.width < MIN_TABLE_IMAGE[0] or img.height < MIN_TABLE_IMAGE[1]:
                    return []
            frames = image_pages(path.read_bytes())
        except Exception:  # noqa: BLE001 — not an image Pillow reads: the page goes on without it
            return []
        tokens: list[Token] = []
        for k, gray in enumerate(frames, start=1):
            n = len(self.scan.pages) + 1
            label = src if len(frames) == 1 else f"{src} frame {k}"
            page = page_tokens(gray, n, self.tables, start + len(tokens), where=f"image {label}")
            tokens += page.tokens
            self.tables = page.tables
            self.scan.merge(n, page)
        return tokens
