"""Word (.docx) reports → tokens (python-docx).

Paragraphs and tables are read in document order. Word tables are grids with merged cells: a
merged cell appears once, at its first (top-left) position, exactly like a spanned HTML cell.
The archive is checked against decompression bombs before it is opened.
"""

from __future__ import annotations

import io
import zipfile

from .tokens import Token, cell_tokens

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200


class DocxProblem(Exception):
    """A .docx that cannot be read safely or at all."""


def check_archive(data: bytes, part: str = "word/document.xml", what: str = "Word document") -> None:
    """An Open XML archive that is safe to open (no decompression bomb) and holds `part`."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except zipfile.BadZipFile as e:
        raise DocxProblem(f"not a readable {what} (bad zip archive: {e})") from e
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
        raise DocxProblem(f"refused: the archive would decompress to {total // 1048576} MB (ratio {total / packed:.0f}:1)")
    if part not in {i.filename for i in infos}:
        raise DocxProblem(f"not a {what} (no {part} in the archive)")


def extract_docx(data: bytes) -> tuple[list[Token], str]:
    """Tokens in document order and the plain text (for title and year)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_archive(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises several kinds for broken parts
        raise DocxProblem(f"not a readable .docx: {type(e).__name__}: {e}") from e
    tokens: list[Token] = []
    plain: list[str] = []
    p_no = t_no = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            p_no += 1
            if block.text.strip():
                plain.append(block.text)
                tokens.extend(cell_tokens(block.text, f"paragraph {p_no}"))
        elif isinstance(block, Table):
            t_no += 1
            seen: dict[int, object] = {}  # holds the elements, so their ids stay unique
            for r, row in enumerate(block.rows, start=1):
                for c, cell in enumerate(row.cells, start=1):
                    if id(cell._tc) in seen:
                        continue  # the same merged cell again
                    seen[id(cell._tc)] = cell._tc
                    plain.append(cell.text)
                    tokens.extend(cell_tokens(cell.text, f"table {t_no} row {r} col {c}", len(tokens)))
    return tokens, "\n".join(plain)
