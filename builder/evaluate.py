"""Score a build of a gold corpus against its annotations, layer by layer.

evaluate(gold.yml) builds the articles next to the gold file (its articles/ folder) with the real
builder in a temporary folder, reads the exported JSON (data/sources.json, claims.json,
timeline.json, discrepancies.json, report.json) and scores metadata, topics, duplicates, claims,
stories, timeline events, inferred publication dates and discrepancies. score() is the pure part:
gold annotations and the loaded JSON in, numbers out. The gold file's schema is documented at the
top of tests/gold/gold.yml.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TOPICS = ("visas", "readmission", "interpol", "europol")
PRECISIONS = ("day", "month", "year")
ISO = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")  # an HTML tag quoted as if it were text
DATA_FILES = ("sources", "claims", "timeline", "discrepancies", "report")

# The targets (issue 27, "Must show"): (layer, metric, comparison, bound).
TARGETS: tuple[tuple[str, str, str, float], ...] = (
    ("stories", "precision", ">=", 0.9),
    ("stories", "recall", ">=", 0.7),
    ("inferred_dates", "right_rate", ">=", 0.95),
    ("events", "precision", ">=", 0.9),
    ("events", "recall", ">=", 0.8),
    ("claims", "junk_rate", "<=", 0.03),
    ("claims", "coherence", ">=", 0.9),
    ("discrepancies", "found_rate", ">=", 0.8),
    ("topics", "traps_on_topic", "<=", 0),
)


class GoldError(ValueError):
    """A gold file that cannot be read or does not match its articles."""


@dataclass(frozen=True)
class Snippet:
    """A short verbatim piece of one article's sentence."""

    file: str
    text: str


@dataclass(frozen=True)
class Gold:
    """The gold annotations of one corpus."""

    path: Path
    articles: dict[str, dict]
    events: tuple[dict, ...]
    claims_same: tuple[tuple[Snippet, ...], ...]
    claims_apart: tuple[tuple[Snippet, Snippet], ...]
    junk: tuple[Snippet, ...]
    discrepancies: tuple[dict, ...]
    inferred: dict[str, tuple[str, ...]]

    @property
    def folder(self) -> Path:
        return self.path.parent / "articles"


# ---------------------------------------------------------------- text matching


def norm(text: str) -> str:
    """Return text casefolded, NFC, with typographic quotes and dashes unified and spaces collapsed."""
    text = unicodedata.normalize("NFC", text or "").casefold()
    text = text.translate(_UNIFY)
    return " ".join(text.split())


_UNIFY = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "«": '"', "»": '"', "\u00a0": " "})


def matches(snippet: str, quote: str) -> bool:
    """Return whether a gold snippet is part of a quote (or the quote a part of the snippet)."""
    s, q = norm(snippet), norm(quote)
    return bool(s and q) and (s in q or (len(q) >= 3 and q in s))


def article_text(path: Path) -> str:
    """Return an article's visible text: decoded, tags dropped from HTML, entities resolved."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1251", errors="replace")
    if path.suffix.lower() in (".html", ".htm"):
        text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return text


# ---------------------------------------------------------------- the gold file


def _iso(value: Any) -> str | None:
    return None if value is None else str(value)


def _precision(iso: str) -> str:
    return {4: "year", 7: "month"}.get(len(iso), "day")


def _is_iso(value: str) -> bool:
    """Tell whether value is a date in ISO form that exists: "2025", "2025-04", "2025-04-18"."""
    if not ISO.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value if len(value) == 10 else (value + "-01-01")[:10])
    except ValueError:
        return False
    return True


def _snippet(item: Any, where: str) -> Snippet:
    if not (isinstance(item, list | tuple) and len(item) == 2 and all(isinstance(x, str) for x in item)):
        raise GoldError(f"{where}: expected [file, snippet], not {item!r}")
    return Snippet(item[0], item[1])


def _read_gold(path: Path) -> dict:
    """Return the gold file's YAML mapping; raise GoldError when it cannot be read or is not one."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise GoldError(f"{path}: cannot read the gold file: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("articles"), dict):
        raise GoldError(f"{path}: expected a mapping with an 'articles' mapping")
    return data


def _gold_articles(data: dict) -> dict[str, dict]:
    """The articles section, publication dates as ISO text."""
    articles = {str(k): dict(v) for k, v in data["articles"].items()}
    for a in articles.values():
        a["published"] = _iso(a.get("published"))
    return articles


def _gold_events(data: dict, path: Path) -> tuple[dict, ...]:
    """The events section, each date as text and its articles as a list."""
    events = tuple(data.get("events") or ())
    for i, e in enumerate(events):
        if not isinstance(e, dict) or e.get("date") is None:
            raise GoldError(f"{path}: events[{i}]: expected a mapping with a date, not {e!r}")
    return tuple({**e, "date": str(e["date"]), "articles": list(e.get("articles") or ())} for e in events)


def _gold_same(data: dict, path: Path) -> tuple[tuple[Snippet, ...], ...]:
    """The claims_same section: groups of snippets one claim must join."""
    return tuple(
        tuple(_snippet(x, f"{path}: claims_same[{i}]") for x in g)
        for i, g in enumerate(data.get("claims_same") or ())
    )


def _gold_apart(data: dict, path: Path) -> tuple[tuple[Snippet, Snippet], ...]:
    """The claims_apart section: pairs of snippets no claim may join."""
    pairs = tuple(data.get("claims_apart") or ())
    for i, p in enumerate(pairs):
        if not (isinstance(p, list | tuple) and len(p) == 2):
            raise GoldError(f"{path}: claims_apart[{i}]: expected two [file, snippet] items, not {p!r}")
    return tuple(
        (_snippet(p[0], f"{path}: claims_apart[{i}]"), _snippet(p[1], f"{path}: claims_apart[{i}]"))
        for i, p in enumerate(pairs)
    )


def _gold_junk(data: dict) -> tuple[Snippet, ...]:
    """The junk section: {file: texts} that no claim may quote."""
    return tuple(Snippet(f, str(s)) for f, items in (data.get("junk") or {}).items() for s in items or ())


def _gold_inferred(data: dict) -> dict[str, tuple[str, ...]]:
    """The inferred_dates section: {file: dates accepted for it}."""
    return {
        str(f): tuple(str(x) for x in (v or {}).get("accept") or ())
        for f, v in (data.get("inferred_dates") or {}).items()
    }


def load_gold(path: Path) -> Gold:
    """Read and check a gold file; raise GoldError naming the file and the reason."""
    data = _read_gold(path)
    try:  # each section in the file's order of reading; the first malformed one is named
        articles = _gold_articles(data)
        events = _gold_events(data, path)
        same = _gold_same(data, path)
        apart = _gold_apart(data, path)
        junk = _gold_junk(data)
        discrepancies = tuple(dict(d) for d in data.get("discrepancies") or ())
        inferred = _gold_inferred(data)
    except GoldError:
        raise  # it names the file and the entry already
    except (TypeError, KeyError, ValueError, AttributeError, IndexError) as exc:
        raise GoldError(f"{path}: malformed gold file: {type(exc).__name__}: {exc}") from None
    gold = Gold(path, articles, events, same, apart, junk, discrepancies, inferred)
    problems = check_gold(gold)
    if problems:
        raise GoldError(f"{path}: " + "; ".join(problems[:10]))
    return gold


def _check_folder(gold: Gold, on_disk: list[str]) -> list[str]:
    """Files in the articles folder and annotated articles must be the same."""
    problems = [f"{f}: in the articles folder but not annotated" for f in on_disk if f not in gold.articles]
    problems += [f"{f}: annotated but not in the articles folder" for f in gold.articles if f not in on_disk]
    return problems


def _check_articles(gold: Gold) -> list[str]:
    """Each article: an ISO publication date, known topics, a reprint of an annotated article."""
    problems: list[str] = []
    for f, a in gold.articles.items():
        if a.get("published") is not None and not _is_iso(a["published"]):
            problems.append(f"{f}: published {a['published']!r} is not an ISO date")
        problems += [f"{f}: unknown topic {t!r}" for t in a.get("topics") or () if t not in TOPICS]
        if a.get("reprint_of") and a["reprint_of"] not in gold.articles:
            problems.append(f"{f}: reprint_of {a['reprint_of']!r} is not an annotated article")
    return problems


def _check_events(gold: Gold) -> list[str]:
    """Each event: an ISO date whose form has the stated precision, annotated articles."""
    problems: list[str] = []
    for e in gold.events:
        if not _is_iso(e["date"]) or e.get("precision") not in PRECISIONS:
            problems.append(f"event {e['date']}: bad date or precision {e.get('precision')!r}")
        elif _precision(e["date"]) != e["precision"]:
            problems.append(f"event {e['date']}: the date's form does not have precision {e['precision']}")
        for f in [*e["articles"], *(e.get("optional") or ())]:
            if f not in gold.articles:
                problems.append(f"event {e['date']}: unknown article {f}")
    return problems


def _check_snippets(gold: Gold, on_disk: list[str]) -> list[str]:
    """Each snippet (claims_same, claims_apart, junk): found in an annotated article's text."""
    problems: list[str] = []
    texts = {f: norm(article_text(gold.folder / f)) for f in gold.articles if f in on_disk}
    snippets = [s for g in gold.claims_same for s in g]
    snippets += [s for p in gold.claims_apart for s in p] + list(gold.junk)
    for s in snippets:
        if s.file not in texts:
            problems.append(f"snippet {s.text[:40]!r}: unknown article {s.file}")
        elif norm(s.text) not in texts[s.file]:
            problems.append(f"{s.file}: snippet not found in the article: {s.text[:60]!r}")
    return problems


def _check_discrepancies(gold: Gold) -> list[str]:
    """Each discrepancy: two values or more, from annotated articles."""
    problems: list[str] = []
    for d in gold.discrepancies:
        if len(d.get("values") or ()) < 2:
            problems.append(f"discrepancy {d.get('subject')!r}: needs at least two values")
        for v in d.get("values") or ():
            problems += [
                f"discrepancy {d.get('subject')!r}: unknown article {f}"
                for f in v.get("files") or ()
                if f not in gold.articles
            ]
    return problems


def _check_inferred(gold: Gold) -> list[str]:
    """Each inferred date: of an annotated article, every accepted value an ISO date."""
    problems: list[str] = []
    for f, accept in gold.inferred.items():
        if f not in gold.articles:
            problems.append(f"inferred_dates: unknown article {f}")
        problems += [f"inferred_dates {f}: {x!r} is not an ISO date" for x in accept if not _is_iso(x)]
    return problems


def check_gold(gold: Gold) -> list[str]:
    """Return what is wrong with a gold file against its articles folder (empty when it is sound)."""
    if not gold.folder.is_dir():
        return [f"no articles folder {gold.folder.name}/ next to the gold file"]
    on_disk = sorted(p.name for p in gold.folder.iterdir() if p.is_file())
    return [
        *_check_folder(gold, on_disk),
        *_check_articles(gold),
        *_check_events(gold),
        *_check_snippets(gold, on_disk),
        *_check_discrepancies(gold),
        *_check_inferred(gold),
    ]


# ---------------------------------------------------------------- building


def build(gold: Gold, out: Path, config: Path) -> dict:
    """Build the gold articles into out with the real builder; return its exit code and messages."""
    cmd = [sys.executable, "-m", "builder", "build", "--seeds", str(gold.folder), "--out", str(out)]
    cmd += ["--config", str(config), "--no-cache", "-q"]
    here = str(Path(__file__).resolve().parents[1])  # measure this very builder, not another install
    env = {
        **os.environ,
        "CI": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    return {"exit": done.returncode, "messages": [line for line in done.stderr.splitlines() if line.strip()]}


def read_data(out: Path) -> dict[str, Any]:
    """Return the exported JSON of a build ({name: value}); a missing or broken file reads as empty."""
    data: dict[str, Any] = {}
    for name in DATA_FILES:
        try:
            data[name] = json.loads((out / "data" / f"{name}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data[name] = {} if name == "report" else []
    return data


def _default_config() -> Path:
    here = Path("research.yml")
    return here if here.is_file() else Path(__file__).resolve().parents[1] / "research.yml"


def evaluate(gold_path: Path, config: Path | None = None) -> dict:
    """Build the gold corpus with the real builder and score every layer; raise GoldError on a bad gold file."""
    gold = load_gold(Path(gold_path))
    with tempfile.TemporaryDirectory(prefix="gold-") as tmp:
        ran = build(gold, Path(tmp) / "docs", config or _default_config())
        data = read_data(Path(tmp) / "docs")
    result = score(gold, data)
    result["build"] = ran
    return result


# ---------------------------------------------------------------- scoring


def _rate(num: int, den: int, empty: float | None = None) -> float | None:
    return round(num / den, 4) if den else empty


class _View:
    """The build's output seen through gold file names: which file each source is, what was folded."""

    def __init__(self, gold: Gold, data: dict[str, Any]) -> None:
        self.sources = {s["file"]: s for s in data.get("sources") or () if s.get("file") in gold.articles}
        self.file_of = {s["id"]: s["file"] for s in data.get("sources") or ()}
        self.folded: dict[str, str] = {}
        for r in (data.get("report") or {}).get("inputs") or ():
            if r.get("status") == "duplicate" and r.get("file") in gold.articles:
                target = r.get("duplicate_of") or ""
                self.folded[r["file"]] = self.file_of.get(target, target)

    def canonical(self, file: str) -> str:
        seen = {file}
        while file in self.folded and self.folded[file] not in seen:
            file = self.folded[file]
            seen.add(file)
        return file

    def cited_file(self, citation: dict) -> str:
        return self.file_of.get(citation.get("source"), citation.get("source") or "")


def score(gold: Gold, data: dict[str, Any]) -> dict:
    """Return the scores of one build's exported data against the gold annotations."""
    view = _View(gold, data)
    return {
        "articles": len(gold.articles),
        "metadata": score_metadata(gold, view),
        "topics": score_topics(gold, view),
        "duplicates": score_duplicates(gold, view),
        "claims": score_claims(gold, view, data.get("claims") or []),
        "stories": score_stories(gold, view),
        "events": score_events(gold, view, data.get("timeline") or []),
        "inferred_dates": score_inferred(gold, view),
        "discrepancies": score_discrepancies(gold, view, data.get("discrepancies") or []),
    }


def _outlet_key(name: str) -> str:
    return "".join(ch for ch in norm(name) if ch.isalnum())


def _accepted_outlet(got: str | None, accepted: Any) -> bool:
    """Whether the outlet found is one the gold accepts (or none found where it accepts none)."""
    accepted = [accepted] if isinstance(accepted, str) else list(accepted or ())
    return (not accepted and not got) or (
        bool(got) and _outlet_key(got) in {_outlet_key(a) for a in accepted}
    )


def _metadata_checks(s: dict, g: dict) -> dict[str, tuple[bool, Any]]:
    """Return {field: (right, value shown)} for one source against its gold article."""
    stated = None if s.get("published_inferred") else s.get("published")
    want = g.get("published")
    published = stated == want and (want is None or s.get("published_precision") == _precision(want))
    return {
        "language": (s.get("language") == g.get("language"), s.get("language")),
        "published": (
            published,
            f"{s.get('published')} (inferred)" if s.get("published_inferred") else stated,
        ),
        "outlet": (_accepted_outlet(s.get("outlet"), g.get("outlet")), s.get("outlet")),
    }


def score_metadata(gold: Gold, view: _View) -> dict:
    """Language, stated publication date (with precision) and outlet, per article the build kept."""
    right = {"language": 0, "published": 0, "outlet": 0}
    wrong: dict[str, list] = {"language": [], "published": [], "outlet": []}
    for f, s in sorted(view.sources.items()):
        for key, (ok, got) in _metadata_checks(s, gold.articles[f]).items():
            if ok:
                right[key] += 1
            else:
                wrong[key].append({"file": f, "got": got})
    n = len(view.sources)
    missing = sorted(f for f in gold.articles if f not in view.sources and f not in view.folded)
    return {
        "scored": n,
        "missing": missing,
        **{f"{k}_rate": _rate(v, n) for k, v in right.items()},
        "wrong": wrong,
    }


def score_topics(gold: Gold, view: _View) -> dict:
    """Topic precision and recall over (article, topic) pairs; traps that got any topic."""
    tp = fp = fn = 0
    traps, on_topic = 0, []
    for f, s in sorted(view.sources.items()):
        g = gold.articles[f]
        want, got = set(g.get("topics") or ()), set(s.get("topics") or ())
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
        if g.get("trap"):
            traps += 1
            if got:
                on_topic.append({"file": f, "topics": sorted(got)})
    return {
        "precision": _rate(tp, tp + fp, 1.0),
        "recall": _rate(tp, tp + fn, 1.0),
        "traps": traps,
        "traps_on_topic": len(on_topic),
        "trap_files": on_topic,
    }


def _dup_groups(gold: Gold) -> dict[str, str]:
    root = {f: f for f in gold.articles}
    for f, a in gold.articles.items():
        if a.get("reprint_of"):
            root[f] = a["reprint_of"]
    changed = True
    while changed:
        changed = False
        for f in root:
            if root[root[f]] != root[f]:
                root[f], changed = root[root[f]], True
    return root


def score_duplicates(gold: Gold, view: _View) -> dict:
    """Reprints folded into their original (either way round), and articles folded that are not reprints."""
    group = _dup_groups(gold)
    reprints = [f for f, a in gold.articles.items() if a.get("reprint_of")]
    folded_right = sum(
        1
        for f in reprints
        if (f in view.folded and group.get(view.folded[f]) == group[f])
        or (
            gold.articles[f]["reprint_of"] in view.folded
            and group.get(view.folded[gold.articles[f]["reprint_of"]]) == group[f]
        )
    )
    false_folds = sorted(f for f, t in view.folded.items() if group.get(t) != group.get(f))
    return {
        "reprints": len(reprints),
        "folded": folded_right,
        "recall": _rate(folded_right, len(reprints), 1.0),
        "false_folds": len(false_folds),
        "false_fold_files": false_folds,
    }


def _cites(claim: dict, s: Snippet, view: _View) -> bool:
    want = view.canonical(s.file)
    return any(
        view.canonical(view.cited_file(c)) == want and matches(s.text, c.get("quote") or "")
        for c in claim.get("citations") or ()
    )


def _is_junk(claim: dict, junk: list[str]) -> bool:
    """Whether a claim quotes markup or a gold junk snippet (or a piece of one, 3 characters or more)."""
    for c in claim.get("citations") or ():
        if MARKUP.search(c.get("quote") or ""):
            return True
        q = norm(c.get("quote") or "")
        if any(j in q or (len(q) >= 3 and q in j) for j in junk):
            return True
    return False


@dataclass
class _ClaimMatch:
    """What the gold says of the build's claims: junk, multi-source, judged, incoherent."""

    junk_ids: list = field(default_factory=list)
    incoherent: list = field(default_factory=list)
    multi: int = 0
    judged: int = 0


def _judge(claim: dict, files: set[str], traps: set[str], gold: Gold, view: _View) -> tuple[bool, bool]:
    """Return whether a multi-source claim quotes a gold sentence, and whether it mixes what the
    gold keeps apart: claims_apart pairs, two claims_same groups, or trap articles with news."""
    groups = {i for i, g in enumerate(gold.claims_same) if any(_cites(claim, s, view) for s in g)}
    apart = any(_cites(claim, a, view) and _cites(claim, b, view) for a, b in gold.claims_apart)
    mixed_traps = bool(files & traps) and bool(files - traps)
    judged = bool(groups) or any(_cites(claim, x, view) for pair in gold.claims_apart for x in pair)
    return judged, apart or len(groups) > 1 or mixed_traps


def _match_claims(gold: Gold, view: _View, claims: list[dict]) -> _ClaimMatch:
    """Match each claim against the gold: junk, and for a claim citing two files or more, what
    _judge says of it; a junk multi-source claim is incoherent too."""
    junk = [norm(s.text) for s in gold.junk]
    traps = {f for f, a in gold.articles.items() if a.get("trap")}
    got = _ClaimMatch()
    for claim in claims:
        bad = _is_junk(claim, junk)
        if bad:
            got.junk_ids.append(claim.get("id"))
        files = {view.canonical(view.cited_file(c)) for c in claim.get("citations") or ()}
        if len(files) < 2:
            continue
        got.multi += 1
        judged, mixed = _judge(claim, files, traps, gold, view)
        got.judged += judged
        if bad or mixed:
            got.incoherent.append(claim.get("id"))
    return got


def _must_join(gold: Gold, view: _View, claims: list[dict]) -> tuple[int, int]:
    """Return (pairs of claims_same snippets from different articles, pairs one claim cites both)."""
    pairs = [(a, b) for g in gold.claims_same for a, b in itertools.combinations(g, 2)]
    pairs = [(a, b) for a, b in pairs if view.canonical(a.file) != view.canonical(b.file)]
    joined = sum(1 for a, b in pairs if any(_cites(c, a, view) and _cites(c, b, view) for c in claims))
    return len(pairs), joined


def _must_not_join(gold: Gold, view: _View, claims: list[dict]) -> list[list[str]]:
    """Return the claims_apart pairs one claim cites both of, as [file, text] of the first."""
    return [
        [a.file, a.text]
        for a, b in gold.claims_apart
        if any(_cites(c, a, view) and _cites(c, b, view) for c in claims)
    ]


def score_claims(gold: Gold, view: _View, claims: list[dict]) -> dict:
    """Junk claims, coherence of multi-source claims, pairs that must be joined and pairs that must not."""
    got = _match_claims(gold, view, claims)
    pairs, joined = _must_join(gold, view, claims)
    violations = _must_not_join(gold, view, claims)
    junk_ids, incoherent, multi = got.junk_ids, got.incoherent, got.multi
    return {
        "claims": len(claims),
        "junk": len(junk_ids),
        "junk_rate": _rate(len(junk_ids), len(claims), 0.0),
        "multi_source": multi,
        "judged": got.judged,  # multi-source claims that quote at least one gold sentence
        "incoherent": len(incoherent),
        "coherence": _rate(multi - len(incoherent), multi, 1.0),
        "must_join_pairs": pairs,
        "must_join_recall": _rate(joined, pairs, 1.0),
        "must_not_join_pairs": len(gold.claims_apart),
        "must_not_join_violations": len(violations),
        "violations": violations,
        "junk_ids": sorted(str(i) for i in junk_ids),
        "incoherent_ids": sorted(str(i) for i in incoherent),
    }


def score_stories(gold: Gold, view: _View) -> dict:
    """Pair precision and recall: two kept articles in one story, in the build and in the gold."""
    files = sorted(view.sources)
    built, wanted = set(), set()
    for a, b in itertools.combinations(files, 2):
        sa, sb = view.sources[a].get("story"), view.sources[b].get("story")
        ga, gb = gold.articles[a].get("story"), gold.articles[b].get("story")
        if sa and sa == sb:
            built.add((a, b))
        if ga and ga == gb:
            wanted.add((a, b))
    true = built & wanted
    return {
        "built_pairs": len(built),
        "gold_pairs": len(wanted),
        "true_pairs": len(true),
        "precision": _rate(len(true), len(built), 1.0),
        "recall": _rate(len(true), len(wanted), 1.0),
        "false_pairs": sorted([a, b] for a, b in built - wanted)[:20],
    }


def score_events(gold: Gold, view: _View, timeline: list[dict]) -> dict:
    """Timeline units (date, precision, cited article): precision against the gold, recall of required ones."""
    required, allowed = set(), set()
    for e in gold.events:
        key = (e["date"], e["precision"])
        for f in e["articles"]:
            (allowed if e.get("optional_event") else required).add((*key, view.canonical(f)))
        for f in e.get("optional") or ():
            allowed.add((*key, view.canonical(f)))
    allowed |= required
    built = set()
    text_cited = 0
    for entry in timeline:
        cites = entry.get("citations") or ()
        for c in cites:
            built.add((str(entry.get("date")), entry.get("precision"), view.canonical(view.cited_file(c))))
        if any(norm(entry.get("text") or "") == norm(c.get("quote") or "") for c in cites):
            text_cited += 1
    right = built & allowed
    return {
        "entries": len(timeline),
        "units": len(built),
        "required_units": len(required),
        "precision": _rate(len(right), len(built), 1.0),
        "recall": _rate(len(built & required), len(required), 1.0),
        "text_from_citation": _rate(text_cited, len(timeline), 1.0),
        "wrong": sorted(list(u) for u in built - allowed)[:30],
        "missed": sorted(list(u) for u in required - built)[:30],
    }


def score_inferred(gold: Gold, view: _View) -> dict:
    """Inferred publication dates: right, wrong, abstained (abstaining is never wrong)."""
    right, wrong, abstained, details = 0, 0, 0, []
    files = set(gold.inferred) | {f for f, s in view.sources.items() if s.get("published_inferred")}
    for f in sorted(files):
        s = view.sources.get(f)
        if s is None:
            continue  # folded into its original
        got = s.get("published")
        if not s.get("published_inferred"):
            if got is None:
                abstained += 1
                continue
            if gold.articles[f].get("published") is not None:
                continue  # a stated date: scored under metadata
            verdict = False  # a date read where the gold says the article states none
        else:
            accept = gold.inferred.get(f)
            if accept is None:
                stated = gold.articles[f].get("published")
                accept = (stated,) if stated else ()
            verdict = got in accept
        right, wrong = right + verdict, wrong + (not verdict)
        details.append({"file": f, "got": got, "right": verdict, "reason": s.get("published_inferred")})
    return {
        "right": right,
        "wrong": wrong,
        "abstained": abstained,
        "right_rate": _rate(right, right + wrong, 1.0),
        "details": details,
    }


def score_discrepancies(gold: Gold, view: _View, found: list[dict]) -> dict:
    """A gold discrepancy is found when one listed discrepancy cites its conflicting files under different values."""

    def value_files(d: dict) -> list[set[str]]:
        return [
            {view.canonical(view.cited_file(c)) for c in v.get("citations") or ()}
            for v in d.get("values") or ()
        ]

    matched_builder: set[int] = set()
    hits = 0
    for g in gold.discrepancies:
        gvals = [{view.canonical(f) for f in v.get("files") or ()} for v in g["values"]]
        hit = False
        for i, d in enumerate(found):
            vals = value_files(d)
            for x, y in itertools.permutations(range(len(vals)), 2):
                if any(
                    vals[x] & gvals[p] and vals[y] & gvals[q]
                    for p, q in itertools.permutations(range(len(gvals)), 2)
                ):
                    hit = True
                    matched_builder.add(i)
                    break
        hits += hit
    return {
        "gold": len(gold.discrepancies),
        "found": hits,
        "found_rate": _rate(hits, len(gold.discrepancies), 1.0),
        "listed": len(found),
        "unmatched": len(found) - len(matched_builder),
    }


# ---------------------------------------------------------------- output

ROWS: tuple[tuple[str, str], ...] = (
    ("metadata", "language_rate"),
    ("metadata", "published_rate"),
    ("metadata", "outlet_rate"),
    ("topics", "precision"),
    ("topics", "recall"),
    ("topics", "traps_on_topic"),
    ("duplicates", "recall"),
    ("duplicates", "false_folds"),
    ("claims", "claims"),
    ("claims", "junk_rate"),
    ("claims", "multi_source"),
    ("claims", "coherence"),
    ("claims", "must_join_recall"),
    ("claims", "must_not_join_violations"),
    ("stories", "precision"),
    ("stories", "recall"),
    ("events", "precision"),
    ("events", "recall"),
    ("events", "text_from_citation"),
    ("inferred_dates", "right"),
    ("inferred_dates", "wrong"),
    ("inferred_dates", "abstained"),
    ("inferred_dates", "right_rate"),
    ("discrepancies", "found_rate"),
    ("discrepancies", "unmatched"),
)


def meets(value: float | None, op: str, bound: float) -> bool:
    """Return whether a measured value meets a target (a missing value never does)."""
    if value is None:
        return False
    return value >= bound if op == ">=" else value <= bound


def format_table(result: dict) -> str:
    """Return the scores as a plain text table: layer, metric, value, target and whether it is met."""
    targets = {(layer, metric): (op, bound) for layer, metric, op, bound in TARGETS}
    lines = [f"{'layer':<16}{'metric':<26}{'value':>8}  target", "-" * 60]
    for layer, metric in ROWS:
        value = result.get(layer, {}).get(metric)
        shown = "-" if value is None else (f"{value:.2f}" if isinstance(value, float) else str(value))
        target = ""
        if (layer, metric) in targets:
            op, bound = targets[(layer, metric)]
            target = f"{op} {bound:g}  " + ("ok" if meets(value, op, bound) else "BELOW")
        lines.append(f"{layer:<16}{metric:<26}{shown:>8}  {target}".rstrip())
    build = result.get("build") or {}
    lines.append("-" * 60)
    lines.append(f"{result.get('articles', 0)} gold articles; build exit {build.get('exit', '-')}")
    return "\n".join(lines) + "\n"


def to_json(result: dict) -> str:
    """Return the full result as stable JSON."""
    return json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
