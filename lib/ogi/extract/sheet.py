"""Spreadsheets (.xlsx; .xls and .et after conversion) → tokens: every sheet a grid, read row by
row like a Word table (openpyxl). A merged range appears once, at its top-left cell; numbers keep
the value the sheet stores (an integer-valued float prints without its ".0")."""

from __future__ import annotations

import io
import re
import zipfile

from .docx import DocxProblem, check_archive
from .tokens import Token, cell_tokens, row_break

MAX_CELLS = 200_000  # an annual report's tables have a few hundred; a data dump is not a report


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# Excel's error values: a cell whose formula failed prints one of these where its number would be
_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"})


def _tokens(text: str, formula, locator: str, cell_id: int) -> list[Token]:
    """A cell's tokens. An error value, or a formula the file stores without its computed value (a
    workbook written by a program, never opened in Excel), stands where a number is printed: one
    value token, unreadable, never an empty cell and never text that would end its row."""
    if text.strip() in _ERRORS or (not text and isinstance(formula, str) and formula.startswith("=")):
        raw = text.strip() or formula
        return [Token("value", raw, locator, raw, cell_id)]
    return cell_tokens(text, locator, cell_id)


_FORMULA_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _has_formulas(data: bytes) -> bool:
    """Whether any sheet stores a formula (an <f> element): only then is the workbook loaded a
    second time for its formulas, since openpyxl gives either the values or the formulas."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return any(name.startswith("xl/worksheets/") and _FORMULA_ELEMENT.search(z.read(name)) for name in z.namelist())


def extract_xlsx(data: bytes) -> tuple[list[Token], str]:
    import openpyxl

    check_archive(data, "xl/workbook.xml", "spreadsheet")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
        # without formulas the values stand in: a value is never an empty cell that starts with "="
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=False) if _has_formulas(data) else book
    except Exception as e:  # openpyxl raises several kinds for broken parts
        raise DocxProblem(f"not a readable spreadsheet: {type(e).__name__}: {e}") from e
    tokens: list[Token] = []
    plain: list[str] = []
    cells = 0
    for sheet, sheet_formulas in zip(book.worksheets, formulas.worksheets):
        covered = set()
        for rng in sheet.merged_cells.ranges:
            for row in range(rng.min_row, rng.max_row + 1):
                for col in range(rng.min_col, rng.max_col + 1):
                    if (row, col) != (rng.min_row, rng.min_col):
                        covered.add((row, col))
        for r, (row, row_formulas) in enumerate(zip(sheet.iter_rows(values_only=True), sheet_formulas.iter_rows(values_only=True)), start=1):
            cells += len(row)
            if cells > MAX_CELLS:
                raise DocxProblem(f"more than {MAX_CELLS} cells: a data file, not a report")
            texts = [_text(v) for v in row]
            if not any(t.strip() for t in texts) and not any(isinstance(f, str) and f.startswith("=") for f in row_formulas):
                continue
            plain.append(" ".join(t for t in texts if t))
            tokens.append(row_break(f"sheet {sheet.title} row {r}"))
            for c, (text, formula) in enumerate(zip(texts, row_formulas), start=1):
                if (r, c) in covered:
                    continue
                tokens.extend(_tokens(text, formula, f"sheet {sheet.title} row {r} col {c}", len(tokens)))
    return tokens, "\n".join(plain)


def sheet_grids(data: bytes) -> list[tuple[str, list[list[str]]]]:
    """Each sheet's (title, rows of cell texts): for a scraper's export, whose column of report
    texts makes every row a report of its own (extract.csvrows.grid_rows)."""
    import openpyxl

    check_archive(data, "xl/workbook.xml", "spreadsheet")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises several kinds for broken parts
        raise DocxProblem(f"not a readable spreadsheet: {type(e).__name__}: {e}") from e
    grids, cells = [], 0
    for sheet in book.worksheets:
        rows = []
        for row in sheet.iter_rows(values_only=True):
            cells += len(row)
            if cells > MAX_CELLS:
                raise DocxProblem(f"more than {MAX_CELLS} cells: a data file, not a report")
            rows.append([_text(v) for v in row])
        grids.append((sheet.title, rows))
    book.close()
    return grids
