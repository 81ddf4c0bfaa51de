"""Word (.docx) reports → tokens (python-docx).

Paragraphs and tables are read in document order, as Word prints them with tracked changes
accepted (content controls, insertions and fields unwrapped, deletions dropped). Word tables are
grids with merged cells: a merged cell appears once, at its first (top-left) position, exactly
like a spanned HTML cell. A table that holds tables is layout: its cells' content is read instead.
The archive is checked against decompression bombs before it is opened.
"""

from __future__ import annotations

import io
import zipfile

from .tokens import Token, cell_tokens, row_break

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


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# wrappers whose content Word prints as if they were not there: content controls (their
# sdtContent), tracked insertions and moves, smart tags, custom XML, simple fields, bidi runs
_UNWRAP = {f"{_W}{t}" for t in ("sdt", "ins", "moveTo", "smartTag", "customXml", "fldSimple", "dir", "bdo")}
_DELETED = {f"{_W}{t}" for t in ("del", "moveFrom")}


def _as_printed(root) -> None:
    """The document as Word prints it with every tracked change accepted: the content of the
    wrappers in _UNWRAP moved up in their place (python-docx reads only the paragraphs, runs, rows
    and cells that are direct children, so a number typed with changes tracked, or a table inside a
    content control, would read as an empty cell), and deleted text and rows dropped."""
    for el in reversed(list(root.iter(*_UNWRAP, *_DELETED))):  # innermost first
        parent = el.getparent()
        if parent is None:
            continue
        if el.tag in _DELETED:
            if parent.tag == f"{_W}trPr":  # a deleted table row
                row = parent.getparent()
                if row is not None and row.getparent() is not None:
                    row.getparent().remove(row)
            elif parent.tag not in (f"{_W}rPr", f"{_W}pPr"):  # marks in run or paragraph properties only flag formatting
                parent.remove(el)
            continue
        if el.tag == f"{_W}sdt":
            content = el.find(f"{_W}sdtContent")
            children = list(content) if content is not None else []
        elif el.tag == f"{_W}ins" and parent.tag in (f"{_W}rPr", f"{_W}trPr", f"{_W}pPr"):
            continue  # an inserted paragraph mark or row: a flag, its content is already in place
        else:
            children = [c for c in el if c.tag not in (f"{_W}sdtPr", f"{_W}sdtEndPr", f"{_W}smartTagPr", f"{_W}customXmlPr")]
        at = parent.index(el)
        parent.remove(el)
        for k, child in enumerate(children):
            parent.insert(at + k, child)
    _runs_as_printed(root)


def _on(el) -> bool:
    """Whether a toggle property (<w:vanish/>, <w:vanish w:val="0"/>) is on."""
    return el.get(f"{_W}val", "true").lower() not in ("0", "false", "off")


def _runs_as_printed(root) -> None:
    """A run Word does not print (hidden text, <w:vanish/>) is dropped: a digit there would join
    the number beside it. A superscript or subscript run (a footnote mark, 5¹) is set apart by
    spaces, so it is no digit of the number it follows (the cell then holds two numbers)."""
    for props in list(root.iter(f"{_W}rPr")):
        run = props.getparent()
        if run is None or run.tag != f"{_W}r":
            continue
        vanish = props.find(f"{_W}vanish")
        if vanish is not None and _on(vanish):
            run.getparent().remove(run)
            continue
        align = props.find(f"{_W}vertAlign")
        if align is not None and align.get(f"{_W}val") in ("superscript", "subscript"):
            for t in run.iter(f"{_W}t"):
                if t.text and t.text.strip():
                    t.text = f" {t.text} "


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
    _as_printed(document.element)
    tokens: list[Token] = []
    plain: list[str] = []
    count = {"paragraph": 0, "table": 0}

    def read(blocks) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                count["paragraph"] += 1
                if block.text.strip():
                    plain.append(block.text)
                    tokens.extend(cell_tokens(block.text, f"paragraph {count['paragraph']}"))
            elif isinstance(block, Table) and block._tbl.find(".//" + _W + "tbl") is not None:
                # a layout table (the whole report in one cell, say): its cells hold the content
                seen = set()
                for row in block.rows:
                    for cell in row.cells:
                        if id(cell._tc) not in seen:
                            seen.add(id(cell._tc))
                            read(cell.iter_inner_content())
            elif isinstance(block, Table):
                count["table"] += 1
                t_no = count["table"]
                held: dict[int, object] = {}  # holds the elements, so their ids stay unique
                for r, row in enumerate(block.rows, start=1):
                    tokens.append(row_break(f"table {t_no} row {r}"))
                    for c, cell in enumerate(row.cells, start=1):
                        if id(cell._tc) in held:
                            continue  # the same merged cell again
                        held[id(cell._tc)] = cell._tc
                        plain.append(cell.text)
                        tokens.extend(cell_tokens(cell.text, f"table {t_no} row {r} col {c}", len(tokens)))

    read(document.iter_inner_content())
    return tokens, "\n".join(plain)
