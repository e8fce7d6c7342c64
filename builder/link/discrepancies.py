"""Discrepancies: roles whose holder the sources give differently, and tellings of one story
that give different days, places or leaders.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence

from builder.config import Config, Role
from builder.link.statements import citation_of, is_statement, skeleton
from builder.link.stories import Telling, tellings
from builder.records import Annotations, Article, Citation, Discrepancy, Sentence, Story, Version


def _holder_on(role: Role, day: str) -> str | None:
    for h in role.holders:
        if (h.start is None or h.start <= day) and (h.end is None or day <= h.end):
            return h.entity
    return None


def build_discrepancies(
    articles: tuple[Article, ...],
    annotations: dict[str, Annotations],
    stories: tuple[Story, ...],
    config: Config,
    published: dict[str, str | None],
) -> tuple[Discrepancy, ...]:
    """Find sources of one story that disagree on who holds a role, and tenure conflicts."""
    by_id = {a.id: a for a in articles}
    persons = {e.id for e in config.entities if e.type == "person"}
    names = {e.id: e.name for e in config.entities}
    out: list[Discrepancy] = []
    for story in stories:
        for role in config.roles:
            said = _holders_said(story, role, annotations, by_id, persons)
            if not said:
                continue
            day = story.date or next((published[s] for s in story.sources if published.get(s)), None)
            holder = _holder_on(role, day) if day and len(day) == 10 else None
            wrong = sorted(p for p in said if holder and p != holder and _knows_tenure(role, p))
            if len(said) < 2 and not wrong:
                continue
            values = tuple(
                Version(names.get(p, p), tuple(said[p]))
                for p in sorted(said, key=lambda p: (-len(said[p]), names.get(p, p)))
            )
            did = "d-" + hashlib.sha1(f"{story.id}/{role.id}".encode()).hexdigest()[:8]
            notes = _role_notes(role, said, wrong, day, holder, names)
            out.append(
                Discrepancy(did, role.title, values, notes, _cited_topics(values, annotations), story.id)
            )
    out.sort(key=lambda d: (d.subject, d.id))
    return tuple(out)


def _holders_said(
    story: Story,
    role: Role,
    annotations: Mapping[str, Annotations],
    by_id: dict[str, Article],
    persons: set[str],
) -> dict[str, list[Citation]]:
    """Return {person: the sentences of the story's sources that name them in the role}."""
    said: dict[str, list[Citation]] = defaultdict(list)
    for sid in story.sources:
        ann = annotations.get(sid)
        if not ann:
            continue
        for s in ann.sentences:
            if role.id not in s.entities:
                continue
            person = _person_for_role(ann, s, role.id, persons)
            if person:
                cite = citation_of(by_id[sid], s)
                if cite not in said[person]:
                    said[person].append(cite)
    return said


def _role_notes(
    role: Role, said: dict[str, list[Citation]], wrong: list[str], day: str | None, holder, names: dict
) -> str:
    """Return what a role discrepancy says: the different people named, and tenures that do not fit."""
    notes = []
    if len(said) >= 2:
        notes.append(
            f"Sources on this story name different people as {role.title}: "
            + ", ".join(names.get(p, p) for p in sorted(said))
            + "."
        )
    for p in wrong:
        h = next(h for h in role.holders if h.entity == p)
        span = f"{h.start or '…'} – {h.end or 'present'}"
        notes.append(
            f"{names.get(p, p)} held the post {span}; on {day} it was held by "
            f"{names.get(holder, holder)} (research.yml)."
        )
    return " ".join(notes)


def _cited_topics(values: tuple[Version, ...], annotations: Mapping[str, Annotations]) -> tuple[str, ...]:
    """Return the topics of the sentences the versions cite, sorted."""
    return tuple(
        sorted(
            {
                t
                for v in values
                for c in v.citations
                for s in annotations[c.source].sentences
                if s.paragraph == c.paragraph and s.start == c.start
                for t in s.topics
            }
        )
    )


def _knows_tenure(role: Role, person: str) -> bool:
    return any(h.entity == person and (h.start or h.end) for h in role.holders)


def _person_for_role(ann: Annotations, s: Sentence, role_id: str, persons: set[str]) -> str | None:
    """Return the person named nearest after (or else before) the role in the sentence."""
    in_sent = [
        m for m in ann.mentions if m.paragraph == s.paragraph and s.start <= m.start and m.end <= s.end
    ]
    roles = [m for m in in_sent if m.entity == role_id]
    people = [m for m in in_sent if m.entity in persons]
    if not people:
        return None
    if not roles:
        return None
    r = roles[0]
    after = [p for p in people if p.start >= r.end]
    if after:
        nearest = min(after, key=lambda p: p.start - r.end)
        if nearest.start - r.end <= 40:
            return nearest.entity
    before = [p for p in people if p.end <= r.start]
    if before:
        nearest = max(before, key=lambda p: p.end)
        if r.start - nearest.end <= 40:
            return nearest.entity
    return None


def telling_conflicts(
    articles: Sequence[Article],
    annotations: Mapping[str, Annotations],
    stories: Sequence[Story],
    config: Config | None = None,
    told: Mapping[str, Telling] | None = None,
) -> tuple[Discrepancy, ...]:
    """Return the points where tellings of one event differ: the day they state for it, the
    number they give in statements of the same action by the same actors, and who they say led
    a side."""
    by_id = {a.id: a for a in articles}
    told = told if told is not None else tellings(articles, annotations)
    out = []
    for story in stories:
        if len(story.sources) < 2:
            continue
        days: dict[str, list[Citation]] = defaultdict(list)
        for sid in story.sources:
            t = told[sid]
            if t.stated is not None and t.day is not None:
                days[t.day.isoformat()].append(citation_of(by_id[sid], t.stated))
        topics = tuple(
            sorted({x for sid in story.sources for s in annotations[sid].sentences for x in s.topics})
        )
        if len(days) >= 2:
            out.append(_conflict(story, "Date", days, topics))
        said: dict[tuple, dict[str, list[Citation]]] = defaultdict(lambda: defaultdict(list))
        for sid in story.sources:
            for s in annotations[sid].sentences:
                if len(set(s.numbers)) == 1 and s.concepts and s.entities and is_statement(s.text):
                    said[(s.concepts, s.entities)][s.numbers[0]].append(citation_of(by_id[sid], s))
        for _key, values in sorted(said.items()):
            sources = {c.source for cs in values.values() for c in cs}
            if len(values) >= 2 and len(sources) >= 2:
                out.append(_conflict(story, "Number", values, topics))
        for _side, values in sorted(_leaders(story, by_id, annotations, config).items()):
            sources = {c.source for cs in values.values() for c in cs}
            if len(values) >= 2 and len(sources) >= 2:
                out.append(_conflict(story, "Participants", values, topics))
    return tuple(out)


LEAD_CONCEPT = "lead"  # research.yml concept of leading a delegation, chairing a meeting


def _leaders(
    story: Story, by_id: Mapping[str, Article], annotations: Mapping[str, Annotations], config: Config | None
) -> dict[str, dict[str, list[Citation]]]:
    """Return {side: {person: citations}}: who each telling says led one side ("home" or
    "partners", research.yml actors), from statements of leading that name one person."""
    if config is None or not config.actors:
        return {}
    country = {e.id: e.country for e in config.entities if e.country}
    persons = {e.id: e.name for e in config.entities if e.type == "person"}
    sides = {side: set(config.actors.get(side, ())) for side in ("home", "partners")}
    out: dict[str, dict[str, list[Citation]]] = defaultdict(dict)
    names: dict[tuple[str, str], str] = {}
    for sid in story.sources:
        ann = annotations[sid]
        for s in ann.sentences:
            if LEAD_CONCEPT not in s.concepts or not is_statement(s.text):
                continue
            named = {country.get(e) for e in s.entities if e not in persons}
            side = [k for k, v in sides.items() if named & v]
            people = {persons[m.entity] for m in ann.mentions if m.entity in persons and _inside(m, s)}
            people |= {u.name for u in ann.unlisted if u.type == "person" and _inside(u, s)}
            if len(side) != 1 or len(people) != 1:
                continue
            (person,) = people
            key = skeleton(person)
            shown = names.setdefault((side[0], key), person)
            out[side[0]].setdefault(shown, []).append(citation_of(by_id[sid], s))
    return out


def _inside(m, s: Sentence) -> bool:
    return m.paragraph == s.paragraph and s.start <= m.start and m.end <= s.end


def _conflict(story: Story, what: str, values: Mapping[str, list[Citation]], topics) -> Discrepancy:
    versions = tuple(
        Version(v, tuple(dict.fromkeys(values[v])))
        for v in sorted(values, key=lambda v: (-len(values[v]), v))
    )
    first = versions[0].citations[0]
    did = "d-" + hashlib.sha1(f"{story.id}/{what}/{first.source}/{first.start}".encode()).hexdigest()[:8]
    note = f"Tellings of this event give different {what.lower()}s: " + ", ".join(sorted(values)) + "."
    return Discrepancy(did, f"{what}: {story.title[:120]}", versions, note, topics, story.id)
