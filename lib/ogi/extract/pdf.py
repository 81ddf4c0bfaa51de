"""PDF reports with a text layer → tokens: PDFium first (pdffast.py), pdfplumber as the careful path.

Ruled tables (what Word exports) are read as grids from their ruling lines, so a label wrapped
over three lines stays one cell and the numbers keep their columns; a merged cell is emitted once.
Text outside the tables is emitted line by line (rebuilt from word positions), so headings and
titles are found. Tables continue across page breaks: the token stream simply goes on. Locators
give page, table, row and column (or page and line).
"""

from __future__ import annotations

import io

from .tokens import PAGE_NUMBER, Token, cell_tokens, row_break

MAX_PAGES = 300


class PdfProblem(Exception):
    """A PDF that cannot be read as a report (no text layer, too many pages, encrypted…)."""

    def __init__(self, text: str, image_only: bool = False) -> None:
        super().__init__(text)
        self.image_only = image_only  # a report whose pages are pictures: partial, not failed


def _inside(obj, boxes) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def extract_pdf(data: bytes, careful: bool = False):
    """(tokens in reading order, plain text for title and year, Scan or None): by PDFium, with OCR
    for the pages that are pictures, unless `careful` or PDFium cannot open the file; then by
    pdfplumber, which also says why a PDF cannot be read."""
    if not careful:
        from .ocr import INSTALL_HINT
        from .pdffast import TooManyPages, extract_pdf_fast

        try:
            tokens, plain, n_chars, scan = extract_pdf_fast(data, MAX_PAGES)
        except TooManyPages as e:
            raise PdfProblem(f"{e.pages} pages: more than {MAX_PAGES}, not an annual report") from e
        except Exception:  # noqa: BLE001 — PDFium refused it: pdfplumber will say why
            pass
        else:
            if n_chars < 20:
                hint = f": OCR is not installed ({INSTALL_HINT})" if scan.unread else ""
                raise PdfProblem("image-only PDF: no text layer" + hint, image_only=True)
            return tokens, plain, scan
    return (*_extract_pdfplumber(data), None)


def _extract_pdfplumber(data: bytes) -> tuple[list[Token], str]:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AssertionError) as e:
        raise PdfProblem(f"not a readable PDF: {type(e).__name__}") from e
    except Exception as e:  # pdfminer raises many kinds for broken or encrypted files
        raise PdfProblem(f"not a readable PDF: {type(e).__name__}: {e}") from e
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise PdfProblem(f"{len(pdf.pages)} pages: more than {MAX_PAGES}, not an annual report")
        tokens: list[Token] = []
        plain: list[str] = []
        n_chars = 0
        table_no = 0
        for p_no, page in enumerate(pdf.pages, start=1):
            n_chars += len(page.chars)
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            outside = page.filter(lambda o, boxes=boxes: not _inside(o, boxes)) if boxes else page
            lines = (outside.extract_text_lines(return_chars=False) or []) if page.chars else []
            items = [(ln["top"], "line", ln) for ln in lines] + [(t.bbox[1], "table", t) for t in tables]
            plain.append(page.extract_text() or "")
            line_no = 0
            for _, kind, obj in sorted(items, key=lambda it: it[0]):
                if kind == "line":
                    line_no += 1
                    if PAGE_NUMBER.match(obj["text"]):
                        continue
                    tokens.extend(cell_tokens(obj["text"], f"page {p_no} line {line_no}"))
                    continue
                table_no += 1
                for r, row in enumerate(obj.extract(), start=1):
                    tokens.append(row_break(f"page {p_no} table {table_no} row {r}"))
                    for c, cell in enumerate(row, start=1):
                        if cell is None:
                            continue  # covered by a merged cell, emitted at its origin
                        tokens.extend(cell_tokens(cell, f"page {p_no} table {table_no} row {r} col {c}", len(tokens)))
        if n_chars < 20:
            raise PdfProblem("image-only PDF: no text layer", image_only=True)
    return tokens, "\n".join(plain)
