"""The timeline: dated events with the claims and stories that cite them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from builder.link.statements import SentenceIndex, citation_of, contains, is_reporting
from builder.link.stories import Telling, event_date, is_byline, tellings
from builder.records import Annotations, Article, Citation, Claim, DateMention, Event, Sentence, Story


def chart_events(
    articles: Sequence[Article],
    annotations: Mapping[str, Annotations],
    claims: Sequence[Claim],
    stories: Sequence[Story],
    published: Mapping[str, str | None],
    told: Mapping[str, Telling] | None = None,
) -> tuple[Event, ...]:
    """Return the dated events: for each claim, the date each citation's sentence gives for its
    event; the entry quotes the sentence of the source it cites first. A story whose tellings
    state its day and no claim dates it gets an entry quoting those sentences."""
    by_id = {a.id: a for a in articles}
    at = SentenceIndex(dict(annotations))
    rank = {"day": 0, "month": 1, "year": 2}
    events: list[Event] = []
    for claim in claims:
        found: list[tuple[DateMention, Citation, Sentence]] = []
        for cite in claim.citations:
            s = at.get((cite.source, cite.paragraph, cite.start))
            if s is None or is_byline(s) or is_reporting(s, published.get(cite.source)):
                continue
            d = event_date(s, published.get(cite.source))
            if d is not None:
                found.append((d, cite, s))
        groups: list[list[tuple[DateMention, Citation, Sentence]]] = []
        for d, cite, s in sorted(found, key=lambda x: (rank[x[0].precision], x[0].value, x[1].source)):
            for g in groups:
                if contains(g[0][0].value, d.value):
                    g.append((d, cite, s))
                    break
            else:
                groups.append([(d, cite, s)])
        for g in groups:
            best, cite, s = g[0]
            cites = tuple(dict.fromkeys([cite, *(c for _, c, _ in g)]))
            events.append(Event(best.value, best.precision, s.text, claim.topics, cites, "point"))
    dated = {(e.date, c.source) for e in events for c in e.citations}
    told = told if told is not None else tellings(articles, annotations)
    for story in stories:
        if not story.date:
            continue
        cites, topics, text = [], set(), None
        for sid in story.sources:
            t = told.get(sid)
            if t is None or t.stated is None or t.day is None or t.day.isoformat() != story.date:
                continue
            if (story.date, sid) in dated or not annotations[sid].on_topic:
                continue
            ann = annotations[sid]
            topics.update(x for s in ann.sentences for x in s.topics)
            cites.append(citation_of(by_id[sid], t.stated))
            text = text or t.stated.text
        if cites and topics:
            events.append(Event(story.date, "day", text, tuple(sorted(topics)), tuple(cites), "report"))
    events.sort(key=lambda e: (e.date, rank.get(e.precision, 3), e.text))
    return tuple(events)
