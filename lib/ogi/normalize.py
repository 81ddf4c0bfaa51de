"""Text normalisation shared by every step: decoding, script, label keys and cell values.

Everything here is deliberate about what it changes: `raw` strings are never touched, only the
copies used for matching (t2s + NFKC + punctuation removal) and for numbers.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple
from functools import lru_cache


# --------------------------------------------------------------------------------------------
# decoding


class DecodeError(ValueError):
    """The bytes are not text in any encoding we accept."""


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Encodings real Chinese reports come in; charset_normalizer picks among them when UTF-8 fails.
_CANDIDATES = ["gb18030", "big5", "utf_16", "utf_8"]


_PLAIN = re.compile("[\t\n\r -~\u00a0-\u024f\u2000-\u206f\u2460-\u24ff\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _plain_share(text: str) -> float:
    """The share of characters a Chinese report is written in: ASCII, Latin with accents (pinyin),
    general and CJK punctuation, circled numbers, ideographs, full-width forms. Bytes decoded with
    the wrong byte order, or binary data, score about a third."""
    return len(_PLAIN.findall(text)) / max(1, len(text))


def utf16_codec(data: bytes) -> str | None:
    """The UTF-16 codec bytes are written in (a BOM; or, without one, the byte order under which
    the zero bytes that ASCII digits, spaces and line ends carry in UTF-16 decode to plain Chinese
    text), else None."""
    head = data[:4096]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    if head.count(0) < 16:
        return None
    head = head[: len(head) // 2 * 2]
    share = {codec: _plain_share(head.decode(codec, errors="replace")) for codec in ("utf-16-le", "utf-16-be")}
    codec = max(share, key=share.get)
    return codec if share[codec] >= 0.9 else None


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes: BOM, then strict UTF-8, then detection among GB18030/Big5/UTF-16."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                break  # a BOM followed by something else: detect below
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    codec = utf16_codec(data)
    if codec is not None:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            pass
    import charset_normalizer  # only for bytes that are not UTF-8

    best = charset_normalizer.from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is None:
        raise DecodeError("not text in UTF-8, GB18030, Big5 or UTF-16")
    return str(best), best.encoding


# Characters a page prints as nothing: zero-width space / joiners, word joiner, BOM inside the text,
# soft hyphen, direction marks. CMSs sprinkle them (&#8203; after every cell); left in, a line "0​"
# is no longer the number 0 and a dump's layout is misjudged.
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e"
_INVISIBLE_RE = re.compile(f"(?<![0-9])[{_INVISIBLE}]+|[{_INVISIBLE}]+(?![0-9])")


def drop_invisible(text: str) -> str:
    """The text without invisible format characters, except between two digits ("1​2"), where one
    stays for clean_artifacts to read as the boundary of two cells it may be."""
    return _INVISIBLE_RE.sub("", text) if any(ch in text for ch in _INVISIBLE) else text


_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b)


def looks_binary(data: bytes) -> bool:
    """True for bytes that are clearly not a text document (NULs or many control bytes)."""
    head = data[:8192]
    if not head:
        return False
    if utf16_codec(head):  # UTF-16 text has NULs
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / len(head) > 0.05


# --------------------------------------------------------------------------------------------
# script


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified (OpenCC t2s); simplified text passes through unchanged."""
    return _t2s().convert(text) if text else text


CJK = re.compile(r"[\u4e00-\u9fff]")  # a CJK unified ideograph (readers and claims share it)


def detect_script(text: str, simplified: str | None = None) -> str:
    """'traditional' when a noticeable share of CJK characters change under t2s, else 'simplified'."""
    simplified = to_simplified(text) if simplified is None else simplified
    import numpy as np

    n = min(len(text), len(simplified), 20000)
    try:  # compare code points as arrays: a page is tens of thousands of characters
        a = np.frombuffer(text[:n].encode("utf-32-le"), dtype=np.uint32)
        b = np.frombuffer(simplified[:n].encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # a lone surrogate: compare character by character
        cjk = len(CJK.findall(text[:n]))
        changed = sum(map(str.__ne__, text[:n], simplified[:n]))
    else:
        cjk = int(((a >= 0x4E00) & (a <= 0x9FFF)).sum())
        changed = int((a != b).sum())
    if not cjk:
        return "simplified"
    return "traditional" if changed / cjk > 0.03 else "simplified"


# --------------------------------------------------------------------------------------------
# labels

_PAREN = re.compile(r"\([^()]*\)")
_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]")


# Superscript and subscript digits and enclosed numbers (¹, ₂, ①, ⑴, ⒈, ❶): footnote marks and
# list ordinals, never digits of a number. NFKC would fold them into digits ("16¹" → "161"), so
# each becomes the reference mark ※ first: "16¹" is then no number (unreadable), "①属于…" a label.
FOOTNOTE_MARK = "※"
_MARK_DIGITS = [0xB2, 0xB3, 0xB9, 0x2070, *range(0x2074, 0x207A), *range(0x2080, 0x208A), *range(0x2460, 0x249C)]
_MARK_DIGITS += [*range(0x24EA, 0x2500), *range(0x2776, 0x2794), *range(0x3251, 0x3260), *range(0x32B1, 0x32C0)]
_FOOTNOTE_MARKS = dict.fromkeys(_MARK_DIGITS, FOOTNOTE_MARK)


def nfkc(text: str) -> str:
    """NFKC (full-width digits and punctuation → ASCII), footnote marks kept apart from digits;
    most strings already are NFKC, and the check is far cheaper than normalising again."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text.translate(_FOOTNOTE_MARKS))


# Some mirrors inject pinyin readings after characters: 報(bào)告, 申請(qǐng). A reading has a tone mark,
# so "(pdf)" or "(2019)" are left alone.
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ][a-zü]*[)）]")


def strip_pinyin(text: str) -> str:
    """Drop injected pinyin readings after CJK characters ('報(bào)告' → '報告')."""
    return _PINYIN.sub("", text) if "(" in text or "（" in text else text


def label_key(text: str) -> str:
    """Matching key of a label: simplified, NFKC, parenthesised notes dropped, CJK characters only.

    '（二）部分公开（区分处理的，只计这一情形，不计其他情形）' → '部分公开';
    '3.危及“三安全一稳定”' → '危及三安全一稳定'. Text must already be simplified.
    """
    s = nfkc(text)
    prev = None
    while prev != s:  # nested or repeated notes
        prev, s = s, _PAREN.sub("", s)
    return _NOT_CJK.sub("", s)


# --------------------------------------------------------------------------------------------
# cell values

NA_MARKERS = frozenset({"/", "-", "—", "——", "–", "－", "／", "\\", "无", "不适用", "—/—", "--", "x", "X", "×"})
UNITS = ("万元", "元")  # money units glued to numbers in cells; 件/条 after a number mark prose
# count units a table cell may print after its number ("125件"); read only in a source's explicit
# cells (grid, pipe, HTML, Word): in text without cell boundaries they mark prose ("共125件")
COUNT_UNITS = ("件", "条", "个", "项", "次", "家", "户", "篇", "份")
_ARTIFACTS = "?\ufffd\u00a0\u3000\u200b\ufeff"
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_THOUSANDS = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


class Parsed(NamedTuple):  # a tuple: cheap to make for every cell
    value: float | None
    flag: str  # value, blank, not_applicable, unreadable
    note: str | None = None


_ARTIFACT_RE = re.compile("[" + re.escape(_ARTIFACTS) + "]")


_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")


def unescape_entities(text: str) -> str:
    """HTML character references left in a text dump or a markdown conversion (`0&nbsp;`, `&lt;`,
    `&#20844;`) → their characters, so a cell reads as what the page showed. A reference to a
    line break becomes a space: line numbers (the locators) stay those of the file."""
    if "&" not in text:
        return text
    import html

    def one(m: re.Match) -> str:
        ch = html.unescape(m.group())
        return " " if ch in ("\n", "\r", "\r\n") else ch

    return _ENTITY.sub(one, text)


def clean_artifacts(text: str) -> str:
    """Replace mis-decoded characters (`9?`, `? 0`, NBSP) by spaces, keeping `?` between digits."""
    if not _ARTIFACT_RE.search(text):
        return text
    out = []
    for i, ch in enumerate(text):
        if ch in _ARTIFACTS:
            between_digits = ch in "?\ufffd" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
            out.append("\ufffd" if between_digits else " ")
        else:
            out.append(ch)
    return "".join(out)


def parse_value(raw: str) -> Parsed:
    """One cell's text → number and flag. Never guesses: anything odd is `unreadable` with a note."""
    if raw.isascii() and raw.isdigit():  # the common case
        return Parsed(float(raw), "value")
    s = nfkc(clean_artifacts(raw)).strip()
    if not s:
        if any(ch in "?？\ufffd" for ch in raw):
            return Parsed(None, "unreadable", f"a mis-decoded character in place of the cell: {raw!r}")
        return Parsed(None, "blank")
    if s in NA_MARKERS:
        return Parsed(None, "not_applicable")
    if "\ufffd" in s:
        return Parsed(None, "unreadable", f"mis-decoded character inside the number {raw!r}")
    s = s.replace("−", "-").replace(" ", "")
    note = None
    for unit in UNITS + COUNT_UNITS:
        if s.endswith(unit) and len(s) > len(unit):
            s = s[: -len(unit)]
            note = f"unit {unit} as printed"
            break
    if _THOUSANDS.fullmatch(s):
        s = s.replace(",", "")
    if _NUMBER.match(s):
        return Parsed(float(s), "value", note)
    if FOOTNOTE_MARK in s and _DIGIT_RE.search(s):
        return Parsed(None, "unreadable", f"a footnote mark among the digits {raw!r}: not read as a number")
    if _LOOKALIKE.fullmatch(s) and _DIGIT_RE.search(s):
        read = s.translate(_LOOKALIKES)
        return Parsed(None, "unreadable", f"letters among the digits {raw!r} (perhaps {read}): not read as a number")
    return Parsed(None, "unreadable", f"not a number: {raw!r}")


_LOOKALIKE = re.compile(r"[-+]?[\dlIOo|]+(?:\.\d+)?")
_LOOKALIKES = str.maketrans("lIOo|", "11001")
_DIGIT_RE = re.compile(r"\d")
