"""The domain flow in one screen: discover -> read -> annotate -> link -> render -> write.

Every stage is a function of what the one before it returns. The stage
functions come in a `Stages` record, so that builder/incremental/ can hand in
memoized ones and builder/execution/ can run the per-article map elsewhere:
this module holds no cache, fork or memo key. Writing is the caller's (the CLI
writes into a folder, the MkDocs hook hands the files to MkDocs).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from builder.annotate import annotate
from builder.config import Config
from builder.errors import CheckError
from builder.execution import Executor
from builder.execution.local import LocalExecutor
from builder.ingest import read_file
from builder.ingest.discover import Found, Input, discover
from builder.ingest.ids import assign_ids
from builder.link import link_corpus
from builder.link.duplicates import find_duplicates, fingerprint
from builder.messages import problem_lines
from builder.records import Annotations, Article, Corpus, Fingerprint, InputReport, Linked, Rejected
from builder.render import render_site
from builder.render.check import unverbatim


@dataclass(frozen=True)
class Analysed:
    """What the per-article map gives for one input file."""

    item: Article | Rejected
    annotations: Annotations | None = None
    fingerprint: Fingerprint | None = None  # for near-duplicates


def analyse_file(inp: Input, config: Config) -> Analysed:
    """Read one file and annotate it: the per-article work, with no shared state.

    An article the analysis fails on is rejected with the reason, like any bad input.
    """
    item = read_file(inp, config)
    if isinstance(item, Rejected):
        return Analysed(item)
    try:
        return Analysed(item, annotate(item, config), fingerprint(item))
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the build
        return Analysed(Rejected(inp.rel, f"could not be analysed ({type(exc).__name__}: {exc})"))


def analyse_job(job: tuple[Input, Config]) -> Analysed:
    """analyse_file for an executor's map, which passes one argument."""
    return analyse_file(*job)


@dataclass(frozen=True)
class Stages:
    """The stage functions the pipeline calls; builder/incremental/ wraps them with its memos."""

    analyse: Callable[[Sequence[Input], Config], list[Analysed]]  # the per-article map, in order
    link: Callable[[Sequence[Article], Mapping[str, Annotations], Config], Linked]
    render: Callable[[Corpus, Config], dict[str, str]]


def plain_stages(executor: Executor | None = None) -> Stages:
    """Return the stages without memos; the per-article map runs on executor (local by default)."""
    run = executor or LocalExecutor()

    def analyse_all(files: Sequence[Input], config: Config) -> list[Analysed]:
        return run.map(analyse_job, [(f, config) for f in files])

    return Stages(analyse=analyse_all, link=link_corpus, render=render_site)


@dataclass(frozen=True)
class Analysis:
    """The analysed corpus, with what led to it (incremental/ keeps it for patches)."""

    found: Found
    items: tuple[Article | Rejected, ...]  # one per listed file, in order, ids unique
    analysed: tuple[Analysed, ...]
    duplicates: Mapping[str, str]  # id of a near-duplicate -> id of the article kept
    corpus: Corpus


@dataclass(frozen=True)
class BuildResult:
    files: Mapping[str, str]  # docs-relative path -> text
    report: tuple[InputReport, ...]
    problems: tuple[str, ...]  # one line per rejected file or warning
    digests: Mapping[str, list] | None = None  # path -> [sha256, size] (output.write.digest)
    how: str = "built in full"  # or "nothing changed", "patched N edited article(s)"
    written: tuple[str, ...] = ()  # once written into a folder: the files written there, and removed
    removed: tuple[str, ...] = ()


def analyse(found: Found, config: Config, stages: Stages) -> Analysis:
    """Read, annotate and link every listed file; raise CheckError on a quote that is not verbatim."""
    analysed = stages.analyse(found.files, config)
    items = assign_ids([a.item for a in analysed])
    articles = [it for it in items if isinstance(it, Article)]
    annotations = {
        it.id: dataclasses.replace(a.annotations, source=it.id) for it, a in _pairs(items, analysed)
    }
    prints = {it.id: a.fingerprint for it, a in _pairs(items, analysed)}
    duplicates = find_duplicates(articles, prints)
    kept = tuple(a for a in articles if a.id not in duplicates)
    linked = stages.link(kept, {a.id: annotations[a.id] for a in kept}, config)
    corpus = Corpus(
        articles=kept,
        annotations=dict(linked.annotations),
        report=report(found, items, duplicates, annotations),
        claims=linked.claims,
        stories=linked.stories,
        events=linked.events,
        discrepancies=linked.discrepancies,
        inferred=dict(linked.inferred),
        unconfirmed=linked.unconfirmed,
    )
    bad = unverbatim(corpus)
    if bad:
        raise CheckError("citation check failed:\n" + "\n".join(bad[:20]))
    return Analysis(found, tuple(items), tuple(analysed), duplicates, corpus)


def _pairs(items: Sequence[Article | Rejected], analysed: Sequence[Analysed]):
    """Yield (article, its analysis) for each file read as an article."""
    for it, a in zip(items, analysed, strict=True):
        if isinstance(it, Article) and a.annotations is not None:
            yield it, a


def report(
    found: Found,
    items: Sequence[Article | Rejected],
    duplicates: Mapping[str, str],
    annotations: Mapping[str, Annotations],
) -> tuple[InputReport, ...]:
    """Return what happened to every file in the seeds folder, one line each, by file."""
    ids = {it.id: it for it in items if isinstance(it, Article)}
    out = [InputReport(r.file, "rejected", r.reason) for r in found.refused]
    for it in items:
        if isinstance(it, Rejected):
            out.append(InputReport(it.file, "rejected", it.reason))
        elif it.id in duplicates:
            of = ids[duplicates[it.id]]
            out.append(
                InputReport(it.file, "duplicate", f"same text as {of.file}", of.id, it.warnings, it.chrome)
            )
        else:
            ann = annotations.get(it.id)
            out.append(
                InputReport(it.file, "rendered", None, None, (*it.warnings, *(ann.warnings if ann else ())))
            )
    return tuple(sorted(out, key=lambda r: r.file))


def render(analysis: Analysis, config: Config, stages: Stages) -> BuildResult:
    """Return the generated files of an analysed corpus, with the input report."""
    corpus = analysis.corpus
    return BuildResult(stages.render(corpus, config), corpus.report, tuple(problem_lines(corpus.report)))


def build(seeds: Path, config: Config, stages: Stages | None = None, out: Path | None = None) -> BuildResult:
    """Run the whole flow without caches: discover, analyse, render (nothing is written)."""
    stages = stages or plain_stages()
    found = discover(seeds, config, exclude=out)
    return render(analyse(found, config, stages), config, stages)
