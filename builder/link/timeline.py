"""The timeline: dated events with the claims and stories that cite them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from builder.link.statements import SentenceIndex, citation_of, contains, is_reporting
from builder.link.stories import Telling, event_date, is_byline, tellings
from builder.records import Annotations, Article, Citation, Claim, DateMention, Event, Sentence, Story

RANK = {"day": 0, "month": 1, "year": 2}  # a finer date first


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
    at = SentenceIndex(dict(annotations))
    events = [e for claim in claims for e in _claim_events(claim, at, published)]
    dated = {(e.date, c.source) for e in events for c in e.citations}
    told = told if told is not None else tellings(articles, annotations)
    by_id = {a.id: a for a in articles}
    for story in stories:
        if story.date:
            events.extend(_story_event(story, told, annotations, by_id, dated))
    events.sort(key=lambda e: (e.date, RANK.get(e.precision, 3), e.text))
    return tuple(events)


def _claim_events(claim: Claim, at: SentenceIndex, published: Mapping[str, str | None]) -> list[Event]:
    """Return a claim's events: one for each date its citations give (a date within another's
    period joins it), quoting the sentence that gives the finest."""
    found: list[tuple[DateMention, Citation, Sentence]] = []
    for cite in claim.citations:
        s = at.get((cite.source, cite.paragraph, cite.start))
        if s is None or is_byline(s) or is_reporting(s, published.get(cite.source)):
            continue
        d = event_date(s, published.get(cite.source))
        if d is not None:
            found.append((d, cite, s))
    groups: list[list[tuple[DateMention, Citation, Sentence]]] = []
    for d, cite, s in sorted(found, key=lambda x: (RANK[x[0].precision], x[0].value, x[1].source)):
        for g in groups:
            if contains(g[0][0].value, d.value):
                g.append((d, cite, s))
                break
        else:
            groups.append([(d, cite, s)])
    out = []
    for g in groups:
        best, cite, s = g[0]
        cites = tuple(dict.fromkeys([cite, *(c for _, c, _ in g)]))
        out.append(Event(best.value, best.precision, s.text, claim.topics, cites, "point"))
    return out


def _story_event(
    story: Story,
    told: Mapping[str, Telling],
    annotations: Mapping[str, Annotations],
    by_id: Mapping[str, Article],
    dated: set[tuple[str, str]],
) -> list[Event]:
    """Return the event of a dated story quoting the lead sentences that state its day, for the
    tellings no claim's event already dates on that day (none when there are none)."""
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
        return [Event(story.date, "day", text, tuple(sorted(topics)), tuple(cites), "report")]
    return []
