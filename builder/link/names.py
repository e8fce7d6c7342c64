"""Names research.yml does not list, found by more than one source."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from builder.config import Config
from builder.link.statements import citation_of, is_statement, skeleton
from builder.records import Annotations, Article, Citation, UnconfirmedEntity, Unlisted


def _person_key(u) -> str:
    """Return what identifies an unlisted name across scripts and inflection: a person by the
    consonants of each of its words ("Данияр Сейткали", "Daniyar Seitkali"), others by their id."""
    if u.type != "person":
        return u.id
    return "person:" + " ".join(skeleton(w) for w in u.name.split())


def unconfirmed_entities(
    articles: Sequence[Article], annotations: Mapping[str, Annotations], config: Config | None = None
) -> tuple[UnconfirmedEntity, ...]:
    """Return the people and organisations articles name that research.yml does not list, with
    the statements that name them (a name in page chrome, or an outlet's, is not taken)."""
    by_id = {a.id: a for a in articles}
    outlets = {x.casefold() for o in (config.outlets if config else ()) for x in (o.name, *o.aliases)}
    outlets |= {a.outlet.casefold() for a in articles if a.outlet}
    outlets |= {x.casefold() for e in (config.entities if config else ()) for x in e.all_aliases()}
    found: dict[str, list] = defaultdict(list)
    for art in articles:
        ann = annotations.get(art.id)
        if not ann:
            continue
        for u in ann.unlisted:
            if u.name.casefold().rstrip(".") not in outlets and u.text.casefold().rstrip(".") not in outlets:
                found[_person_key(u)].append((art.id, u))
    out = []
    for _key, seen in sorted(found.items()):
        cites = [
            c for sid, u in seen if (c := _statement_naming(u, by_id[sid], annotations[sid])) is not None
        ]
        if not cites:
            continue
        cited = {c.source for c in cites}
        seen = [(sid, u) for sid, u in seen if sid in cited]
        first = _best_spelling(seen)
        out.append(
            UnconfirmedEntity(
                first.id,
                first.name,
                first.type,
                tuple(sorted({u.text for _, u in seen})),
                tuple(sorted({sid for sid, _ in seen})),
                tuple(dict.fromkeys(cites)),
            )
        )
    return tuple(out)


def _statement_naming(u: Unlisted, art: Article, ann: Annotations) -> Citation | None:
    """Cite the sentence that names u, when it is a statement (not a byline, caption or heading)."""
    s = next(
        (s for s in ann.sentences if s.paragraph == u.paragraph and s.start <= u.start and u.end <= s.end),
        None,
    )
    return citation_of(art, s) if s is not None and is_statement(s.text) else None


def _best_spelling(seen: list[tuple[str, Unlisted]]) -> Unlisted:
    """Return the mention whose spelling names the entity: the most frequent, Latin first (the
    site's pages are in English)."""
    spellings = Counter(u.name for _, u in seen)
    return next(
        u
        for name, _ in sorted(spellings.items(), key=lambda x: (not x[0].isascii(), -x[1], x[0]))
        for _, u in seen
        if u.name == name
    )
