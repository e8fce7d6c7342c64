"""The orchestrator: read and analyse everything, then return the files to write.

load -> annotate (per article, cached, parallel) -> link (corpus) -> render.
Nothing is written here; the CLI and the MkDocs hook are the two sinks.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import logging
import os
import pickle
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from builder.cachefile import read_pickle as _read_pickle
from builder.cachefile import write_pickle as _write_pickle
from builder.config import Config
from builder.errors import BuilderError, CheckError, ConfigError
from builder.load import load_file
from builder.records import Annotations, Article, Corpus, Fingerprint, InputReport, Rejected
from builder.write import Tree, digest, write_tree

# The stages past loading (annotate, link, render, exports) are imported where they run:
# a rebuild where nothing changed needs none of them, and importing them was a fifth of it.

RESERVED_IDS = frozenset({"index"})  # sources/index.md is the list of sources
log = logging.getLogger(__name__)

PARALLEL_FROM = 64  # files; below this a process pool costs more than it saves
CHUNK = 32  # files a worker takes at a time: small, so both cores stay busy to the end


@dataclass(frozen=True)
class BuildResult:
    files: Mapping[str, str]  # docs-relative path -> text
    report: tuple[InputReport, ...]
    problems: tuple[str, ...]  # one line per rejected file, warning or failed check
    digests: Mapping[str, list] | None = None  # path -> [sha256, size] (write.digest) of each file
    how: str = "built in full"  # or "nothing changed", "patched N edited article(s)" (builder/delta.py)
    written: tuple[str, ...] = ()  # with build(out=...): the files written there, and removed
    removed: tuple[str, ...] = ()

    @property
    def clean(self) -> bool:
        return not self.problems


_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def _display(name: str) -> str:
    """Return a file name fit for the report: undecodable bytes shown as \\xNN escapes."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def discover(seeds: Path, config: Config) -> tuple[list[tuple[Path, str]], list[Rejected]]:
    """Return the input files in sorted order, and the ones refused before reading.

    Every entry under seeds is listed once: regular files to read, and refusals
    (symbolic links leaving the folder, broken or to folders, pipes, sockets and
    devices, files nested deeper than limits.max_depth, unreadable folders) with
    the reason. Nothing outside seeds is ever opened, and a pipe is never read.
    """
    return _discover(seeds, config)[:2]


def _discover(
    seeds: Path, config: Config
) -> tuple[list[tuple[Path, str]], list[Rejected], list[tuple[int, int]]]:
    """Return discover() and each file's (size, mtime_ns), from the one stat each file gets."""
    if not seeds.is_dir():
        raise ConfigError(f"{seeds}: seeds folder not found")
    files: list[tuple[Path, str]] = []
    refused: list[Rejected] = []
    stats: list[tuple[int, int]] = []
    root = seeds.resolve()
    limit = config.limits.max_depth
    stack: list[tuple[Path, str]] = [(seeds, "")]  # (folder, its path relative to seeds)
    while stack:
        folder, rel_dir = stack.pop()
        depth = rel_dir.count("/") + 1 if rel_dir else 0
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            name = f"{rel_dir}/" if rel_dir else "."
            refused.append(Rejected(name, f"cannot read folder: {exc.strerror or exc}"))
            continue
        subfolders = []
        for entry in entries:
            rel = f"{rel_dir}/{_display(entry.name)}" if rel_dir else _display(entry.name)
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    target = Path(os.path.realpath(path))
                    if not target.is_relative_to(root):
                        refused.append(Rejected(rel, "symbolic link pointing outside the seeds folder"))
                        continue
                    if not target.exists():
                        refused.append(Rejected(rel, "broken symbolic link (its target does not exist)"))
                        continue
                    if target.is_dir():
                        refused.append(Rejected(rel, "symbolic link to a folder (not followed)"))
                        continue
                elif entry.is_dir(follow_symlinks=False):
                    subfolders.append((path, rel))
                    continue
                st = os.stat(path)
                mode = st.st_mode
            except OSError as exc:
                refused.append(Rejected(rel, f"cannot read file: {exc.strerror or exc}"))
                continue
            if not stat.S_ISREG(mode):
                kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
                refused.append(Rejected(rel, f"not a regular file: {kind}"))
            elif depth > limit:
                refused.append(Rejected(rel, f"nested {depth} folders deep, over the limit of {limit}"))
            else:
                files.append((path, rel))
                stats.append((st.st_size, st.st_mtime_ns))
        stack.extend(reversed(subfolders))
    return files, refused, stats


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


def _read_one(
    args: tuple[Path, str, Config, Path | None],
) -> tuple[Article | Rejected, Annotations | None, str | None]:
    """Load and annotate one file; with the digest of what build_claims reads of it (its claims memo key)."""
    from builder import link
    from builder.annotate import annotate_cached

    path, rel, config, cache = args
    item = load_file(path, rel, config)
    if isinstance(item, Rejected):
        return item, None, None
    ann = annotate_cached(item, config, cache)
    return item, ann, link.items_digest(item, ann)


def _load_one(
    args: tuple[Path, str, Config, Path | None],
) -> tuple[tuple[Article | Rejected, Annotations | None, Fingerprint | None, str | None], list]:
    """The per-article stages: load, annotate, fingerprint for duplicates, digest for the claims memo;
    with the annotate cache entries this made (a worker's are saved by the build, see annotate.Store)."""
    from builder import annotate, link

    item, ann, dg = _read_one(args)
    made = annotate.store(args[3]).take() if args[3] is not None else []
    return (item, ann, link.fingerprint(item) if isinstance(item, Article) else None, dg), made


# ---------------------------------------------------------------- caches
# Small layers over annotate's content-hash cache, so unchanged inputs are
# neither read nor parsed again, and unchanged results not computed again. All
# are keyed by a fingerprint of the code and the research definition; inputs
# also by each file's (size, mtime_ns), or its SHA-256 when those changed:
# - loaded-NN.pickle: {relative path: (size, mtime_ns, Article | Rejected, Annotations,
#   Fingerprint, link.items_digest)}
# - result.pickle: the BuildResult of the last build, for a rebuild where nothing changed;
#   its pages are in result-files-NN.pickle by name, read only when one is asked for (StoredFiles).
# - pages-NN.pickle: {source page: ((article, render.SourcePage), text)}, so a source page
#   whose inputs did not change is not rendered again (render.Site.memo).
# - delta.pickle: what builder/delta.py needs to patch the last result after a few edits.
# - claims.pickle: the claims of the last build's runs of build_claims, by a key of their
#   inputs (see ClaimsMemo), so an edit that changes no claim sentence links no claim again.
# - inferred.pickle: the dates the last build inferred, to start the second run of
#   build_claims early (see analyse; a wrong guess only costs the time it saved), and
#   the weekdays it found in undated articles (link.infer_dates).
# A stale or unreadable cache file is ignored; the content-hash cache still applies.

LOADED = "loaded-{:02d}.pickle"  # in shards by path, so one changed file rewrites one shard
SHARDS = 32  # of each sharded cache file
RESULT = "result.pickle"
RESULT_FILES = "result-files-{:02d}.pickle"
PAGES = "pages-{:02d}.pickle"
DELTA = "delta.pickle"
INFERRED = "inferred.pickle"
CLAIMS = "claims.pickle"


def _shard(rel: str) -> int:
    """Return the shard of a cache entry by its name, an input file or a page (the same in every process)."""
    return (
        int.from_bytes(hashlib.blake2b(rel.encode("utf-8", "surrogateescape"), digest_size=4).digest(), "big")
        % SHARDS
    )


def _code_key(config: Config) -> str:
    """Return a fingerprint of the builder's source files and the research definition."""
    h = hashlib.sha256(repr(config).encode("utf-8"))
    pkg = Path(__file__).resolve().parent
    for p in sorted([*pkg.rglob("*.py"), *pkg.rglob("*.yml"), *pkg.rglob("*.j2")]):
        h.update(p.relative_to(pkg).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def read_shards(cache: Path, name: str, key: str, which: Iterable[int] = range(SHARDS)) -> dict:
    """Return the union of the shards of a sharded cache file (a missing or stale one is empty)."""
    out: dict = {}
    for k in which:
        out.update(_read_pickle(Path(cache) / name.format(k), key) or {})
    return out


def write_shards(
    cache: Path, name: str, key: str | Sequence[str], entries: Mapping[str, object], which: Iterable[int]
) -> None:
    """Write the given shards of a sharded cache file from entries, a superset of their contents.

    key: the key of every shard, or of each (a sequence indexed by shard).
    """
    shards: dict[int, dict] = {k: {} for k in which}
    for rel, value in entries.items():
        k = _shard(rel)
        if k in shards:
            shards[k][rel] = value
    for k, shard in sorted(shards.items()):
        _write_pickle(Path(cache) / name.format(k), key if isinstance(key, str) else key[k], shard)


class StoredFiles(Mapping[str, str]):
    """The pages of a memoized result: names known at once, texts read from the cache on first use.

    The pages are in RESULT_FILES shards by name, each holding its key (a digest
    of its contents), then its pages, as two pickles: a build rewrites only the
    shards whose pages changed, and the keys are checked when the result is taken from
    the cache, and a shard's pages are read only when one of them is asked for
    (a rebuild where nothing changed never asks; one that changed a page reads
    its shard).
    """

    def __init__(self, cache: Path, keys: Sequence[str], names: Iterable[str]) -> None:
        self._cache, self._keys, self._names = Path(cache), tuple(keys), tuple(names)
        self._shards: dict[int, dict[str, str]] = {}

    @staticmethod
    def content_keys(digests: Mapping[str, list]) -> tuple[str, ...]:
        """Return the key of each shard: a digest of its pages' names and digests (write.digest)."""
        hashes = [hashlib.sha256() for _ in range(SHARDS)]
        for name in sorted(digests):
            hashes[_shard(name)].update(f"{name}\0{digests[name][0]}\n".encode("utf-8", "surrogateescape"))
        return tuple(h.hexdigest() for h in hashes)

    @staticmethod
    def save(
        cache: Path, keys: Sequence[str], files: Mapping[str, str], which: Iterable[int] = range(SHARDS)
    ) -> None:
        """Write the given shards, each under its key, but those already stored under it (a key
        names a shard's contents): files holds at least their pages."""
        stale = []
        for k in which:
            try:
                with open(Path(cache) / RESULT_FILES.format(k), "rb") as fh:
                    if pickle.load(fh) == keys[k]:
                        continue
            except Exception:
                pass
            stale.append(k)
        write_shards(cache, RESULT_FILES, keys, files, stale)

    def fresh(self) -> bool:
        for k, key in enumerate(self._keys):
            try:
                with open(self._cache / RESULT_FILES.format(k), "rb") as fh:
                    if pickle.load(fh) != key:
                        return False
            except Exception:
                return False
        return len(self._keys) == SHARDS

    def shard(self, k: int) -> dict[str, str]:
        """Return the pages of one shard, read on first use."""
        if k not in self._shards:
            self._shards[k] = self._load(k)
        return self._shards[k]

    def _load(self, k: int) -> dict[str, str]:
        path = self._cache / RESULT_FILES.format(k)
        try:
            with open(path, "rb") as fh:
                ok = pickle.load(fh) == self._keys[k]
                files = pickle.load(fh) if ok else None
        except Exception:
            files = None
        if files is None:
            raise BuilderError(f"{path}: cache changed during the build; build again")
        return files

    def __getitem__(self, name: str) -> str:
        return self.shard(_shard(name))[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _child(send, fn: Callable, args: tuple) -> None:
    try:
        value = (True, fn(*args))
    except BaseException as exc:  # handed to the parent, which raises it
        value = (False, exc)
    try:
        send.send(value)
    except Exception as exc:  # an unpicklable result or error: say what it was
        send.send((False, BuilderError(f"{fn.__name__} in a child process: {exc!r}")))
    send.close()


class Forked:
    """Run fn(*args) in a forked child; result() waits for it, cancel() stops it.

    Fork shares the parent's memory as it is, so the arguments are not copied
    (the corpus would be); the result comes back pickled. result() raises what
    fn raised. Where fork is missing or fails, or the child dies (killed, out of
    memory), result() runs fn in this process instead.
    """

    def __init__(self, fn: Callable, *args) -> None:
        import multiprocessing

        self.fn, self.args, self.child, self.recv = fn, args, None, None
        if "fork" not in multiprocessing.get_all_start_methods():
            return
        ctx = multiprocessing.get_context("fork")
        recv, send = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_child, args=(send, fn, args))  # not daemonic: it may fork too
        try:
            child.start()
        except (AssertionError, OSError) as exc:  # in a daemonic process, or no process left
            log.debug("cannot fork for %s: %s", fn.__name__, exc)
            recv.close()
        else:
            self.child, self.recv = child, recv
        send.close()

    def result(self):
        if self.child is None:
            return self.fn(*self.args)
        try:
            ok, value = self.recv.recv()
        except EOFError:  # the child died before it answered
            self._reap()
            log.debug("%s in a child process died", self.fn.__name__)
            return self.fn(*self.args)
        self._reap()
        if not ok:
            raise value
        return value

    def cancel(self) -> None:
        if self.child is not None:
            self.child.terminate()
            self._reap()

    def _reap(self) -> None:
        self.recv.close()
        self.child.join()
        self.child = None


FORK_FROM = 256  # articles; below this a stage is over before a fork has paid for itself


def _two_cores(workers: int | None, articles: Sequence) -> bool:
    """Return whether to run two stages at once in forked children (see Forked)."""
    return (workers or os.cpu_count() or 1) > 1 and len(articles) >= FORK_FROM


def _map(fn: Callable, jobs: list, workers: int, progress: Progress | None = None) -> list:
    """Return [fn(job) for job in jobs], on a process pool past PARALLEL_FROM jobs."""
    out: list = []
    if workers > 1 and len(jobs) >= PARALLEL_FROM:
        # gc.enable: workers start with the collector the build paused (see _collector_paused)
        with ProcessPoolExecutor(max_workers=workers, initializer=gc.enable) as pool:
            results = pool.map(fn, jobs, chunksize=max(1, min(CHUNK, len(jobs) // (workers * 8))))
            for r in results:
                out.append(r)
                if progress:
                    progress("reading and annotating", len(out), len(jobs))
        return out
    for j in jobs:
        out.append(fn(j))
        if progress:
            progress("reading and annotating", len(out), len(jobs))
    return out


def analyse(
    seeds: Path,
    config: Config,
    cache: Path | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    found: tuple[list[tuple[Path, str]], list[Rejected], list[tuple[int, int]]] | None = None,
    later: list[Callable[[], None]] | None = None,
) -> Corpus:
    """Read, annotate and link every input; return the whole corpus in memory.

    found: what _discover() returns, when the caller has it already.
    later: where given, what nothing else in analyse waits for is left to the caller: the
    cache writes (the claims memo, the state of delta patches, new annotations) are appended there, and the
    timeline is left empty (see with_timeline). Those that need no claims are done while a
    child builds them, if one does.
    """
    from builder import annotate, link

    def defer(job: Callable[[], None]) -> None:
        """Leave a cache write to the caller, where it takes them (later), or do it now."""
        if later is not None:
            later.append(job)
        else:
            job()

    files, refused, stats = found if found else _discover(seeds, config)
    workers = workers or os.cpu_count() or 1
    key = _code_key(config) if cache is not None else ""
    known: dict = read_shards(cache, LOADED, key) if cache is not None else {}
    loaded: list = [None] * len(files)
    todo, restat = [], []
    for n, ((path, r), st) in enumerate(zip(files, stats, strict=True)):
        hit = known.get(r)
        if hit is not None and hit[:2] == st:
            loaded[n] = hit[2:]
        elif (
            hit is not None
            and hit[0] == st[0]
            and isinstance(hit[2], Article)
            and _sha256(path) == hit[2].sha256
        ):
            loaded[n] = hit[2:]  # touched, not changed: a fresh checkout, a restored CI cache
            restat.append(n)
        else:
            todo.append(n)
    for n, (res, made) in zip(
        todo, _map(_load_one, [(*files[n], config, cache) for n in todo], workers, progress), strict=True
    ):
        loaded[n] = res
        if made:
            annotate.store(cache).keep(made)
    if cache is not None:
        gone = set(known) - {r for _, r in files}
        dirty = {_shard(files[n][1]) for n in todo + restat} | {_shard(r) for r in gone}
        entries = {r: (*st, *res) for (_, r), st, res in zip(files, stats, loaded, strict=True)}
        defer(lambda: write_shards(cache, LOADED, key, entries, dirty))
    items = _unique_ids([it for it, *_ in loaded])
    annotations: dict[str, Annotations] = {}
    prints: dict[str, Fingerprint] = {}
    digests: dict[str, tuple[Annotations, str]] = {}
    for it, (_, ann, fp, dg) in zip(items, loaded, strict=True):
        if isinstance(it, Article) and ann is not None:
            annotations[it.id] = dataclasses.replace(ann, source=it.id)
            prints[it.id] = fp
            digests[it.id] = (annotations[it.id], dg)
    articles = [it for it in items if isinstance(it, Article)]
    dupes = link.find_duplicates(articles, prints)
    if cache is not None:
        from builder import delta

        state = (Path(cache), key, refused, files, stats, items, prints, dupes)
        defer(lambda: delta.save_state(*state))
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
            ann = annotations.get(it.id)
            report.append(
                InputReport(it.file, "rendered", None, None, (*it.warnings, *(ann.warnings if ann else ())))
            )
    report.sort(key=lambda r: r.file)
    annotations = {a.id: annotations[a.id] for a in kept if a.id in annotations}

    # Relative dates in an undated article resolve once its date is inferred from
    # its story, which the claims give; the claims are then built again where that
    # changed an annotation. The last build's inferred dates usually hold: that
    # second run starts on them at once, in a child, and is kept if they did.
    last, weekdays = (_read_pickle(Path(cache) / INFERRED, key) if cache is not None else None) or ({}, {})
    redone: dict = {}  # annotations on an inferred date, shared by the guess and the final run
    guess = _dated(kept, annotations, last, config, cache, redone)
    memo = ClaimsMemo(Path(cache) / CLAIMS if cache is not None else None, key, kept, config, digests)
    ahead = (
        Forked(link.build_claims, kept, guess, config)
        if guess and workers > 1 and guess not in memo
        else None
    )
    try:
        items: dict = {}  # the sentences build_claims scores, per article: reused by the second run
        sources, raw_claims = memo.sources(annotations, items)
        stories = link.build_stories(kept, sources, config.language)
        seen = dict(weekdays)
        inferred = link.infer_dates(kept, stories, weekdays)
        if cache is not None and (inferred != last or weekdays != seen):
            _write_pickle(Path(cache) / INFERRED, key, (inferred, weekdays))
        final = _dated(kept, annotations, inferred, config, cache, redone)
        if cache is not None:  # every annotation of this build is made by now
            defer(annotate.store(cache).save)
        dated = final or annotations
        published = _published(kept, inferred)
        # what needs no claims, while the child may still be building them
        discrepancies = link.build_discrepancies(kept, dated, stories, config, published)
        if final and ahead is not None and final == guess:
            while later:  # while the child finishes: the cache writes that need no claims
                later.pop(0)()
            claims = memo.claims(final, items, ahead.result)
        elif final:
            claims = memo.claims(final, items)
        else:
            claims = raw_claims()
    finally:  # a wrong guess, or an error here: the child is not waited for
        if ahead is not None:
            ahead.cancel()
    defer(memo.save)
    annotations = dated
    story_of = {sid: st.id for st in stories for sid in st.sources}
    discrepancies += link.claim_conflicts(claims, annotations, story_of)
    corpus = Corpus(
        articles=kept,
        annotations=annotations,
        report=tuple(report),
        claims=claims,
        stories=stories,
        discrepancies=discrepancies,
        inferred=inferred,
    )
    return corpus if later is not None else with_timeline(corpus)


def with_timeline(corpus: Corpus) -> Corpus:
    """Return the corpus with its timeline (the dated events of its claims and stories)."""
    from builder import link

    published = _published(corpus.articles, corpus.inferred)
    events = link.build_timeline(
        corpus.articles, corpus.annotations, corpus.claims, corpus.stories, published
    )
    return dataclasses.replace(corpus, events=events)


def _published(articles: Iterable[Article], inferred: Mapping[str, tuple]) -> dict[str, str | None]:
    """Return each article's date: its own, or the one inferred from its story."""
    return {a.id: a.published or inferred.get(a.id, (None,))[0] for a in articles}


SOURCES = "sources:"  # the memo's key of the claims' sources alone (ClaimsMemo.sources)


class ClaimsMemo:
    """build_claims with the last build's results, by a key of their inputs.

    The key is the research definition plus, for each article in order, its
    id, language and link.items_digest of the annotations given: everything
    build_claims reads. The digests of loaded annotations come from the
    per-file cache, the others are computed here. The file holds the code key,
    the result keys, then the results, as three pickles: the results are read
    only when a key matches. save() keeps this build's runs only; of a run whose
    claims were not needed, only their sources (under SOURCES + its key).
    """

    def __init__(
        self,
        path: Path | None,
        code: str,
        kept: tuple[Article, ...],
        config: Config,
        digests: Mapping[str, tuple[Annotations, str]],
    ) -> None:
        self.path, self.code, self.kept, self.config = path, code, kept, config
        self.digests = dict(digests)  # id -> (annotations, digest), checked by identity
        self.stored: list[str] = []
        self.results: dict[str, tuple] | None = None  # read on the first hit
        self.used: dict[str, tuple] = {}
        if path is not None:
            with contextlib.suppress(Exception), open(path, "rb") as fh:  # missing or unreadable: no memo
                if pickle.load(fh) == code:
                    self.stored = pickle.load(fh)

    def key(self, annotations: Mapping[str, Annotations]) -> str:
        from builder import link

        h = hashlib.sha256(self.config.digest.encode())
        for art in self.kept:
            ann = annotations.get(art.id)
            if ann is None:
                continue
            known = self.digests.get(art.id)
            if known is None or known[0] is not ann:
                known = self.digests[art.id] = (ann, link.items_digest(art, ann))
            h.update(f"{art.id}\0{art.language}\0{known[1]}\n".encode())
        return h.hexdigest()

    def __contains__(self, annotations: Mapping[str, Annotations]) -> bool:
        if self.path is None:
            return False
        k = self.key(annotations)
        return k in self.used or k in self.stored

    def claims(
        self, annotations: Mapping[str, Annotations], items: dict, run: Callable | None = None
    ) -> tuple:
        """Return build_claims(kept, annotations), from the memo or run (by default here)."""
        from builder import link

        k = self.key(annotations)
        if self._known(k) is None:
            self.used[k] = run() if run else link.build_claims(self.kept, annotations, self.config, items)
        return self.used[k]

    def sources(
        self, annotations: Mapping[str, Annotations], items: dict
    ) -> tuple[list[set[str]], Callable[[], tuple]]:
        """Return the sources of each claim build_claims would make, and a function returning the
        claims: stories need only the sources, so the claims are written out (and kept in the
        memo) only when asked for."""
        from builder import link

        k = self.key(annotations)
        known = self._known(k)
        if known is not None:
            return link.sources_of(known), lambda: known
        sets, clusters = self._known(SOURCES + k), None
        if sets is None:
            clusters = link.cluster_claims(self.kept, annotations, self.config, items)
            sets = self.used[SOURCES + k] = clusters.sources()

        def claims() -> tuple:
            if k not in self.used:
                self.used[k] = clusters.claims() if clusters is not None else self.claims(annotations, items)
            return self.used[k]

        return sets, claims

    def _known(self, k: str):
        """Return this build's or the stored result under k, or None."""
        if k not in self.used and k in self.stored:
            if self.results is None:
                self.results = self._read()
            if k in self.results:
                self.used[k] = self.results[k]
        return self.used.get(k)

    def _read(self) -> dict[str, tuple]:
        try:
            with open(self.path, "rb") as fh:
                ok = pickle.load(fh) == self.code and pickle.load(fh) == self.stored
                return pickle.load(fh) if ok else {}
        except Exception:  # changed or broken meanwhile: build the claims
            return {}

    def save(self) -> None:
        if self.path is not None and sorted(self.used) != sorted(self.stored):
            _write_pickle(self.path, self.code, sorted(self.used), self.used)


def _dated(
    kept: tuple[Article, ...],
    annotations: dict[str, Annotations],
    inferred: Mapping[str, tuple[str, str, str]],
    config: Config,
    cache: Path | None,
    redone: dict,
) -> dict[str, Annotations] | None:
    """Return the annotations with each undated article annotated again on its inferred date.

    None when that changes no annotation. An unchanged one stays the same
    object, so build_claims reuses its sentence items. redone: {(id, date,
    precision): annotations} of earlier calls, filled in.
    """
    from builder.annotate import annotate_cached

    by_id = {a.id: a for a in kept}
    out = None
    for sid, (day, precision, _) in sorted(inferred.items()):
        art = by_id.get(sid)
        if art is None or art.published:
            continue
        ann = redone.get((sid, day, precision))
        if ann is None:
            art = dataclasses.replace(art, published=day, published_precision=precision)
            ann = redone[sid, day, precision] = dataclasses.replace(
                annotate_cached(art, config, cache, annotations.get(sid)), source=sid
            )
        if ann != annotations.get(sid):
            out = out if out is not None else dict(annotations)
            out[sid] = ann
    if cache is not None:
        from builder.annotate import store

        store(cache).release()  # the shards it read: not carried into the children forked next
    return out


def _checked(corpus: Corpus) -> None:
    """Raise CheckError if a quote is not verbatim."""
    bad = check(corpus)
    if bad:
        raise CheckError("citation check failed:\n" + "\n".join(bad[:20]))


def _gathered(corpus: Corpus, config: Config, later: Sequence[Callable[[], None]] = ()) -> dict[str, str]:
    """Return the files that gather the corpus: the aggregate pages but the entities' and the
    exports of the timeline, discrepancies, entities and report (on two cores, a child renders
    them), once the timeline is made and the citations passed the check; then do the cache
    writes analyse left for later."""
    from builder.export import render_linked
    from builder.render import Site, render_aggregates

    corpus = with_timeline(corpus)
    _checked(corpus)
    files = render_aggregates(Site(corpus, config))
    files.update(render_linked(corpus, config))
    for job in later:
        job()
    return files


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


def generate(
    corpus: Corpus,
    config: Config,
    memo: dict | None = None,
    sink: Callable[[dict[str, str]], None] | None = None,
    gathered: Callable[[], dict[str, str]] | None = None,
) -> dict[str, str]:
    """Return every generated file: Markdown pages and data exports.

    memo: source pages of an earlier build with the same code and research
    definition (see render.Site.memo); it is refilled with this build's.
    sink: given the source pages as soon as they are rendered, then the rest
    (the bulk of the files can be written while the rest renders).
    gathered: returns the files of _gathered, when it runs elsewhere (_build: in a child).
    """
    from builder.citation import render_citations, site_settings
    from builder.export import claims_json, dump, sources_json
    from builder.render import Site, render_entities, render_sources

    site = Site(corpus, config, memo=memo if memo is not None else {})
    sources = sources_json(corpus, site.source_topics, site.story_of)
    pages = render_sources(site)
    if sink is not None:
        sink(pages)
    files = {"data/sources.json": dump(sources), "data/claims.json": claims_json(corpus)}
    files.update(render_entities(site))
    files.update(
        render_citations(
            sources,
            config.title,
            config.description,
            **site_settings(os.environ),
        )
    )
    files.update(gathered() if gathered is not None else _gathered(corpus, config))
    if sink is not None:
        sink(files)
    files.update(pages)
    if memo is not None:
        memo.clear()
        memo.update(site.memo_next)
    return dict(sorted(files.items()))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration of a build.

    A build makes millions of small objects (sentences, mentions, citations)
    that live until it ends, and each full collection walks all of them again:
    about a fifth of a warm build at 10,000 articles. They form no cycles worth
    collecting, and reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build(
    seeds: Path,
    config: Config,
    cache: Path | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    out: Path | None = None,
    keep: list | None = None,
) -> BuildResult:
    """Run the whole pipeline; raise CheckError if a generated quote is not verbatim.

    out: write the files there too (write.Tree): the source pages while the
    rest renders. The result then names the files written and removed.
    keep: the analysed corpus is appended to it, for a caller that exits next
    (cli.run): freeing its millions of objects one by one takes about 0.3 s at
    10,000 articles.
    """
    with _collector_paused():
        return _build(seeds, config, cache, workers, progress, out, keep)


def _written(result: BuildResult, out: Path | None) -> BuildResult:
    """Return the result once written into out (when given)."""
    if out is None:
        return result
    written, removed = write_tree(out, result.files, result.digests)
    return dataclasses.replace(result, written=tuple(written), removed=tuple(removed))


def _build(
    seeds: Path,
    config: Config,
    cache: Path | None,
    workers: int | None,
    progress: Progress | None,
    out: Path | None,
    keep: list | None = None,
) -> BuildResult:
    memo = found = None
    code = _code_key(config) if cache is not None else ""
    if cache is not None:
        found = files, refused, stats = _discover(seeds, config)
        memo = (
            Path(cache) / RESULT,
            result_key(code, refused, zip([r for _, r in files], stats, strict=True)),
        )
        hit = _read_pickle(*memo)
        if hit is not None:
            stored = StoredFiles(Path(cache), hit[1], hit[0].digests)
            if stored.fresh():
                return _written(dataclasses.replace(hit[0], files=stored, how="nothing changed"), out)
        from builder import delta

        patched = delta.rebuild(files, stats, refused, config, Path(cache), code)
        if patched is not None:
            from builder import annotate

            annotate.store(cache).save()  # the edited articles' annotations
            return _written(patched, out)
    later: list[Callable[[], None]] = []
    with Tree(out) if out is not None else contextlib.nullcontext() as tree:
        if tree is not None and cache is not None:  # into a fresh folder: the last build's pages
            tree.guess([Path(cache) / PAGES.format(k) for k in range(SHARDS)], code)
        corpus = analyse(seeds, config, cache, workers, progress, found, later)
        if keep is not None:
            keep.append(corpus)
        if progress:
            progress("linking and rendering", 0, 0)
        # The other core's share: the citation check, the aggregate pages, most corpus-level
        # exports and the cache writes left for later (the claims memo), while this one renders
        # the source pages, the entity pages and the rest.
        beside = Forked(_gathered, corpus, config, later) if _two_cores(workers, corpus.articles) else None
        try:
            return _render(corpus, config, cache, tree, code, memo, later if beside is None else [], beside)
        finally:  # an error before its result: the child is not waited for
            if beside is not None:
                beside.cancel()


def _render(
    corpus: Corpus,
    config: Config,
    cache: Path | None,
    tree: Tree | None,
    code: str,
    memo: tuple[Path, str] | None,
    later: list[Callable[[], None]],
    beside: Forked | None,
) -> BuildResult:
    """Render and write the analysed corpus (checked with the aggregate pages, see _gathered);
    cache the result. The rest of _build. later: the cache writes analyse left for now, unless
    the child of beside does them."""
    for job in later:
        job()
    problems = []
    for r in corpus.report:
        if r.status == "rejected":
            problems.append(f"{r.file}: rejected: {r.reason}")
        for w in r.warnings:
            problems.append(f"{r.file}: warning: {w}")
    rendered = last = None
    if cache is not None:
        last = read_shards(Path(cache), PAGES, code)
        rendered = dict(last)
    files = generate(
        corpus,
        config,
        rendered,
        (lambda part: tree.add(part, apart=True)) if tree else None,
        beside.result if beside is not None else None,
    )
    if cache is not None:
        # an entry used again is the same object (see render.render_source): no deep comparison
        dirty = {
            _shard(p)
            for p in set(last) | set(rendered)
            if (was := last.get(p)) is not (now := rendered.get(p)) and was != now
        }
        write_shards(Path(cache), PAGES, code, rendered, dirty)
    if tree is not None:
        digests = {name: tree.sums[name] for name in files}
    else:
        digests = {name: digest(text.encode("utf-8")) for name, text in files.items()}
    result = BuildResult(files, corpus.report, tuple(problems), digests)
    if memo is not None:
        keys = StoredFiles.content_keys(digests)
        StoredFiles.save(Path(cache), keys, files)
        _write_pickle(*memo, (dataclasses.replace(result, files={}), keys))
    if tree is None:
        return result
    written, removed = tree.commit()
    return dataclasses.replace(result, written=tuple(written), removed=tuple(removed))


def result_key(code: str, refused: list[Rejected], stats: Iterable[tuple[str, tuple[int, int]]]) -> str:
    """Return the key of a build's result: the code and config, the site's URL settings (the
    feed's links follow them), the refusals and each input's (size, mtime)."""
    from builder.citation import site_settings

    return hashlib.sha256(repr((code, site_settings(os.environ), refused, list(stats))).encode()).hexdigest()


def _build_into_cache(seeds: Path, config: Config, cache: Path) -> str:
    return build(seeds, config, cache).how


def build_apart(seeds: Path, config: Config, cache: Path) -> BuildResult:
    """Build in a child process, then return the result from the cache it left.

    For the MkDocs hook: the MkDocs process then holds the pages (read from
    the cache, see StoredFiles) but never the corpus. At 10,000 articles the
    build's heap, which Python keeps once freed, was 300 MB more in the process
    that then renders every page and waits for Pagefind. Where fork is missing,
    the child dies, or the cache cannot be written, the result is built here.
    """
    how = Forked(_build_into_cache, seeds, config, cache).result()
    result = build(seeds, config, cache)  # from the cache, unless an input changed meanwhile
    return dataclasses.replace(result, how=how) if result.how == "nothing changed" else result
