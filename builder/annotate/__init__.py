"""Annotate an article: sentences, entity mentions, topic evidence, concepts, dates, numbers.

``annotate`` is a pure function of the article's text and the config; ``redate``
annotates an article again on a date its story gives it (link.link_corpus).
"""

from __future__ import annotations

import dataclasses
import logging
from bisect import bisect_left

from builder.config import Config
from builder.nlp import sentences as sentence_split
from builder.nlp.matcher import Matcher, matcher_for
from builder.nlp.numbers import find_numbers
from builder.nlp.tokens import tokenize
from builder.records import Annotations, Article, DateMention, Mention, Paragraph, Sentence

log = logging.getLogger(__name__)


def _find_dates(
    paragraph: Paragraph, article: Article, warnings: list[str], years: bool = True, before: str | None = None
) -> list[DateMention]:
    """Return the paragraph's dates from builder.nlp.dates, or none when it is missing or fails."""
    try:
        from builder.nlp.dates import find_dates
    except Exception:
        return []
    try:
        found = find_dates(
            paragraph.text,
            article.language,
            anchor=article.published,
            paragraph=paragraph.id,
            years=years,
            before=before,
        )
    except Exception as exc:  # a date bug must not lose the article's other annotations
        warnings.append(f"{paragraph.id}: dates not read: {exc}")
        return []
    n = len(paragraph.text)
    return [d for d in found if isinstance(d, DateMention) and 0 <= d.start < d.end <= n]


def _within(items: list, starts: list[int], start: int, end: int) -> list:
    """Return the items (sorted by start, with those starts) that start in [start, end)."""
    return items[bisect_left(starts, start) : bisect_left(starts, end)]


class _Dated:
    """A paragraph's dates and numbers: the only annotations that depend on the article's date.

    Relative dates resolve against it, and numbers skip the spans of dates.
    """

    def __init__(
        self,
        article: Article,
        paragraph: Paragraph,
        warnings: list[str],
        years: bool = True,
        before: str | None = None,
    ) -> None:
        dates = _find_dates(paragraph, article, warnings, years, before)
        days = [d.value for d in dates if d.precision == "day" and d.kind == "point"]
        self.last_day = days[-1] if days else before  # what "a day earlier" next counts from
        spans = tuple((d.start, d.end) for d in dates)
        self.numbers = sorted(find_numbers(paragraph.text, (article.language or "").lower(), spans))
        self.dates = sorted(dates, key=lambda d: (d.start, d.end))
        self.date_starts = [d.start for d in self.dates]
        self.number_starts = [n[0] for n in self.numbers]

    def of(self, start: int, end: int) -> dict:
        """Return the dates and numbers fields of the sentence at [start, end)."""
        numbers = _within(self.numbers, self.number_starts, start, end)
        return {
            "dates": tuple(_within(self.dates, self.date_starts, start, end)),
            "numbers": tuple(dict.fromkeys(v for _s, _e, v in numbers)),
        }


def _paragraph(
    article: Article,
    paragraph: Paragraph,
    first_index: int,
    matcher: Matcher,
    warnings: list[str],
    state: dict | None = None,
) -> tuple[list[Sentence], list[Mention]]:
    """Return the sentences and entity mentions of one paragraph. state: {"before": the last
    day an earlier paragraph named}, updated."""
    text = paragraph.text
    language = (article.language or "").lower()
    topic_slugs = {t.slug for t in matcher.config.topics}
    state = state if state is not None else {}
    dated = _Dated(article, paragraph, warnings, before=state.get("before"))
    state["before"] = dated.last_day
    sentences: list[Sentence] = []
    mentions: list[Mention] = []
    for start, end in sentence_split.split(text, language):
        tokens = tokenize(text[start:end], language, offset=start)
        entities: set[str] = set()
        topics: set[str] = set()
        concepts: set[str] = set()
        for m in matcher.find(tokens, language):
            kind, tid = m.target.kind, m.target.id
            if kind in ("entity", "role"):
                entities.add(tid)
            elif kind == "topic":
                topics.add(tid)
            elif kind == "concept":
                concepts.add(tid)
            if kind in ("entity", "role"):  # role spans let link pair a post with its holder
                ms, me = tokens[m.first].start, tokens[m.last - 1].end
                mentions.append(Mention(tid, paragraph.id, ms, me, text[ms:me]))
        topics.update(entities & topic_slugs)  # an "Interpol" mention is Interpol evidence
        sentences.append(
            Sentence(
                index=first_index + len(sentences),
                paragraph=paragraph.id,
                start=start,
                end=end,
                text=text[start:end],
                entities=tuple(sorted(entities)),
                topics=tuple(sorted(topics)),
                concepts=tuple(sorted(concepts)),
                **dated.of(start, end),
            )
        )
    return sentences, mentions


def _bare(paragraph: Paragraph, first_index: int, language: str = "") -> list[Sentence]:
    """Return the paragraph's sentences without a signature (the fallback when analysis fails)."""
    try:
        spans = sentence_split.split(paragraph.text, language)
    except Exception:
        spans = [(0, len(paragraph.text))] if paragraph.text.strip() else []
    text = paragraph.text
    return [
        Sentence(first_index + i, paragraph.id, start, end, text[start:end])
        for i, (start, end) in enumerate(spans)
        if text[start:end].strip() == text[start:end] != ""
    ]


def annotate(article: Article, config: Config) -> Annotations:
    """Return the annotations of one article."""
    matcher = matcher_for(config)
    sentences: list[Sentence] = []
    mentions: list[Mention] = []
    warnings: list[str] = []  # returned, not logged: they reach the report from any worker process
    state: dict = {}
    for paragraph in article.paragraphs:
        try:
            s, m = _paragraph(article, paragraph, len(sentences), matcher, warnings, state)
        except Exception as exc:  # keep the rest of the article; say which paragraph failed
            warnings.append(f"{paragraph.id}: not annotated: {exc}")
            s, m = _bare(paragraph, len(sentences), (article.language or "").lower()), []
        sentences.extend(s)
        mentions.extend(m)
    sentences, mentions, on_topic = with_actors(sentences, mentions, config)
    return Annotations(
        source=article.id,
        sentences=tuple(sentences),
        mentions=tuple(mentions),
        warnings=tuple(warnings),
        unlisted=tuple(_unlisted(article, mentions, warnings, config.russian_names == "natasha")),
        on_topic=on_topic,
    )


LEAD = 3  # sentences that say who the article is about


_NONE: frozenset[str] = frozenset()


class _Actors:
    """Who each listed entity acts for: the actors table of research.yml read through the entities."""

    def __init__(self, config: Config) -> None:
        actors = config.actors
        self.home, self.partners, self.others = (
            frozenset(actors.get(k, ())) for k in ("home", "partners", "others")
        )
        self.country = {e.id: e.country for e in config.entities if e.country}
        self.kind = {e.id: e.type for e in config.entities}

    def named(self, s: Sentence, group: frozenset[str]) -> bool:
        """Whether the sentence names an entity of one of the group's countries or bodies."""
        country = self.country
        return any(country.get(e) in group for e in s.entities)

    def foreign_bodies(self, s: Sentence) -> frozenset[str] | set[str]:
        """The home organisations a sentence gives to another country: it names another country
        and no home place (a Kyrgyz "МВД")."""
        country, kind, home, others = self.country, self.kind, self.home, self.others
        if not any(country.get(e) in others for e in s.entities) or any(
            country.get(e) in home and kind.get(e) == "place" for e in s.entities
        ):
            return _NONE
        return {e for e in s.entities if country.get(e) in home and kind.get(e) == "organization"}


def _drop_foreign_bodies(
    sentences: list[Sentence], mentions: list[Mention], actors: _Actors
) -> tuple[list[Sentence], list[Mention]]:
    """Step 1: drop the home organisations a sentence gives to another country, from the
    sentence's entities and from the mentions."""
    dropped: set[tuple[str, int]] = set()
    kept, foreign_bodies = [], actors.foreign_bodies
    for s in sentences:
        foreign = foreign_bodies(s)
        if foreign:
            dropped.update(
                (s.paragraph, m.start)
                for m in mentions
                if m.entity in foreign and m.paragraph == s.paragraph and s.start <= m.start < s.end
            )
            s = dataclasses.replace(s, entities=tuple(e for e in s.entities if e not in foreign))
        kept.append(s)
    return kept, [m for m in mentions if (m.paragraph, m.start) not in dropped]


def _home_leads(sentences: list[Sentence], actors: _Actors) -> bool:
    """Step 2: whether the home country acts in the article: its lead names the home country, or,
    naming neither that nor another country, the sentences name home at least as often as others."""
    named, home, others = actors.named, actors.home, actors.others
    lead = sentences[:LEAD]
    if any(named(s, home) for s in lead):
        return True
    if any(named(s, others) for s in lead):
        return False
    at_home = sum(named(s, home) for s in sentences)
    abroad = sum(named(s, others) for s in sentences)
    return at_home >= abroad and (at_home > 0 or abroad == 0)


def _strip_topics(sentences: list[Sentence], on_topic: bool, actors: _Actors) -> list[Sentence]:
    """Step 4: off topic, no sentence keeps a topic; on topic, an aside about another country
    (naming it and not the home one) keeps none either."""
    named, home, others = actors.named, actors.home, actors.others
    out = []
    for s in sentences:
        if s.topics and (not on_topic or (named(s, others) and not named(s, home))):
            s = dataclasses.replace(s, topics=())
        out.append(s)
    return out


def with_actors(
    sentences: list[Sentence], mentions: list[Mention], config: Config
) -> tuple[list[Sentence], list[Mention], bool]:
    """Return the sentences and mentions kept once the actors are known, and whether the article
    is on the research's topics: the home country (research.yml actors.home) acts in it with a
    partner.

    - A home organisation named in a sentence that names another country and not the home one
      (a Kyrgyz "МВД") is not the home one's: its mention is dropped.
    - The article is on topic when its lead names the home country (or one of its people and
      bodies), or, when its lead names neither that nor another country, its sentences name the
      home country at least as often as others; it also names a partner or a topic body.
    - Off topic, no sentence keeps a topic; on topic, a sentence naming another country and
      not the home one keeps none either (an aside about a neighbour).
    """
    if not config.actors.get("home"):
        return sentences, mentions, True
    actors = _Actors(config)
    kept, mentions = _drop_foreign_bodies(sentences, mentions, actors)
    on_topic = _home_leads(kept, actors) and any(actors.named(s, actors.partners) for s in kept)  # step 3
    return _strip_topics(kept, on_topic, actors), mentions, on_topic


def _unlisted(article: Article, mentions: list[Mention], warnings: list[str], ner: bool = False) -> list:
    """Return the names the article gives that research.yml does not list (builder/nlp/names.py)."""
    try:
        from builder.nlp.names import find_names
    except Exception:  # noqa: BLE001 - names are optional evidence
        return []
    try:
        return find_names(article, mentions, ner)
    except Exception as exc:  # noqa: BLE001 - a name finder must not lose the article's annotations
        warnings.append(f"names not read: {exc}")
        return []


def redate(article: Article, undated: Annotations, config: Config, own_date: bool = True) -> Annotations:
    """Return annotate(article, config), given the annotations of the same text without its date.

    own_date: False when the article's date is one inferred for it (link.link_corpus): relative
    dates then resolve on it, but a day and month without a year take no year from it.

    For an undated article annotated again on the date its story gives it
    (build._dated): only dates and numbers depend on the date, so the
    sentences, mentions, entities, topics and concepts are kept and the
    tokeniser and lemmatiser never run. Where annotate warned (a paragraph it
    could not read), it runs whole, so the warnings come out as it says them.
    """
    if undated.warnings or not _valid(dataclasses.replace(undated, source=article.id), article):
        return annotate(article, config) if own_date else undated
    by_paragraph: dict[str, list[Sentence]] = {}
    for s in undated.sentences:
        by_paragraph.setdefault(s.paragraph, []).append(s)
    sentences: list[Sentence] = []
    warnings: list[str] = []
    before = None
    for paragraph in article.paragraphs:
        try:
            dated = _Dated(article, paragraph, warnings, own_date, before)
            before = dated.last_day
        except Exception:  # annotate keeps the paragraph's sentences and says why
            return annotate(article, config) if own_date else undated
        if warnings:
            return annotate(article, config) if own_date else undated
        sentences += [
            dataclasses.replace(s, **dated.of(s.start, s.end)) for s in by_paragraph.get(paragraph.id, ())
        ]
    return dataclasses.replace(undated, source=article.id, sentences=tuple(sentences), warnings=())


def _valid(a: Annotations, article: Article) -> bool:
    """Tell whether cached annotations still point into this article's text."""
    if a.source != article.id:
        return False
    texts = {p.id: p.text for p in article.paragraphs}
    spans = [(s.paragraph, s.start, s.end, s.text) for s in a.sentences]
    spans += [(m.paragraph, m.start, m.end, m.text) for m in a.mentions]
    return all(pid in texts and texts[pid][start:end] == quote for pid, start, end, quote in spans)
