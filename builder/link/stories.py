"""Stories: tellings of one event, keyed on the day and actors of each article's lead, joined
by the claims they share.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from builder.config import Config
from builder.link.claims import BACKGROUND_SPAN_DAYS, COMMON_CLAIM
from builder.link.statements import LETTERS, SentenceIndex, is_statement, parse_day, reports, statement_rules
from builder.records import Annotations, Article, Citation, Claim, DateMention, Sentence, Story

STORY_MIN_SHARED = 2  # claims an undated telling shares with its story
STORY_SPAN_DAYS = 31  # the publication dates of one story's tellings lie within this many days (bound)
LEAD_SENTENCES = 3  # the sentences of an article that state its event
NEWS_LAG_DAYS = 31  # a lead's date further before the publication recalls an older event
STORY_CLOSE_DAYS = 2  # tellings whose event dates lie this close join on one shared statement
STORY_FAR_DAYS = 7  # further apart (up to this) they need STORY_MIN_SHARED shared statements
STORY_SAME_ACTORS = 3  # or one shared statement and this many actors named in both leads


@dataclass(frozen=True)
class Telling:
    """What an article says of its event: the day it gives, where, and who acts in it."""

    source: str
    day: date | None  # the event's day stated in its lead, else its publication day
    stated: Sentence | None  # the lead sentence that states the day (None: publication date)
    actors: frozenset[str]
    lead: tuple[Sentence, ...] = ()  # its first sentences, bylines left out
    action: Sentence | None = None  # the first of them that states an action (a concept)


def event_date(s: Sentence, published: str | None, past: bool = False) -> DateMention | None:
    """Return the date a sentence gives for its event: the finest point date it states, or the
    day something starts (not a "since" year or month, a year named as an attribute, an
    anniversary, or the date it was reported on). past: only a date up to its publication
    (what a telling reports has happened; the timeline also shows what is planned)."""
    from builder.nlp.dates import is_anniversary

    if is_anniversary(s.text):
        return None
    # a point, or the day something starts ("с 1 июля 2024 года"); never "since 2009"
    found = [d for d in s.dates if d.kind == "point" or (d.kind == "since" and d.precision == "day")]
    said = statement_rules().reporting.search(s.text)
    if said is not None:  # "…, – сообщили в пресс-службе в пятницу": when it was reported
        found = [d for d in found if d.start - s.start < said.start()]
    if published:
        if past:
            found = [d for d in found if d.value[: len(published)] <= published]
        else:  # a year ahead is a forecast ("nicht vor 2027"); a month or a day ahead, a plan
            found = [d for d in found if d.precision != "year" or d.value <= published[:4]]
        # "this year", "this month": the time the article speaks in, not an event's date
        found = [
            d for d in found if not (d.relative and d.precision != "day" and published.startswith(d.value))
        ]
    if not found:
        return None
    rank = {"day": 0, "month": 1, "year": 2}
    best = min(rank.get(d.precision, 3) for d in found)
    finest = [d for d in found if rank.get(d.precision, 3) == best]
    if best == 2 and len({d.value for d in finest}) > 1:
        return None  # several years named: none is the event's
    return finest[0]


def is_byline(s: Sentence) -> bool:
    """Return True for a line that is mostly a date or a timestamp ("08:47, 15 May 2024 | GMT +6")."""
    rest = s.text
    for d in sorted(s.dates, key=lambda d: -d.start):
        a, b = d.start - s.start, d.end - s.start
        rest = rest[: max(0, a)] + rest[max(0, b) :]
    return len(LETTERS.findall(rest)) < 4 and not s.concepts


def tellings(articles: Sequence[Article], annotations: Mapping[str, Annotations]) -> dict[str, Telling]:
    """Return each article's telling: the event day its lead states, and its actors."""
    out = {}
    for art in articles:
        ann = annotations.get(art.id)
        lead = [s for s in (ann.sentences if ann else ()) if not is_byline(s)][:LEAD_SENTENCES]
        day, stated = None, None
        for s in lead:
            if not s.concepts and reports(s.text):  # "Об этом 18 апреля сообщили": when it was reported
                continue
            d = event_date(s, art.published, past=True)
            if d is None or d.precision != "day":
                continue
            when, published = parse_day(d.value), parse_day(art.published)
            if published is not None and when is not None and (published - when).days > NEWS_LAG_DAYS:
                continue  # the lead recalls an older event ("on 24 October 2024 ... signed"): not its own
            day, stated = when, s
            break
        if day is None:
            day = parse_day(art.published)
        actors = frozenset(e for s in lead for e in s.entities)
        action = stated or next((s for s in lead if s.concepts and is_statement(s.text)), None)
        out[art.id] = Telling(art.id, day, stated, actors, tuple(lead), action)
    return out


def _background(claim: Claim, told: Mapping[str, Telling], at: SentenceIndex) -> bool:
    """Return whether a claim is background: cited by tellings of events days apart, stating a
    "since" date, naming no actor (a general fact), or cited so widely it is boilerplate."""
    if claim.corroboration > COMMON_CLAIM:
        return True
    days = sorted(d for d in (told[c.source].day for c in claim.citations if c.source in told) if d)
    if days and (days[-1] - days[0]).days > BACKGROUND_SPAN_DAYS:
        return True
    sentences = [s for c in claim.citations if (s := at.get((c.source, c.paragraph, c.start))) is not None]
    if any(d.kind == "since" for s in sentences for d in s.dates):
        return True
    return not all(s.entities for s in sentences)  # a general fact: nobody acts in it


REPORT_LAG_DAYS = 3  # a telling dated only by its publication may report an event this many days old


def _gap(a: Telling, b: Telling) -> int:
    """Return the days between two tellings' events; a telling dated only by its publication
    day may tell of an event up to REPORT_LAG_DAYS before it."""
    gap = abs((a.day - b.day).days)
    for x, y in ((a, b), (b, a)):
        if x.stated is None and y.day <= x.day:
            gap = min(gap, max(0, (x.day - y.day).days - REPORT_LAG_DAYS))
    return gap


def _tells(t: Telling, c: Citation) -> bool:
    """Return whether a citation quotes the sentence a telling gives its event in."""
    return t.action is not None and (t.action.paragraph, t.action.start) == (c.paragraph, c.start)


def _lead_pairs(told: Mapping[str, Telling]) -> list[tuple[str, str]]:
    """Return the pairs of tellings whose leads state the same action by the same actors on days
    at most STORY_FAR_DAYS apart: one event, told with the same or with different dates (a
    discrepancy, see telling_conflicts)."""
    stating = sorted((t.day, sid) for sid, t in told.items() if t.action is not None and t.day is not None)
    out = []
    for k, (day_a, a) in enumerate(stating):
        for day_b, b in stating[k + 1 :]:
            if (day_b - day_a).days > STORY_FAR_DAYS + REPORT_LAG_DAYS:
                break
            if _gap(told[a], told[b]) <= STORY_FAR_DAYS and _same_action(told[a].action, told[b].action):
                out.append((a, b))
    return out


def _same_action(x: Sentence, y: Sentence) -> bool:
    """Return whether two lead sentences state one action (a shared concept) by the same actors
    (at least two entities in common, half of all they name) with no other numbers."""
    ex, ey = set(x.entities), set(y.entities)
    shared = ex & ey
    if not (set(x.concepts) & set(y.concepts)) or len(shared) < 2 or 2 * len(shared) < len(ex | ey):
        return False
    return not (x.numbers and y.numbers and not set(x.numbers) & set(y.numbers))


def _best_title(arts: list[Article], language: str) -> str:
    """Return the best headline of a story's tellings: a real headline (not a byline or a
    first sentence standing in), in the site's language where one is, the earliest."""

    def byline(a: Article) -> bool:
        title = a.title.strip()
        return (
            bool(re.search(r"\d{1,2}:\d\d|\bGMT\b|\bUTC\b|\s\|\s|^<", title))
            or len(LETTERS.findall(title)) < 3
            or title.casefold() == (a.outlet or "").casefold()
        )

    def first_sentence(a: Article) -> bool:
        return bool(a.paragraphs) and a.paragraphs[0].text.startswith(a.title.rstrip("."))

    ranked = sorted(
        arts,
        key=lambda a: (
            byline(a),
            first_sentence(a),
            len(a.title) > 120,
            a.language != language,
            a.published or "9999",
            a.id,
        ),
    )
    return ranked[0].title


def tell_stories(
    articles: Sequence[Article],
    annotations: Mapping[str, Annotations],
    claims: Sequence[Claim],
    config: Config,
    told: Mapping[str, Telling] | None = None,
) -> tuple[Story, ...]:
    """Group the tellings of one event, across languages.

    Two tellings are one story when they share a statement that is not background and their
    event days (stated in the text, else their publication days) lie within STORY_CLOSE_DAYS,
    or within STORY_FAR_DAYS when they share STORY_MIN_SHARED statements; a story's tellings
    stay within STORY_FAR_DAYS of each other. Tellings whose leads state one action by the same
    actors on such days are one story too (with different dates: a discrepancy). A telling with
    no day joins the one story that states what its lead states, else the one it shares the
    most statements with (at least STORY_MIN_SHARED, and no other as many). A background
    statement (see _background) links nothing.
    """
    ids = [a.id for a in articles]
    by_id = {a.id: a for a in articles}
    told = told if told is not None else tellings(articles, annotations)
    at = SentenceIndex(dict(annotations))
    eventful_cites = [claim.citations for claim in claims if not _background(claim, told, at)]
    eventful = [{c.source for c in cites if c.source in by_id} for cites in eventful_cites]
    stories = _Stories(ids, told)
    for _, _, a, b in sorted(_story_links(ids, told, eventful)):
        stories.join(a, b)
    citing: dict[str, list[int]] = defaultdict(list)  # source -> the eventful statements it cites
    for k, srcs in enumerate(eventful):
        for src in srcs:
            citing[src].append(k)
    for u in ids:
        if told[u].day is None:
            stories.place_undated(u, [(eventful[k], eventful_cites[k]) for k in citing.get(u, ())])
    out = [_story(by_id, told, members, config.language) for members in stories.groups()]
    out.sort(key=lambda s: (s.date or "9999", s.id))
    return tuple(out)


def _story_links(
    ids: list[str], told: Mapping[str, Telling], eventful: list[set[str]]
) -> list[tuple[int, int, str, str]]:
    """Return the pairs of dated tellings that may be one story, as (days apart, -statements
    shared, a, b): sharing statements on close days, stating one action in their leads
    (_lead_pairs), or stating one day for their events in their leads with the same actors."""
    shared: Counter[tuple[str, str]] = Counter()
    for srcs in eventful:
        shared.update(combinations(sorted(srcs), 2))
    close = []
    for (a, b), n in shared.items():
        if told[a].day is None or told[b].day is None:
            continue
        gap = _gap(told[a], told[b])
        actors = len(told[a].actors & told[b].actors)
        if (
            gap <= STORY_CLOSE_DAYS
            or (gap <= STORY_FAR_DAYS and n >= STORY_MIN_SHARED)
            or (gap <= STORY_FAR_DAYS and actors >= STORY_SAME_ACTORS)
        ):
            close.append((gap, -n, a, b))
    close += [(abs((told[a].day - told[b].day).days), 0, a, b) for a, b in _lead_pairs(told)]
    # tellings that state the same day for their event in their leads, with the same actors,
    # are one story even where no statement of theirs is a claim (an off-topic event)
    same_day: dict[date, list[str]] = defaultdict(list)
    for i in ids:
        if told[i].stated is not None and told[i].day is not None:
            same_day[told[i].day].append(i)
    for group in same_day.values():
        for a, b in combinations(sorted(group), 2):
            if (a, b) not in shared and len(told[a].actors & told[b].actors) >= STORY_SAME_ACTORS - 1:
                close.append((0, 0, a, b))
    return close


class _Stories:
    """The tellings' stories as a union-find, each root with its first and last day."""

    def __init__(self, ids: list[str], told: Mapping[str, Telling]) -> None:
        self.ids, self.told = ids, told
        self.parent = {i: i for i in ids}
        self.span = {i: (told[i].day, told[i].day) for i in ids if told[i].day is not None}
        self.lead_of = {i: {(s.paragraph, s.start) for s in told[i].lead} for i in ids}

    def find(self, x: str) -> str:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        """Join two dated tellings' stories unless their days would then lie over STORY_FAR_DAYS apart."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        first, last = min(self.span[ra][0], self.span[rb][0]), max(self.span[ra][1], self.span[rb][1])
        if (last - first).days <= STORY_FAR_DAYS:
            self.parent[rb] = ra
            self.span[ra] = (first, last)

    def place_undated(self, u: str, cited: list[tuple[set[str], tuple[Citation, ...]]]) -> None:
        """Put a telling with no day into the one story that states what its lead states (by how
        many dated tellings; the sentence a telling gives its event in counts for two), else the
        one story it shares at least STORY_MIN_SHARED statements with. cited: the sources and
        citations of each eventful statement it cites, in claim order."""
        told, lead_of = self.told, self.lead_of
        with_root: Counter[str] = Counter()  # the statements it shares with each story
        by_lead: Counter[str] = Counter()
        for srcs, cites in cited:
            with_root.update({self.find(o) for o in srcs if o != u and told[o].day is not None})
            if any((c.paragraph, c.start) in lead_of[c.source] for c in cites if c.source == u):
                for c in cites:
                    t = told[c.source]
                    if c.source != u and t.day is not None and (c.paragraph, c.start) in lead_of[c.source]:
                        by_lead[self.find(c.source)] += 2 if _tells(t, c) else 1
        ranked = with_root.most_common()
        if len(by_lead) == 1 and max(by_lead.values()) >= STORY_MIN_SHARED:
            self.parent[u] = next(iter(by_lead))
        elif not by_lead and len(ranked) == 1 and ranked[0][1] >= STORY_MIN_SHARED:
            self.parent[u] = ranked[0][0]  # it shares statements with one story only

    def groups(self) -> list[list[str]]:
        """Return each story's tellings, in corpus order."""
        out: dict[str, list[str]] = defaultdict(list)
        for i in self.ids:
            out[self.find(i)].append(i)
        return list(out.values())


def _story(
    by_id: Mapping[str, Article], told: Mapping[str, Telling], members: list[str], language: str
) -> Story:
    """Return one story of its tellings: dated by the event day most of them state, else by the
    first publication date."""
    arts = [by_id[m] for m in members]
    stated = Counter(told[m].day.isoformat() for m in members if told[m].stated and told[m].day)
    if stated:
        top = max(stated.values())
        when = min(d for d, n in stated.items() if n == top)
    else:
        dated = sorted(a.published for a in arts if parse_day(a.published))
        when = dated[0] if dated else None
    story_id = "story-" + hashlib.sha1(" ".join(sorted(members)).encode()).hexdigest()[:8]
    return Story(story_id, _best_title(arts, language), tuple(members), when)
