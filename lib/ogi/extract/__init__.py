"""Extraction: the bytes of one input → its kind, a token stream and its plain text.

Nothing here knows the report formats beyond finding table cells; see `align` for that.
"""

from __future__ import annotations

import re

from ..normalize import utf16_codec

MAGIC = {
    b"%PDF": "pdf",
    b"PK\x03\x04": "zip",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "ole",  # old binary Word (.doc), .wps, .xls
    b"\x89PNG\r\n\x1a\n": "image",
    b"\xff\xd8\xff": "image",  # JPEG
    b"II*\x00": "image",  # TIFF, little-endian
    b"MM\x00*": "image",  # TIFF, big-endian
}
_HTML_HINT = re.compile(rb"<\s*(?:html|body|table|p|div|tr|td|span|meta|!doctype)\b", re.I)


def _utf16_as_utf8(data: bytes) -> bytes:
    """UTF-16 text (Notepad's and Word's "Unicode" saving) re-encoded as UTF-8 for the markup
    tests, whose ASCII words its bytes never hold; other bytes as they are."""
    codec = utf16_codec(data)
    return data if codec is None else data[:200000].decode(codec, errors="ignore").encode("utf-8")


def sniff(data: bytes, name: str = "") -> str:
    """Input kind from the content (never the file name alone): text, html, pdf, docx, xlsx, ole, zip, image."""
    head = data[:4096]
    stripped = head.lstrip()
    for magic, kind in MAGIC.items():
        if stripped.startswith(magic):
            if kind == "zip":
                head64 = data[:65536]
                if b"word/" in head64 or name.lower().endswith(".docx"):
                    return "docx"
                return "xlsx" if b"xl/" in head64 or name.lower().endswith(".xlsx") else "zip"
            return kind
    data = _utf16_as_utf8(data)
    head = data[:4096]
    if _HTML_HINT.search(head) or _HTML_HINT.search(data[:65536]) and name.lower().endswith((".htm", ".html")):
        return "html"
    if re.search(rb"<\s*table\b", data[:200000], re.I) and data.count(b"<") > 20:
        return "html"
    return "text"
