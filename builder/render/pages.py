"""Render the corpus into Markdown pages: {relative path: text}.

Templates live in builder/templates/. Every value a template prints is
escaped by ``markup.md`` unless the renderer built it as Markup from
escaped parts, so article text can never become Markdown, HTML or Jinja.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import jinja2
from markupsafe import Markup

from builder.config import Config, Entity, Topic
from builder.records import Article, Citation, Claim, Corpus, Discrepancy, Event, Story
from builder.render.markup import html, md, safe_url, visible

TEMPLATES = Path(__file__).parent / "templates"
LATEST_EVENTS = 10
MAX_CITATIONS_SHOWN = 12
MAX_SIBLINGS = 20  # other tellings listed on a source page
# Aggregate pages stay readable (and MkDocs linear) on large corpora: past these
# caps a page shows the first items and says where the rest are (data/*.json).
MAX_TOPIC_CLAIMS = 300  # best-corroborated claims on a topic page
MAX_TOPIC_EVENTS = 100  # latest events in a topic page's timeline section
MAX_TIMELINE_EVENTS = 1000  # latest events on the timeline page
MAX_DISCREPANCIES = 300  # on the discrepancies page
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def meta(value: object) -> Markup:
    """Return a front-matter value: a JSON string with nothing HTML could parse."""
    s = " ".join(visible(str(value)).split())
    for a, b in (("<", "‹"), (">", "›"), ("&", "＆"), ('"', "＂"), ("'", "’"), ("`", "ˋ")):
        s = s.replace(a, b)
    return Markup(json.dumps(s[:300], ensure_ascii=False))


_ID = re.compile(r"[A-Za-z0-9_-]+")


def ident(value: object) -> Markup:
    """Return a slug or anchor id the builder made; refuse anything else."""
    s = str(value)
    if not _ID.fullmatch(s):
        raise ValueError(f"not a safe id: {s!r}")
    return Markup(s)


def fnref(n: object) -> Markup:
    """Return a reference to footnote n, as Python-Markdown's footnotes extension writes it."""
    k = ident(n)
    return Markup(f'<sup id="fnref:{k}"><a class="footnote-ref" href="#fn:{k}">{k}</a></sup>')


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=False,
        finalize=md,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["meta"] = meta
    env.filters["id"] = ident
    env.filters["html"] = html
    env.filters["fnref"] = fnref
    env.filters["quoted"] = quoted
    return env


def date_label(value: str | None, precision: str | None = None) -> str:
    """Return '18 April 2025', 'April 2025' or '2025' for an ISO date of that precision."""
    if not value:
        return "undated"
    parts = value.split("-")
    try:
        if len(parts) == 3 and precision in (None, "day"):
            return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) >= 2 and precision in (None, "day", "month"):
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return value
    return parts[0]


# Quotation marks around a quote, chosen so that they never double the marks the quote has:
# Russian-style «» by default, English “” around a quote that has guillemets of its own.
_GUILLEMETS = ("«", "»")
_ENGLISH = ("“", "”")


def quoted(text: str) -> str:
    """Return text between quotation marks other than the ones it contains."""
    opening, closing = _ENGLISH if any(c in text for c in "«»") else _GUILLEMETS
    return f"{opening}{text}{closing}"


_CLAUSE_END = re.compile(r"[,;:—–)]\s")


def shorten(text: str, limit: int) -> str:
    """Return text cut to at most limit characters, at the end of a clause or else of a word, with "…".

    Never in the middle of a word; a clause boundary is taken when one falls in the second
    half of the limit.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    clauses = [m.start() + 1 for m in _CLAUSE_END.finditer(head) if m.start() + 1 >= limit // 2]
    words = head.rsplit(" ", 1)[0] if " " in head[:limit] else head[:limit]
    return (head[: clauses[-1]] if clauses else words).rstrip(" ,;:—–") + "…"


_ISO = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b")
_CONFIG_NAME = re.compile(r"\s*\(research\.yml\)")


def readable(text: str) -> str:
    """Return a generated note for readers: ISO dates as "18 April 2025" or "April 2025", and no
    mention of the research definition's file name."""

    def date(m: re.Match) -> str:
        return date_label(m.group(0), "day" if m.group(3) else "month")

    return _ISO.sub(date, _CONFIG_NAME.sub("", text))


def rel(src: str, dest: str) -> str:
    """Return the relative link from page src to page dest (both docs-relative, no '..')."""
    folder = posixpath.dirname(src)
    if not folder:
        return dest
    if dest.startswith(folder + "/"):
        return dest[len(folder) + 1 :]
    return "../" * (folder.count("/") + 1) + dest


@dataclass
class Site:
    """Lookups over the corpus shared by all page renderers."""

    corpus: Corpus
    config: Config
    env: jinja2.Environment = field(default_factory=environment)
    # Source pages and their index of an earlier build, {path: (key of their inputs, text)}:
    # a page whose inputs are unchanged is not rendered again. Refilled with this build's pages.
    memo: dict[str, tuple[tuple, str]] = field(default_factory=dict)
    memo_next: dict[str, tuple[tuple, str]] = field(default_factory=dict)

    @cached_property
    def articles(self) -> dict[str, Article]:
        return {a.id: a for a in self.corpus.articles}

    def published(self, sid: str) -> tuple[str | None, str | None, str | None]:
        """Return (date, precision, inferred reason) for a source."""
        art = self.articles[sid]
        if art.published:
            return art.published, art.published_precision, None
        if sid in self.corpus.inferred:
            return self.corpus.inferred[sid]
        return None, None, None

    @cached_property
    def story_of(self) -> dict[str, str]:
        return {s: st.id for st in self.corpus.stories for s in st.sources}

    @cached_property
    def story_by_id(self) -> dict[str, Story]:
        return {st.id: st for st in self.corpus.stories}

    @cached_property
    def discrepancies_of(self) -> dict[str, list[Discrepancy]]:
        """Return {source id: discrepancies that cite it}."""
        out: dict[str, list[Discrepancy]] = defaultdict(list)
        for d in self.shown_discrepancies:
            for sid in sorted({c.source for v in d.values for c in v.citations}):
                out[sid].append(d)
        return out

    @cached_property
    def claims_by_topic(self) -> dict[str, list[Claim]]:
        out: dict[str, list[Claim]] = defaultdict(list)
        for c in self.corpus.claims:
            for t in c.topics:
                out[t].append(c)
        return out

    @cached_property
    def shown_claims(self) -> set[tuple[str, str]]:
        """Return the (claim id, topic) pairs a topic page shows (and may be linked to)."""
        return {(c.id, t) for t, cs in self.claims_by_topic.items() for c in cs[:MAX_TOPIC_CLAIMS]}

    @cached_property
    def shown_discrepancies(self) -> tuple[Discrepancy, ...]:
        return self.corpus.discrepancies[:MAX_DISCREPANCIES]

    @cached_property
    def source_topics(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, set[str]] = defaultdict(set)
        for sid, ann in self.corpus.annotations.items():
            for s in ann.sentences:
                out[sid].update(s.topics)
        order = [t.slug for t in self.config.topics]
        return {k: tuple(t for t in order if t in v) for k, v in out.items()}

    @cached_property
    def cited_by(self) -> dict[tuple[str, str], list[tuple[Claim, str]]]:
        """Return {(source, paragraph): [(claim, topic)]} for backlinks."""
        out: dict[tuple[str, str], list[tuple[Claim, str]]] = defaultdict(list)
        for c in self.corpus.claims:
            topic = next((t for t in c.topics if (c.id, t) in self.shown_claims), None)
            if topic is None:
                continue
            for cite in c.citations:
                out[(cite.source, cite.paragraph)].append((c, topic))
        return out

    @cached_property
    def mentions_by_entity(self) -> dict[str, list[tuple[str, str, str]]]:
        """Return {entity id: [(source, paragraph, sentence text)]}, one per sentence."""
        known = {e.id for e in self.config.entities}
        out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for art in self.corpus.articles:
            ann = self.corpus.annotations.get(art.id)
            if not ann:
                continue
            for s in ann.sentences:
                for e in s.entities:
                    if e in known:
                        out[e].append((art.id, s.paragraph, s.text))
        return out

    @cached_property
    def entity_by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.config.entities}

    # ------------------------------------------------------------ pieces

    def cite_note(self, page: str, cite: Citation) -> Markup:
        """Return a footnote body, as HTML: outlet, date, language, verbatim quote, paragraph link."""
        art = self.articles[cite.source]
        day, precision, _ = self.published(cite.source)
        n = html(cite.paragraph.lstrip("p"))
        href = html(rel(page, f"sources/{cite.source}.md#{cite.paragraph}"))
        outlet, when, lang, quote = (
            html(x) for x in (art.outlet or art.title, date_label(day, precision), cite.language, cite.quote)
        )
        return Markup(f'{outlet} · {when} · {lang} — {quoted(quote)} <a href="{href}">source ¶{n}</a>')

    def langs(self, claim: Claim) -> str:
        return ", ".join(sorted({c.language for c in claim.citations}))


class Footnotes:
    """Number footnotes on one page."""

    def __init__(self, site: Site, page: str):
        self.site, self.page, self.items = site, page, []

    def add(self, cites: tuple[Citation, ...], limit: int = MAX_CITATIONS_SHOWN) -> tuple[list[int], int]:
        nums = []
        for cite in cites[:limit]:
            self.items.append((len(self.items) + 1, self.site.cite_note(self.page, cite)))
            nums.append(len(self.items))
        return nums, max(0, len(cites) - limit)


def _event_rows(site: Site, fn: Footnotes, events: list[Event]) -> list[dict]:
    rows = []
    for ev in events:
        notes, _ = fn.add(ev.citations, 5)
        label = date_label(ev.date, ev.precision)
        if ev.kind == "since":
            label = f"since {label}"
        rows.append({"event": ev, "label": label, "notes": notes})
    return rows


def _story_group(site: Site, story_id: str) -> dict:
    """Return an empty group of a topic page: the claims one story (or none, "other") tells."""
    st = site.story_by_id.get(story_id)
    return {
        "title": st.title if st else "Other sources",
        "date": date_label(st.date) if st and st.date else None,
        "anchor": story_id or "other",
        "claims": [],
        "sort": (st.date or "0000") if st else "0000",
    }


def _main_story(site: Site, claim: Claim) -> str:
    """Return the story most of a claim's citations belong to (ties by id; "" for none)."""
    counts: dict[str, int] = defaultdict(int)
    for c in claim.citations:
        counts[site.story_of.get(c.source, "")] += 1
    return sorted(counts, key=lambda k: (-counts[k], k))[0]


def _claim_groups(site: Site, claims: list[Claim]) -> list[dict]:
    """Return the claims grouped by their main story, newest story first, each with its entities."""
    groups: dict[str, dict] = {}
    for cl in claims:
        sid = _main_story(site, cl)
        if sid not in groups:
            groups[sid] = _story_group(site, sid)
        ents = [site.entity_by_id[e] for e in cl.entities if e in site.entity_by_id]
        groups[sid]["claims"].append({"claim": cl, "entities": ents})
    return sorted(groups.values(), key=lambda g: (g["sort"], g["anchor"]), reverse=True)


def _number_claims(fn: Footnotes, groups: list[dict]) -> None:
    """Give each claim row its footnotes, numbered in the order the page shows the claims."""
    for group in groups:
        for item in group["claims"]:
            item["notes"], item["more"] = fn.add(item["claim"].citations)


def _topic_entities(site: Site, claims: list[Claim]) -> list[tuple[Entity, int]]:
    """Return the known entities the claims name, with how many claims name each, most named first."""
    ent_counts: dict[str, int] = defaultdict(int)
    for cl in claims:
        for e in cl.entities:
            if e in site.entity_by_id:
                ent_counts[e] += 1
    return sorted(((site.entity_by_id[e], n) for e, n in ent_counts.items()), key=lambda x: (-x[1], x[0].id))


def _topic_discrepancies(site: Site, topic: Topic) -> list[dict]:
    """Return the shown discrepancies on the topic: id, readable subject and note."""
    return [
        {"id": d.id, "subject": readable(d.subject), "note": readable(d.note)}
        for d in site.shown_discrepancies
        if topic.slug in d.topics
    ]


def _search_terms(topic: Topic) -> list[tuple[str, list[str]]]:
    """Return (language, words) of the topic's keywords, "any" spelled "all languages"."""
    return [
        ("all languages" if lang == "any" else lang, words) for lang, words in sorted(topic.keywords.items())
    ]


def _newest(site: Site, sources: list[str]) -> str | None:
    """Return the label of the newest publication date among the sources, or None."""
    dates = [site.published(s)[0] for s in sources]
    return date_label(max((d for d in dates if d), default=None)) if any(dates) else None


def _badge(site: Site, c: Claim) -> Markup:
    """Return a claim's badge: how many sources corroborate it, in which languages."""
    return Markup(
        f'<span class="rs-badge">{c.corroboration} source{"s" if c.corroboration != 1 else ""}'
        f" · {html(site.langs(c))}</span>"
    )


def render_topic(site: Site, topic: Topic) -> str:
    """Return a topic page: its claims grouped by story with their footnotes, then its timeline
    rows (footnoted after the claims), entities and discrepancies."""
    fn = Footnotes(site, f"topics/{topic.slug}.md")
    all_claims = site.claims_by_topic.get(topic.slug, [])
    claims = all_claims[:MAX_TOPIC_CLAIMS]
    sources = sorted({c.source for cl in all_claims for c in cl.citations})
    groups = _claim_groups(site, claims)
    _number_claims(fn, groups)
    events = [e for e in site.corpus.events if topic.slug in e.topics]
    event_rows = _event_rows(site, fn, events[-MAX_TOPIC_EVENTS:])
    return site.env.get_template("topic.md.j2").render(
        topic=topic,
        terms=_search_terms(topic),
        claims=claims,
        sources=sources,
        langs=sorted({c.language for cl in claims for c in cl.citations}),
        newest=_newest(site, sources),
        related=[t for t in site.config.topics if t.slug != topic.slug],
        entities=_topic_entities(site, claims)[:30],
        discrepancies=_topic_discrepancies(site, topic),
        total_claims=len(all_claims),
        total_events=len(events),
        groups=groups,
        events=event_rows,
        footnotes=fn.items,
        badge=lambda c: _badge(site, c),
    )


@dataclass(frozen=True)
class SourcePage:
    """Everything a source page shows besides its article, as plain values.

    The page is render_source_page(article, this): the memo compares these to
    the last build's, and a rebuild that patches an article (builder/delta.py)
    renders its page again from them.
    """

    published: tuple[str | None, str | None, str | None]  # date, precision, inferred reason
    topics: tuple[str, ...]
    story: str | None
    siblings: tuple[tuple[str, str], ...]  # (id, title) of the first MAX_SIBLINGS other tellings
    more_siblings: int
    duplicates: tuple[str, ...]  # files with the same text
    discrepancies: tuple[tuple[str, str], ...]  # (id, subject)
    cited: tuple[
        tuple[str, tuple[tuple[str, str, str], ...]], ...
    ]  # (paragraph, ((claim id, text, topic), ...))


def identity(art: Article) -> tuple:
    """Return what stands in for an article in the memo: its file's digest and name, and what
    the build changed in it (the rest of an Article follows from those; the memo is dropped
    when code or config change)."""
    return art.sha256, art.file, art.id, art.warnings


def render_source(site: Site, art: Article, duplicates: list[str]) -> str:
    """Return a source page, from site.memo when everything it shows is as it was."""
    page = f"sources/{art.id}.md"
    sid = site.story_of.get(art.id)
    story = site.story_by_id.get(sid or "")
    siblings = [site.articles[s] for s in story.sources if s != art.id] if story else []
    context = SourcePage(
        published=site.published(art.id),
        topics=site.source_topics.get(art.id, ()),
        story=sid,
        siblings=tuple((o.id, o.title) for o in siblings[:MAX_SIBLINGS]),
        more_siblings=max(0, len(siblings) - MAX_SIBLINGS),
        duplicates=tuple(duplicates),
        discrepancies=tuple((d.id, d.subject) for d in site.discrepancies_of.get(art.id, [])),
        cited=tuple(
            (p.id, tuple((claim.id, claim.text, topic) for claim, topic in c))
            for p in art.paragraphs
            if (c := site.cited_by.get((art.id, p.id)))
        ),
    )
    key = (identity(art), context)
    old = site.memo.get(page)
    if old is not None and old[0] == key:
        site.memo_next[page] = old  # the same entry: the build compares memos by identity first
        return old[1]
    text = render_source_page(site.env, site.config, art, context)
    site.memo_next[page] = (key, text)
    return text


def render_source_page(env: jinja2.Environment, config: Config, art: Article, ctx: SourcePage) -> str:
    """Return the page of one source: its metadata and numbered paragraphs, with backlinks."""
    page = f"sources/{art.id}.md"
    day, precision, inferred = ctx.published
    published = date_label(day, precision) if day else "unknown"
    if inferred:
        published += f" (inferred: {inferred})"
    topics = [config.topic(t) for t in ctx.topics]
    topic_titles = {t.slug: t.title for t in config.topics}
    cited = dict(ctx.cited)
    paragraphs = []
    for p in art.paragraphs:
        links = []
        for claim_id, claim_text, topic in cited.get(p.id, ()):
            label = f"{topic_titles.get(topic, topic)}: {shorten(claim_text, 80)}"
            links.append({"label": label, "href": Markup(rel(page, f"topics/{topic}.md#{claim_id}"))})
        paragraphs.append({"id": p.id, "n": p.id.lstrip("p"), "text": p.text, "cited": links})
    return env.get_template("source.md.j2").render(
        art=art,
        description=f"{art.outlet or 'Unknown outlet'}, {published}: {shorten(art.paragraphs[0].text, 200)}"
        if art.paragraphs
        else art.title,
        published=published,
        topics=[t for t in topics if t],
        siblings=[{"id": i, "title": t} for i, t in ctx.siblings],
        more_siblings=ctx.more_siblings,
        url=safe_url(art.url),
        duplicates=list(ctx.duplicates),
        discrepancies=[{"id": i, "subject": readable(s)} for i, s in ctx.discrepancies],
        paragraphs=paragraphs,
    )


def render_sources(site: Site) -> dict[str, str]:
    """Return one page per source (filling site.memo_next), and their index."""
    dupes: dict[str, list[str]] = defaultdict(list)
    for r in site.corpus.report:
        if r.status == "duplicate" and r.duplicate_of:
            dupes[r.duplicate_of].append(r.file)
    pages = {f"sources/{a.id}.md": render_source(site, a, dupes.get(a.id, [])) for a in site.corpus.articles}
    pages[SOURCES_INDEX] = render_sources_index(site)
    return pages


def render_aggregates(site: Site) -> dict[str, str]:
    """Return the pages that gather the corpus: topics, timeline, discrepancies, home, about
    (the entity pages: render_entities)."""
    pages: dict[str, str] = {}
    for topic in site.config.topics:
        pages[f"topics/{topic.slug}.md"] = render_topic(site, topic)
    pages["timeline.md"] = render_timeline(site)
    pages["discrepancies.md"] = render_discrepancies(site)
    pages["about.md"] = render_about(site)
    pages["index.md"] = render_index(site)
    return pages


def render_entities(site: Site) -> dict[str, str]:
    """Return the page of each entity the corpus mentions, and their index."""
    pages = {"entities/index.md": render_entities_index(site)}
    for e in site.config.entities:
        if site.mentions_by_entity.get(e.id):
            pages[f"entities/{e.id}.md"] = render_entity(site, e)
    for e, mentions in _unconfirmed(site):
        pages[f"entities/{e.id}.md"] = render_entity(site, e, mentions)
    return pages


UNCONFIRMED = "unconfirmed: named in the sources, not listed in research.yml"


def _unconfirmed(site: Site) -> list[tuple[Entity, list[tuple[str, str, str]]]]:
    """Return the names research.yml does not list (link.unconfirmed_entities) as entities, with
    their mentions (source, paragraph, sentence)."""
    return [
        (
            Entity(u.id, u.name, u.type, {"as found": u.aliases}, UNCONFIRMED),
            [(c.source, c.paragraph, c.quote) for c in u.mentions],
        )
        for u in getattr(site.corpus, "unconfirmed", ())
    ]


def render_index(site: Site) -> str:
    fn = Footnotes(site, "index.md")
    rows = []
    for t in site.config.topics:
        claims = site.claims_by_topic.get(t.slug, [])
        srcs = [s for s, ts in site.source_topics.items() if t.slug in ts]
        langs = sorted({site.articles[s].language for s in srcs})
        rows.append({"topic": t, "claims": len(claims), "sources": len(srcs), "langs": ", ".join(langs)})
    latest = sorted(site.corpus.events, key=lambda e: e.date, reverse=True)[:LATEST_EVENTS]
    dates = [site.published(a.id)[0] for a in site.corpus.articles]
    return site.env.get_template("index.md.j2").render(
        title=site.config.title,
        description=site.config.description,
        topics=rows,
        n_sources=len(site.corpus.articles),
        newest=date_label(max((d for d in dates if d), default=None)) if any(dates) else None,
        n_discrepancies=len(site.corpus.discrepancies),
        events=_event_rows(site, fn, latest),
        footnotes=fn.items,
    )


def render_timeline(site: Site) -> str:
    fn = Footnotes(site, "timeline.md")
    years: dict[str, list] = defaultdict(list)
    topics = {t.slug: t for t in site.config.topics}
    for row in _event_rows(site, fn, list(site.corpus.events[-MAX_TIMELINE_EVENTS:])):
        row["topics"] = [topics[t] for t in row["event"].topics if t in topics]
        years[row["event"].date[:4]].append(row)
    return site.env.get_template("timeline.md.j2").render(
        years=sorted(years.items()),
        footnotes=fn.items,
        shown=min(len(site.corpus.events), MAX_TIMELINE_EVENTS),
        total=len(site.corpus.events),
    )


def render_discrepancies(site: Site) -> str:
    fn = Footnotes(site, "discrepancies.md")
    stories = {s.id: s for s in site.corpus.stories}
    items = []
    for d in site.shown_discrepancies:
        values = []
        for v in d.values:
            notes, _ = fn.add(v.citations)
            count = len({c.source for c in v.citations})
            values.append({"value": readable(v.value), "count": count, "notes": notes})
        st = stories.get(d.story or "")
        items.append(
            {
                "id": d.id,
                "subject": readable(d.subject),
                "note": readable(d.note),
                "story": st.title if st else None,
                "versions": values,
            }
        )
    return site.env.get_template("discrepancies.md.j2").render(
        items=items, footnotes=fn.items, total=len(site.corpus.discrepancies)
    )


MAX_MENTIONS = 200


def render_entity(site: Site, e: Entity, mentions: list | None = None) -> str:
    mentions = site.mentions_by_entity.get(e.id, []) if mentions is None else mentions
    rows = [
        {"title": site.articles[s].title, "source": s, "paragraph": p, "n": p.lstrip("p"), "text": text}
        for s, p, text in mentions[:MAX_MENTIONS]
    ]
    srcs = sorted({s for s, _, _ in mentions})
    claimed = {t for c in site.corpus.claims if e.id in c.entities for t in c.topics}
    topics = [t for t in site.config.topics if t.slug in claimed]
    return site.env.get_template("entity.md.j2").render(
        e=e,
        description=f"{e.name} ({e.type}): mentioned in {len(srcs)} source{'s' if len(srcs) != 1 else ''}.",
        aliases=sorted(e.aliases.items()),
        n_sources=len(srcs),
        topics=topics,
        mentions=rows,
        more=max(0, len(mentions) - MAX_MENTIONS),
    )


def render_entities_index(site: Site) -> str:
    rows = []
    for e in site.config.entities:
        srcs = {s for s, _, _ in site.mentions_by_entity.get(e.id, [])}
        if srcs:
            rows.append((e, len(srcs)))
    rows += [(e, len({s for s, _, _ in mentions})) for e, mentions in _unconfirmed(site)]
    rows.sort(key=lambda r: (-r[1], r[0].name))
    return site.env.get_template("entities_index.md.j2").render(rows=rows)


SOURCES_INDEX = "sources/index.md"


def render_sources_index(site: Site) -> str:
    """Return the table of every source, newest first (from site.memo when it shows the same)."""
    titles = {t.slug: t.title for t in site.config.topics}
    rows = []
    for a in site.corpus.articles:
        day, precision, inferred = site.published(a.id)
        label = date_label(day, precision) + (" (inferred)" if inferred else "") if day else "undated"
        rows.append(
            {
                "art": a,
                "date": label,
                "sort": day or "",
                "topics": [titles[t] for t in site.source_topics.get(a.id, ())],
            }
        )
    rows.sort(key=lambda r: (r["sort"], r["art"].id), reverse=True)
    # Everything the table shows, for the memo (as a source page's SourcePage)
    key = tuple(
        (r["date"], r["art"].id, r["art"].title, r["art"].outlet, r["art"].language, *r["topics"])
        for r in rows
    )
    old = site.memo.get(SOURCES_INDEX)
    if old is not None and old[0] == key:
        site.memo_next[SOURCES_INDEX] = old
        return old[1]
    text = site.env.get_template("sources_index.md.j2").render(rows=rows)
    site.memo_next[SOURCES_INDEX] = (key, text)
    return text


def render_about(site: Site) -> str:
    report = site.corpus.report
    counts = {k: sum(1 for r in report if r.status == k) for k in ("rendered", "duplicate", "rejected")}
    counts["warnings"] = sum(1 for r in report if r.warnings)
    return site.env.get_template("about.md.j2").render(report=report, counts=counts)
