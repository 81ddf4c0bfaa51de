"""HTML reports (saved pages, fragments, HTML inside a JavaScript string) → tokens.

Tables are read with lxml and laid out as a grid with rowspan/colspan expanded, so every cell has
a (table, row, column) locator; a spanned cell is emitted once, at its origin. Text outside the
tables (headings, prose) is emitted too, so sections can be found.
"""

from __future__ import annotations

import html as htmllib
import re

from lxml import etree

from .tokens import PAGE_NUMBER, Token, cell_tokens, row_break

_SKIP = {"script", "style", "noscript", "head", "title", "meta", "link", "iframe", "svg", "select", "option"}
# page chrome outside the tables: navigation links, menus, forms (their text is never a report's)
_CHROME = {"a", "nav", "header", "footer", "form", "button", "input", "textarea", "label"}
_BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article", "td", "th"}


def unescape_js_string(html: str) -> str:
    """HTML kept inside a JavaScript string literal (`\\"` escapes) → plain HTML."""
    if html.count('\\"') < 10:
        return html
    return (
        html.replace('\\"', '"')
        .replace("\\'", "'")
        .replace("\\/", "/")
        .replace("\\n", "\n")
        .replace("\\r", "")
        .replace("\\t", "\t")
    )


def _cell_text(el) -> str:
    """The text of an element; line breaks where <br>, <p>, <div>… end (see _mark_blocks)."""
    # serialised in C (several times faster than joining itertext()); the parser dropped comments
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)


def _mark_blocks(doc) -> None:
    """Give every block element a trailing newline, so text extraction keeps lines apart."""
    for el in doc.iter(*_BLOCK):
        el.tail = "\n" + (el.tail or "")


_SECTIONS = ("thead", "tbody", "tfoot")


def _rows(table):
    """The table's own rows in document order (tr, or tr inside thead/tbody/tfoot; not nested tables')."""
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in _SECTIONS:
            rows.extend(tr for tr in child if tr.tag == "tr")
    return rows


def table_grid(table) -> list[tuple[int, int, str]]:
    """Origin cells of a table as (row, column, text), spans expanded into grid positions (0-based)."""
    occupied: set[tuple[int, int]] = set()
    cells = []
    for r, tr in enumerate(_rows(table)):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while (r, c) in occupied:
                c += 1
            rowspan = _span(td.get("rowspan"))
            colspan = _span(td.get("colspan"))
            for dr in range(rowspan):
                for dc in range(colspan):
                    occupied.add((r + dr, c + dc))
            cells.append((r, c, _cell_text(td)))
            c += colspan
    return cells


def _span(value: str | None) -> int:
    if value is None:
        return 1
    try:
        return max(1, min(int(str(value).strip()), 1000))
    except (TypeError, ValueError):
        return 1


# an element inside a table cell hidden by its own markup: the hidden attribute, or an inline
# style with display:none, visibility:hidden or Word's mso-hide:all (case and spaces ignored, in
# C). Only inside cells: a whole section hidden until a script shows it (a tab) is still the page's
_STYLE = "translate(@style, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ ', 'abcdefghijklmnopqrstuvwxyz')"
_IS_HIDDEN = f"[@hidden or contains({_STYLE}, 'display:none') or contains({_STYLE}, 'visibility:hidden') or contains({_STYLE}, 'mso-hide:all')]"
_HIDDEN = f"//td//*{_IS_HIDDEN}|//th//*{_IS_HIDDEN}"

_FORM_FIELD = re.compile(r"<(?:input|select)\b", re.I)
_NOT_SHOWN_AS_TEXT = {"hidden", "checkbox", "radio", "button", "submit", "reset", "image", "file", "password"}


def _form_fields_as_shown(doc) -> None:
    """A table cell that shows its number in a form field (a page built from an input form:
    <input value="12">, a <select>): the cell's text is what the field shows, its value or chosen
    option. Without this, such a cell reads as empty, or as every option of its list."""
    for field in doc.xpath("//td//input|//th//input"):
        if (field.get("type") or "text").strip().lower() not in _NOT_SHOWN_AS_TEXT and field.get("value"):
            field.tail = f" {field.get('value')} " + (field.tail or "")
    for field in doc.xpath("//td//select|//th//select"):
        options = field.findall(".//option")
        shown = next((o for o in options if o.get("selected") is not None), options[0] if options else None)
        text = "".join(shown.itertext()) if shown is not None else ""
        for child in list(field):
            field.remove(child)
        field.text = None
        field.tail = f" {text} " + (field.tail or "")


_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)


# control characters and non-characters that lxml parses but refuses to set back into a tree
# (a damaged page): each becomes a space, a separator, so digits on both sides are never joined.
# Only a page that fails so is cleaned: scanning every page would cost a millisecond each
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def parse_html(html: str):
    """Parse leniently (libxml2's HTML parser repairs broken markup); plain lxml.etree elements."""
    html = unescape_js_string(html)
    root = etree.fromstring(html, _PARSER) if html.strip() else None
    if root is None:
        root = etree.fromstring(f"<html><body><pre>{htmllib.escape(html)}</pre></body></html>", _PARSER)
    return root


def extract_html(html: str, images=None) -> tuple[list[Token], str]:
    """Tokens in document order, and the page's plain text (for title and year). `images`: a
    callable (src, tokens so far) → tokens, for the pictures the page shows (a table posted as an
    image is read by OCR where it stands); without it images are passed over."""
    try:
        return _extract_html(html, images)
    except ValueError:  # "All strings must be XML compatible": a control character in the page
        if not _NOT_XML.search(html):
            raise
        return _extract_html(_NOT_XML.sub(" ", html), images)


def _extract_html(html: str, images=None) -> tuple[list[Token], str]:
    doc = parse_html(html)
    for bad in doc.xpath("//script|//style|//noscript"):
        bad.text = None
        for child in list(bad):
            bad.remove(child)
    if "none" in html or "hidden" in html or "mso-hide" in html:  # the search walks every cell: only where something may hide
        for hidden in doc.xpath(_HIDDEN):  # text a cell never shows (a digit there would join its number)
            hidden.text = None
            for child in list(hidden):
                hidden.remove(child)
    if _FORM_FIELD.search(html):
        _form_fields_as_shown(doc)
    for mark in doc.iter("sup", "sub"):  # a footnote mark is no digit of the number it follows
        if mark.text and mark.text.strip():
            mark.text = f" {mark.text} "
    _mark_blocks(doc)
    tokens: list[Token] = []
    body = doc.find("body")
    body = body if body is not None else doc
    leaves = [t for t in body.iter("table") if t.find(".//table") is None]
    number = {t: n for n, t in enumerate(leaves, start=1)}

    # A line that is only a number, between two tables, is the page number of a Word export whose
    # table broke across pages (`</table><p>3</p><table>`), never a cell: kept, it would shift the
    # values of the table it interrupts. Such lines after a table wait here until the next table.
    after_table = False
    page_numbers: list[tuple[int, int]] = []  # token ranges of bare-number lines since the last table

    def table_begins() -> None:
        nonlocal after_table
        for lo, hi in reversed(page_numbers):
            del tokens[lo:hi]
        page_numbers.clear()
        after_table = True

    def emit_picture(src: str) -> None:
        pictured = images(src, len(tokens))
        if pictured:  # a table shown as a picture
            table_begins()
            tokens.extend(pictured)

    def emit_text(text: str | None, el) -> None:
        if text and not text.isspace():
            loc = f"html line {el.sourceline}" if el.sourceline else "html"
            for ln in text.split("\n"):  # a page marker between the parts of a table is no value
                if ln and not ln.isspace() and not PAGE_NUMBER.match(ln):
                    lo = len(tokens)
                    tokens.extend(cell_tokens(ln, loc))
                    if after_table and _BARE_NUMBER.match(ln.strip()):
                        page_numbers.append((lo, len(tokens)))

    def walk(el) -> None:
        if not isinstance(el.tag, str) or el.tag in _SKIP:
            return
        if images is not None and el.tag == "img":
            emit_picture(el.get("src") or "")
            return
        if el.tag in _CHROME:
            if images is not None and el.tag == "a":  # a linked picture ("click to enlarge") is still the page's
                for img in el.iter("img"):
                    emit_picture(img.get("src") or "")
            return
        if el in number:
            grid = table_grid(el)
            if grid:
                table_begins()
            row = None
            for r, c, text in grid:
                if r != row:
                    row = r
                    tokens.append(row_break(f"table {number[el]} row {r + 1}"))
                tokens.extend(cell_tokens(text, f"table {number[el]} row {r + 1} col {c + 1}", len(tokens)))
            return
        emit_text(el.text, el)
        for child in el:
            walk(child)
            emit_text(child.tail, el)

    walk(_content_root(body, leaves))
    plain = re.sub(r"[ \t\r\f\v]+", " ", _cell_text(body))
    return tokens, plain


_BARE_NUMBER = re.compile(r"^\d{1,4}$")


def _content_root(body, tables):
    """The smallest element holding all the tables and the text between them (the article), so
    menus and page furniture elsewhere are not tokenised. The whole body when there is no table."""
    if not tables:
        return body
    chain = list(tables[0].iterancestors())
    common = next((a for a in chain if all(a in set(t.iterancestors()) for t in tables[1:])), body)
    if len(tables) == 1 and common.getparent() is not None and common is not body:
        common = common.getparent()  # one table: take its container, where the headings are
    return common


_IMG_SRC = re.compile(rb"""<img\b[^>]*?\bsrc\s*=\s*["']?([^"'\s>]+)""", re.I)


def image_sources(data: bytes) -> list[str]:
    """The src of every <img> of a page, as written (percent-escapes undone), without parsing it."""
    from urllib.parse import unquote

    return [unquote(m.group(1).decode("utf-8", "replace")) for m in _IMG_SRC.finditer(data)]


def local_image(folder, src: str):
    """The file a page's <img src> names inside the page's own folder, or None (a web address,
    inline data, or a path that leaves the folder is not the saved page's)."""
    from pathlib import Path

    src = src.split("#", 1)[0].split("?", 1)[0].strip()
    if not src or re.match(r"^[a-z][a-z0-9+.-]*:|^//", src, re.I):
        return None
    folder = Path(folder).resolve()
    path = (folder / src).resolve()
    return path if path.is_file() and path.is_relative_to(folder) else None
