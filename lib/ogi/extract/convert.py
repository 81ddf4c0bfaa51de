"""Old binary Office files (Word .doc, Kingsoft .wps, Excel .xls / Kingsoft .et) → their Open XML
twins (.docx, .xlsx) by LibreOffice headless, then read like any DOCX or spreadsheet.

LibreOffice is a system package (Debian `libreoffice-writer-nogui`, `libreoffice-calc-nogui`;
`make setup` installs them where it can). Each conversion runs with its own throw-away profile,
so parallel workers do not fight over one, and under a time limit."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CONVERT_SECONDS = 120
INSTALL_HINT = "install LibreOffice (Debian: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui), or convert it yourself: soffice --headless --convert-to docx FILE"


class ConvertProblem(Exception):
    """A binary Office file that could not be converted: says why and what to run."""

    def __init__(self, text: str, not_installed: bool = False) -> None:
        super().__init__(text)
        self.not_installed = not_installed


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def ole_kind(data: bytes) -> str:
    """word or sheet, from the compound file's stream names (UTF-16 in its directory)."""
    head = data[:2_000_000]
    for name, kind in (("WordDocument", "word"), ("Workbook", "sheet"), ("Book", "sheet")):
        if (name + "\0").encode("utf-16-le") in head:  # a directory entry: the name, then its terminator
            return kind
    return "word"


def convert(data: bytes, target: str) -> bytes:
    """The file converted to `target` (docx or xlsx) by LibreOffice; ConvertProblem otherwise."""
    exe = soffice()
    if exe is None:
        raise ConvertProblem(f"old binary Office file: LibreOffice is not installed — {INSTALL_HINT}", not_installed=True)
    source_suffix = {"docx": ".doc", "xlsx": ".xls"}[target]
    with tempfile.TemporaryDirectory(prefix="ogi-convert-") as tmp:
        tmp_path = Path(tmp)
        src = tmp_path / f"report{source_suffix}"
        src.write_bytes(data)
        cmd = [exe, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--norestore",
               "--convert-to", target, "--outdir", str(tmp_path), str(src)]  # fmt: skip
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=CONVERT_SECONDS)
        except subprocess.TimeoutExpired as e:
            raise ConvertProblem(f"LibreOffice did not convert the file within {CONVERT_SECONDS} s") from e
        out = tmp_path / f"report.{target}"
        if not out.exists():
            why = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise ConvertProblem(f"LibreOffice could not convert the file to {target}: {why[0]}")
        return out.read_bytes()
