"""The ingest cache: each file's reading, keyed by the file's content hash, one SQLite file per
version of the reader's code.

One database rather than a file per report: a national corpus would otherwise leave 100,000 small
files per code version, and writing them one by one was a third of an ingest's time here. The
ingest's main process writes each finished chunk of results in one transaction, so an interrupted
ingest keeps what it had finished. A cache that cannot be opened or read is dropped and rebuilt:
it holds nothing that cannot be read again from the raw files.
"""

from __future__ import annotations

import logging
import pickle
import shutil
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

log = logging.getLogger(__name__)

SUFFIX = ".sqlite"


class ResultCache:
    """{content hash: reading} for one code version, under `folder`."""

    def __init__(self, folder: Path, version: str):
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{version}{SUFFIX}"
        _drop_other_versions(folder, keep=self.path)
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as e:
            log.warning("ingest cache %s is unreadable (%s): starting a new one", self.path, e)
            self._remove()
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")  # readers (and a killed writer) never see half a transaction
        db.execute("PRAGMA synchronous=NORMAL")  # a cache: a lost last commit only means re-reading
        db.execute("CREATE TABLE IF NOT EXISTS results (hash TEXT PRIMARY KEY, data BLOB NOT NULL)")
        db.execute("SELECT COUNT(*) FROM results").fetchone()  # fails here, not later, on a damaged file
        return db

    def _remove(self) -> None:
        for p in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
            p.unlink(missing_ok=True)

    def get_many(self, hashes: Iterable[str]) -> dict[str, object]:
        """The cached readings among `hashes`; an entry that does not unpickle is left out (re-read)."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, object] = {}
        try:
            for i in range(0, len(wanted), 500):  # SQLite's limit on bound parameters
                batch = wanted[i : i + 500]
                marks = ",".join("?" * len(batch))
                for key, blob in self._db.execute(f"SELECT hash, data FROM results WHERE hash IN ({marks})", batch):
                    try:
                        found[key] = pickle.loads(blob)
                    except Exception:  # noqa: BLE001 — a bad entry is simply read again
                        continue
        except sqlite3.DatabaseError as e:
            log.warning("ingest cache %s failed while reading (%s): re-reading every file", self.path, e)
            return {}
        return found

    def put_many(self, items: Iterable[tuple[str, object]]) -> None:
        """Store readings in one transaction. A failure to write costs only a later re-read."""
        rows = [(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) for key, value in items]
        if not rows:
            return
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO results (hash, data) VALUES (?, ?)", rows)
        except sqlite3.DatabaseError as e:
            log.warning("could not write the ingest cache %s: %s", self.path, e)

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0]

    def close(self) -> None:
        self._db.close()


def _drop_other_versions(folder: Path, keep: Path) -> None:
    """Caches of other code versions are stale (and the old one-pickle-per-report folders too)."""
    for p in folder.iterdir():
        if p.name.startswith(keep.name):  # the database and its -wal and -shm files
            continue
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)


def cached_count(folder: Path) -> int:
    """How many readings the caches under `folder` hold (for progress checks from outside)."""
    total = 0
    for p in folder.glob(f"*{SUFFIX}"):
        try:
            with closing(sqlite3.connect(f"file:{p}?mode=ro", uri=True, timeout=5)) as db:
                total += db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
        except sqlite3.DatabaseError:
            continue
    return total
