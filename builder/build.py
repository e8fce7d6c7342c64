"""The orchestrator: read and analyse everything, then return the files to write.

load -> annotate (per article, cached, parallel) -> link (corpus) -> render.
Nothing is written here; the CLI and the MkDocs hook are the two sinks.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from builder import link
from builder.annotate import annotate_cached
from builder.citation import render_citations, site_settings
from builder.config import Config
from builder.errors import CheckError
from builder.export import render_data
from builder.load import load_file
from builder.records import Annotations, Article, Corpus, InputReport, Rejected
from builder.render import Site, render_pages

RESERVED_IDS = frozenset({"index"})  # sources/index.md is the list of sources
PARALLEL_FROM = 64  # files; below this a process pool costs more than it saves


@dataclass(frozen=True)
class BuildResult:
    files: dict[str, str]  # docs-relative path -> text
    report: tuple[InputReport, ...]
    problems: tuple[str, ...]  # one line per rejected file, warning or failed check

    @property
    def clean(self) -> bool:
        return not self.problems


def discover(seeds: Path, config: Config) -> tuple[list[tuple[Path, str]], list[Rejected]]:
    """Return the input files in sorted order, and the ones refused before reading."""
    files: list[tuple[Path, str]] = []
    refused: list[Rejected] = []
    root = seeds.resolve()
    for dirpath, dirnames, filenames in os.walk(seeds, followlinks=False):
        dirnames.sort()
        rel_dir = Path(dirpath).relative_to(seeds)
        depth = len(rel_dir.parts)
        for name in sorted(filenames) + sorted(d for d in dirnames if (Path(dirpath) / d).is_symlink()):
            path = Path(dirpath) / name
            rel = (rel_dir / name).as_posix()
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root):
                    refused.append(Rejected(rel, "symbolic link pointing outside the seeds folder"))
                    continue
                if target.is_dir():
                    refused.append(Rejected(rel, "symbolic link to a folder (not followed)"))
                    continue
            if depth > config.limits.max_depth:
                refused.append(
                    Rejected(rel, f"nested {depth} folders deep, over the limit of {config.limits.max_depth}")
                )
                continue
            files.append((path, rel))
        if depth >= config.limits.max_depth + 1:
            dirnames[:] = [d for d in dirnames if False]
    return files, refused


def _unique_ids(items: list[Article | Rejected]) -> list[Article | Rejected]:
    """Give every article a corpus-unique id; later collisions get a hash suffix."""
    seen: set[str] = set()
    out: list[Article | Rejected] = []
    for it in items:
        if isinstance(it, Article) and (it.id in seen or it.id in RESERVED_IDS):
            new = f"{it.id}-{hashlib.sha1(it.file.encode()).hexdigest()[:6]}"
            why = (
                "reserved for the sources index"
                if it.id in RESERVED_IDS
                else "another file has the same name"
            )
            it = dataclasses.replace(it, id=new, warnings=(*it.warnings, f"id renamed to {new}: {why}"))
        if isinstance(it, Article):
            seen.add(it.id)
        out.append(it)
    return out


def _load_one(args: tuple[Path, str, Config, Path | None]) -> tuple[Article | Rejected, Annotations | None]:
    path, rel, config, cache = args
    item = load_file(path, rel, config)
    if isinstance(item, Rejected):
        return item, None
    return item, annotate_cached(item, config, cache)


def _map(fn: Callable, jobs: list, workers: int) -> list:
    if workers > 1 and len(jobs) >= PARALLEL_FROM:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(fn, jobs, chunksize=max(1, len(jobs) // (workers * 8))))
    return [fn(j) for j in jobs]


def analyse(seeds: Path, config: Config, cache: Path | None = None, workers: int | None = None) -> Corpus:
    """Read, annotate and link every input; return the whole corpus in memory."""
    files, refused = discover(seeds, config)
    workers = workers or os.cpu_count() or 1
    loaded = _map(_load_one, [(p, r, config, cache) for p, r in files], workers)
    items = _unique_ids([it for it, _ in loaded])
    annotations: dict[str, Annotations] = {}
    for it, (_, ann) in zip(items, loaded, strict=True):
        if isinstance(it, Article) and ann is not None:
            annotations[it.id] = dataclasses.replace(ann, source=it.id)
    articles = [it for it in items if isinstance(it, Article)]
    dupes = link.find_duplicates(articles)
    by_file = {}
    for it in items:
        by_file[it.file] = it
    kept = tuple(a for a in articles if a.id not in dupes)
    ids = {a.id: a for a in articles}
    report = []
    for r in refused:
        report.append(InputReport(r.file, "rejected", r.reason))
    for it in items:
        if isinstance(it, Rejected):
            report.append(InputReport(it.file, "rejected", it.reason))
        elif it.id in dupes:
            of = ids[dupes[it.id]]
            report.append(InputReport(it.file, "duplicate", f"same text as {of.file}", of.id, it.warnings))
        else:
            report.append(InputReport(it.file, "rendered", None, None, it.warnings))
    report.sort(key=lambda r: r.file)
    annotations = {a.id: annotations[a.id] for a in kept if a.id in annotations}

    claims = link.build_claims(kept, annotations, config)
    stories = link.build_stories(kept, claims, config.language)
    inferred = link.infer_dates(kept, stories)
    if inferred:
        # Relative dates in an undated article resolve once its date is inferred.
        for sid, (day, precision, _) in inferred.items():
            art = dataclasses.replace(
                next(a for a in kept if a.id == sid), published=day, published_precision=precision
            )
            annotations[sid] = dataclasses.replace(annotate_cached(art, config, cache), source=sid)
        claims = link.build_claims(kept, annotations, config)
    published = {a.id: a.published or inferred.get(a.id, (None,))[0] for a in kept}
    events = link.build_timeline(kept, annotations, claims, stories, published)
    story_of = {sid: st.id for st in stories for sid in st.sources}
    discrepancies = link.build_discrepancies(kept, annotations, stories, config, published)
    discrepancies += link.claim_conflicts(claims, annotations, story_of)
    return Corpus(
        articles=kept,
        annotations=annotations,
        report=tuple(report),
        claims=claims,
        stories=stories,
        events=events,
        discrepancies=discrepancies,
        inferred=inferred,
    )


def check(corpus: Corpus) -> list[str]:
    """Return every citation whose quote is not verbatim in its paragraph."""
    text = {(a.id, p.id): p.text for a in corpus.articles for p in a.paragraphs}
    bad = []
    cites = [c for cl in corpus.claims for c in cl.citations]
    cites += [c for e in corpus.events for c in e.citations]
    cites += [c for d in corpus.discrepancies for v in d.values for c in v.citations]
    for c in cites:
        para = text.get((c.source, c.paragraph))
        if para is None or para[c.start : c.end] != c.quote:
            bad.append(f"{c.source}#{c.paragraph}: quote is not verbatim in the paragraph: {c.quote[:60]!r}")
    return bad


def generate(corpus: Corpus, config: Config) -> dict[str, str]:
    """Return every generated file: Markdown pages and data exports."""
    files = render_pages(corpus, config)
    files.update(render_data(corpus, config, Site(corpus, config).source_topics))
    files.update(
        render_citations(
            files["data/sources.json"], config.title, config.description, **site_settings(os.environ)
        )
    )
    return dict(sorted(files.items()))


def build(seeds: Path, config: Config, cache: Path | None = None, workers: int | None = None) -> BuildResult:
    """Run the whole pipeline; raise CheckError if a generated quote is not verbatim."""
    corpus = analyse(seeds, config, cache, workers)
    bad = check(corpus)
    if bad:
        raise CheckError("citation check failed:\n" + "\n".join(bad[:20]))
    problems = []
    for r in corpus.report:
        if r.status == "rejected":
            problems.append(f"{r.file}: rejected: {r.reason}")
        for w in r.warnings:
            problems.append(f"{r.file}: warning: {w}")
    return BuildResult(generate(corpus, config), corpus.report, tuple(problems))
