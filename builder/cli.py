"""Command line: python -m builder build [--seeds DIR] [--out DIR] [--config FILE] [--strict];
python -m builder add URL [URL...] [--seeds DIR] [--config FILE]."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from builder.errors import BuilderError, ConfigError
from builder.messages import clean

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m builder", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="generate the Markdown pages and data/ from the articles")
    b.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of articles (default: seeds)")
    b.add_argument("--out", type=Path, default=Path("docs"), help="docs folder to write into (default: docs)")
    b.add_argument("--config", type=Path, default=Path("research.yml"), help="research definition")
    b.add_argument("--strict", action="store_true", help="exit 1 if any input was rejected or warned about")
    b.add_argument(
        "--cache", type=Path, default=None, help="cache folder (default: .cache next to the config)"
    )
    b.add_argument("--no-cache", action="store_true", help="do not read or write the annotation cache")
    b.add_argument("--jobs", type=_positive, default=None, help="worker processes (default: one per core)")
    b.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="where the per-article work runs (default: local processes)",
    )
    b.add_argument("--scheduler", default=None, help="with --executor dask: the scheduler's address")
    b.add_argument(
        "--seeds-url",
        default=None,
        metavar="URL",
        help="with --executor dask: where the workers read the seeds folder (file:///shared/seeds, "
        "s3://bucket/seeds, or an absolute path there); the --seeds folder is still listed here",
    )
    b.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    e = sub.add_parser("evaluate", help="score a build of a gold corpus, layer by layer")
    e.add_argument("--gold", type=Path, required=True, help="gold annotations (e.g. tests/gold/gold.yml)")
    e.add_argument("--config", type=Path, default=None, help="research definition (default: research.yml)")
    e.add_argument("--json", action="store_true", help="print the full result as JSON")
    a = sub.add_parser("add", help="fetch web pages by URL and save them into the seeds folder")
    a.add_argument("urls", nargs="+", metavar="URL", help="address of an article (http or https)")
    a.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of articles (default: seeds)")
    a.add_argument("--config", type=Path, default=Path("research.yml"), help="research definition")
    return p


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return n


def _config(path: Path):
    """Load the research definition; any defect in it is a ConfigError naming the file."""
    from builder.config import load_config

    try:
        return load_config(path)
    except ConfigError:
        raise
    except (TypeError, ValueError, AttributeError, KeyError, RecursionError) as exc:
        raise ConfigError(f"{path}: invalid research definition: {type(exc).__name__}: {exc}") from None


class _Warnings(logging.Handler):
    """Collect what the builder logs at WARNING or above, so --strict counts it too."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _progress(quiet: bool):
    """Return a progress printer for an interactive terminal; None in CI, when piped or quiet."""
    if quiet or os.environ.get("CI") or not sys.stderr.isatty():
        return None
    last = [""]

    def show(stage: str, done: int, total: int) -> None:
        line = f"{stage}: {done}/{total}" if total else f"{stage}…"
        if line != last[0] and (not total or done == total or done % 50 == 0):
            sys.stderr.write("\r\033[K" + line + ("\n" if not total or done == total else ""))
            sys.stderr.flush()
            last[0] = line

    return show


def _say(msg: str) -> None:
    """Print one line to stderr, its control characters escaped (builder.messages.clean)."""
    print(clean(msg), file=sys.stderr)


def _error(exc: BaseException) -> None:
    """Print an error, one "error:" line per line of its message (research.yml lists several)."""
    for line in str(exc).split("\n"):
        _say(f"error: {line}")


def _inside(inner: Path, outer: Path) -> bool:
    return inner.resolve().is_relative_to(outer.resolve())


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "evaluate":
        return _evaluate(args)
    if args.command == "add":
        return _add(args)
    from builder.execution import make_executor
    from builder.incremental.engine import build

    logged = _Warnings()
    logging.getLogger("builder").addHandler(logged)
    try:
        if not args.seeds.is_dir():
            raise ConfigError(f"{args.seeds}: seeds folder not found")
        if args.out.exists() and not args.out.is_dir():
            raise ConfigError(f"{args.out}: --out is not a folder")
        if _inside(args.out, args.seeds):
            raise ConfigError(
                f"{args.out}: --out is inside the seeds folder {args.seeds}; choose another folder"
            )
        config = _config(args.config)
        cache = None if args.no_cache else (args.cache or args.config.resolve().parent / ".cache")
        executor = make_executor(args.executor, args.scheduler, args.jobs, args.seeds_url)
        try:
            result = build(args.seeds, config, cache, executor, _progress(args.quiet), args.out)
        finally:
            executor.close()
        written, removed = result.written, result.removed
    except OSError as exc:
        _say(f"error: {exc.filename or args.out}: {exc.strerror or exc}")
        return EXIT_FAILED
    except ConfigError as exc:
        _error(exc)
        return EXIT_USAGE
    except BuilderError as exc:  # a failed check (CheckError) or any other build failure
        _error(exc)
        return EXIT_FAILED
    finally:
        logging.getLogger("builder").removeHandler(logged)
    problems = [*result.problems, *logged.lines]
    for line in problems:
        _say(line)
    if not args.quiet:
        counts = {
            k: sum(1 for r in result.report if r.status == k) for k in ("rendered", "duplicate", "rejected")
        }
        _say(
            f"{counts['rendered']} rendered, {counts['duplicate']} duplicates, {counts['rejected']} rejected; "
            f"{len(written)} files written, {len(removed)} removed in {args.out} ({result.how})"
        )
    if args.strict and problems:
        _say(f"strict: {len(problems)} problems (see above)")
        return EXIT_FAILED
    return EXIT_OK


def _add(args: argparse.Namespace) -> int:
    """Run `add URL [URL...]`: 0 when every page was saved, 1 when any failed, 2 on a config error."""
    from builder.ingest.fetch import add, report, topics_of

    try:
        config = _config(args.config)
    except ConfigError as exc:
        _say(f"error: {exc}")
        return EXIT_USAGE
    if args.seeds.exists() and not args.seeds.is_dir():
        _say(f"error: {args.seeds}: --seeds is not a folder")
        return EXIT_USAGE
    return report(add(list(args.urls), args.seeds, config, topics=topics_of(config)))


def _evaluate(args: argparse.Namespace) -> int:
    """Print the scores of a gold corpus; exit 0 when it ran, 2 on a bad gold file."""
    from builder.evaluate import GoldError, evaluate, format_table, to_json

    try:
        result = evaluate(args.gold, args.config)
    except GoldError as exc:
        _say(f"error: {exc}")
        return EXIT_USAGE
    print(to_json(result) if args.json else format_table(result), end="")
    return EXIT_OK


def run() -> None:
    """Entry point of `python -m builder` and `research-site`."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
