"""Publication dates inferred from stories, and undated articles re-annotated on them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence

from builder.config import Config
from builder.link.statements import parse_day
from builder.records import Annotations, Article, DateMention, Story


def _weekdays_named(art: Article, days: list[str], find_dates) -> Iterator[tuple[str, DateMention]]:
    """Yield (day, its mention) for each of the days, in order, that a relative day in the
    article ("в пятницу", "on Friday") falls on.

    Paragraphs are scanned once; only those with a relative day are resolved
    again against each candidate day.
    """
    if not days:
        return
    from builder.nlp.dates import may_name_day

    relative = [
        p
        for p in art.paragraphs
        if may_name_day(p.text, art.language)
        and any(
            m.relative and m.precision == "day" for m in find_dates(p.text, art.language, anchor=days[-1])
        )
    ]
    for day in days:
        for p in relative:
            named = [
                m
                for m in find_dates(p.text, art.language, anchor=day, paragraph=p.id)
                if m.relative and m.precision == "day" and m.value == day
            ]
            if named:
                yield day, named[0]
                break


def infer_published(articles: Sequence[Article], stories: Sequence[Story]) -> dict[str, tuple[str, str, str]]:
    """Return {source id: (date, "day", reason)} for undated tellings whose text names the weekday
    of exactly one dated telling's publication date in their story; no other evidence is taken."""
    from builder.nlp.dates import find_dates

    by_id = {a.id: a for a in articles}
    out: dict[str, tuple[str, str, str]] = {}
    for story in stories:
        days = sorted({by_id[s].published for s in story.sources if parse_day(by_id[s].published)})
        for sid in story.sources:
            art = by_id[sid]
            if art.published or not days:
                continue
            named = [(d, m) for d, m in _weekdays_named(art, days, find_dates) if m.weekday]
            if len({d for d, _ in named}) != 1:
                continue
            day, m = named[0]
            out[sid] = (
                day,
                "day",
                f"'{m.text}' in {m.paragraph} names the weekday of {day}, the publication date "
                f"of another telling of the same story, and of no other",
            )
    return out


def on_inferred_date(art: Article, ann: Annotations, inferred: tuple, config: Config) -> Annotations:
    """Return an undated article's annotations with its relative dates resolved on the date
    inferred for it, (date, precision, reason); a year-less date takes no year from it."""
    from builder.annotate import redate

    day, precision, _ = inferred
    on = dataclasses.replace(art, published=day, published_precision=precision)
    return dataclasses.replace(redate(on, ann, config, own_date=False), source=art.id)


def redated(
    articles: Sequence[Article],
    annotations: Mapping[str, Annotations],
    inferred: Mapping[str, tuple],
    config: Config,
) -> dict[str, Annotations]:
    """Return the annotations with each undated article re-annotated on its inferred date."""
    out = dict(annotations)
    for art in articles:
        if not art.published and art.id in inferred and art.id in annotations:
            out[art.id] = on_inferred_date(art, annotations[art.id], inferred[art.id], config)
    return out
