"""How far a number read by OCR is trusted. A recogniser's confidence below MIN_CONFIDENCE makes
the cell `unreadable`; so does a failing identity that an OCR'd cell explains: the one cell all
failing identities share, or a read less than SURE in a failing identity (a failure among sure
reads is the source's own, kept with its failing check, as for every other input). The
identities are a safety net here, never a licence to "correct" a number: a suspect cell loses its
value (and says why), it never gets another one."""

from __future__ import annotations

from dataclasses import replace

from . import checks, templates
from .extract.ocr import MIN_CONFIDENCE, SURE


def trusted(cells: list, confidence: dict[str, float], identities: list[templates.Identity]) -> list:
    """The cells with their OCR confidence set, and the doubtful OCR'd numbers flagged."""
    out = []
    for c in cells:
        x = confidence.get(c.source or c.locator)
        if x is None:
            out.append(c)
            continue
        c = replace(c, confidence=x)
        if c.flag == "value" and x < MIN_CONFIDENCE:
            c = replace(c, value=None, flag="unreadable", note=f"OCR read {c.raw!r} with confidence {x:.2f} (below {MIN_CONFIDENCE}): not trusted")
        out.append(c)
    by_key = {(c.table, c.row, c.column): i for i, c in enumerate(out)}
    results = checks.evaluate(identities, checks._lookup(out))
    failing = [ident for ident, r in zip(identities, results) if r["status"] == "fail"]
    read = {k for k, i in by_key.items() if out[i].confidence is not None and out[i].flag == "value"}
    groups = [set(ident.expected + ident.parts) & read for ident in failing]
    groups = [g for g in groups if g]
    if not groups:
        return out  # the identities hold, or fail in cells OCR did not read (the source's own)
    common = set.intersection(*groups)
    if len(groups) > 1 and len(common) == 1:
        suspects = common  # one cell explains every failure: a misread (a row and a column fail with it)
    else:  # otherwise only a doubtful read is suspected; sure reads that fail are the source's own
        weakest = (min(g, key=lambda k: (out[by_key[k]].confidence, k)) for g in groups)
        suspects = {k for k in weakest if out[by_key[k]].confidence < SURE}
    names = sorted({ident.check for ident in failing})
    for k in suspects:
        c = out[by_key[k]]
        out[by_key[k]] = replace(c, value=None, flag="unreadable", note=f"OCR read {c.raw!r} (confidence {c.confidence:.2f}), but {', '.join(names)} fail with it: not trusted")
    return out
