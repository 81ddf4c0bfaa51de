"""Command line: `ogi parse / ingest / run / check / export / agencies` (SCHEMA.md). Thin: the work is in the library."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__, paths


def cmd_parse(args) -> int:
    from .ingest import apply_manifest, manifest_for
    from .report import read_reports

    def reports():
        for f in args.files:
            prov = manifest_for(f)  # the same manifest `ogi ingest` would use: the same answer
            for r in read_reports(f):  # a scraper CSV holds one report per row
                r.problems = apply_manifest(r.meta, {**prov, "year": None} if r.part else prov, r.problems)
                yield r

    for report in reports():
        if args.json:
            print(report.to_json(), flush=True)
            continue
        m = report.meta
        print(f"{m['source_path']}: {m['status']} · {m['format']} · {m['agency']} · {m['year']} · {len(report.cell_rows)} cells"
              + (f" · {m['message']}" if m["message"] else ""))
    return 0


def cmd_ingest(args) -> int:
    from .ingest import ingest

    result = ingest(args.raw_dir, args.out, jobs=args.jobs, force=args.force, timeout=args.timeout, dask_address=args.dask)
    print(result.summary())
    return 0


def cmd_run(args) -> int:
    from .batch import run

    return run(jobs=args.jobs, force=args.force)


def cmd_check(args) -> int:
    from .quality import check_report

    text, problems = check_report(args.dir)
    print(text)
    return 1 if problems and args.strict else 0


def cmd_export(args) -> int:
    from .export import export

    shape = "long" if args.long else "rates" if args.rates else "wide"
    path = export(args.dir, args.to, all_files=args.all_files, shape=shape)
    print(f"wrote {path}")
    return 0


def cmd_agencies(args) -> int:
    from .agencies import agencies

    table = agencies(args.dir, like=args.like)
    if table.empty:
        print("no agency found" + (f" like {args.like!r}" if args.like else ""))
        return 1 if args.like else 0
    print(table.astype(object).where(table.notna(), "").to_string(index=False))
    return 0


def cmd_fetch(args) -> int:
    from .fetch import Settings, fetch, read_list

    items = read_list(args.urls)
    settings = Settings(Path(args.out), jobs=args.jobs, timeout=args.timeout, delay=args.delay, max_bytes=args.max_bytes, per_host=args.per_host)
    summary = fetch(items, settings)
    print(summary)
    print(f"log: {Path(args.out) / 'fetch-log.csv'}; next: ogi run (or make run) reads {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ogi",
        description="Read China's government information-disclosure annual reports (政府信息公开工作年度报告) into tidy, checked tables.",
    )
    p.add_argument("--version", action="version", version=f"ogi {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("parse", help="read report files and print their tables (one JSON object per file with --json)")
    s.add_argument("files", nargs="+", metavar="FILE")
    s.add_argument("--json", action="store_true", help="one JSON object per file, one per line")
    s.set_defaults(func=cmd_parse)

    s = sub.add_parser("ingest", help="read every file under RAW_DIR into Parquet tables (reports, cells, checks)")
    s.add_argument("raw_dir", nargs="?", default=str(paths.RAW), metavar="RAW_DIR")
    s.add_argument("--out", default=str(paths.PROCESSED), metavar="DIR")
    s.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    s.add_argument("--force", action="store_true", help="re-read files even when their cached result is current")
    s.add_argument("--timeout", type=float, default=60.0, help="seconds allowed per file (default 60)")
    s.add_argument("--dask", default=None, metavar="ADDRESS", help="run the per-file work on this Dask scheduler")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("run", help="ingest, then execute the notebooks and write the HTML report site under reports/")
    s.add_argument("--jobs", type=int, default=None)
    s.add_argument("--force", action="store_true")
    s.set_defaults(func=cmd_run)

    s = sub.add_parser("check", help="print the failing checks and suspicious data of a processed corpus")
    s.add_argument("dir", nargs="?", default=str(paths.PROCESSED), metavar="DIR")
    s.add_argument("--strict", action="store_true", help="exit 1 when anything is reported")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("export", help="write the store for spreadsheets, R or Stata: wide (one row per report), --long (per cell) or --rates")
    s.add_argument("dir", nargs="?", default=str(paths.PROCESSED), metavar="DIR")
    s.add_argument("--to", required=True, metavar="FILE.csv|.xlsx|.dta|.parquet")
    shape = s.add_mutually_exclusive_group()
    shape.add_argument("--long", action="store_true", help="one row per cell: identity, table, row, column, value, flag, raw, locator")
    shape.add_argument("--rates", action="store_true", help="one row per report and metric: numerator, denominator, inputs read, value, note")
    s.add_argument("--all-files", action="store_true", help="every file, not only the primary of each agency and year")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("fetch", help="download report pages and their attachments from a list of URLs into a raw folder, with provenance")
    s.add_argument("urls", metavar="URLS", help="a text file (one URL a line) or a CSV with url and optional agency, year, note columns")
    s.add_argument("--out", default=str(paths.RAW / "fetched"), metavar="DIR")
    s.add_argument("--jobs", type=int, default=4, help="hosts fetched at once (default 4)")
    s.add_argument("--per-host", type=int, default=1, help="requests at once to one host (default 1)")
    s.add_argument("--timeout", type=float, default=30.0, help="seconds per request, connect and read (default 30)")
    s.add_argument("--delay", type=float, default=1.0, help="seconds between two requests to one host (default 1)")
    s.add_argument("--max-bytes", type=int, default=100 * 1024 * 1024, help="largest file kept (default 100 MB)")
    s.set_defaults(func=cmd_fetch)

    s = sub.add_parser("agencies", help="list the agencies of a processed corpus: key, region, level, kind, years, statuses")
    s.add_argument("dir", nargs="?", default=str(paths.PROCESSED), metavar="DIR")
    s.add_argument("--like", default=None, metavar="NAME", help="only agencies whose name or key contains NAME, closest names first")
    s.set_defaults(func=cmd_agencies)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ModuleNotFoundError as e:
        if e.name and e.name.startswith("ogi."):
            print(f"ogi {args.command}: not built yet ({e.name} is missing)", file=sys.stderr)
            return 2
        raise
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
