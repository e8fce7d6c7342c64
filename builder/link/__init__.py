"""Corpus-level linking: the evidence layer of the annotated corpus, one module a stage.

- duplicates: near-duplicate articles (MinHash LSH), set aside before linking;
- statements: the sentences that can make claims, and their signatures;
- claims: statements of different sources that state the same fact;
- stories: tellings of one event, joined by their claims;
- dates: publication dates inferred from stories;
- timeline, discrepancies, names: what the pages show of them.

Everything here is a pure function of the loaded articles, their annotations and the config.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from builder.config import Config
from builder.link.claims import cluster_claims
from builder.link.dates import infer_published, redated
from builder.link.discrepancies import build_discrepancies, telling_conflicts
from builder.link.names import unconfirmed_entities
from builder.link.statements import Statement, article_statements, statement_items
from builder.link.stories import Telling, tell_stories, tellings
from builder.link.timeline import chart_events
from builder.records import Annotations, Article, Claim, Linked


def state_claims(
    articles: Sequence[Article],
    annotations: Mapping[str, Annotations],
    config: Config,
    told: Mapping[str, Telling] | None = None,
    items: list[Statement] | None = None,
) -> tuple[Claim, ...]:
    """Return the claims: statements grouped with those of other sources that state the same fact.

    A statement that names no year is about its article's event: it joins only statements of
    tellings whose event days lie within BACKGROUND_SPAN_DAYS ("the first round was held" in
    October and "the round was held" in February are two facts); one that names a year or a
    "since" date is background and joins across events.
    """
    items = items if items is not None else statement_items(articles, annotations)
    told = told if told is not None else tellings(articles, annotations)
    days = {k: t.day for k, t in told.items()}
    clusters = cluster_claims(tuple(articles), config, items, days)
    return clusters.claims()


def link_corpus(
    articles: Sequence[Article], annotations: Mapping[str, Annotations], config: Config
) -> Linked:
    """Return the evidence layer of the kept (non-duplicate) articles, in corpus order.

    Claims, then stories of them, then publication dates inferred from stories; undated
    articles are re-dated on those, their claims stated again; then role and telling
    discrepancies, the timeline and the names research.yml does not list.
    """
    kept = tuple(articles)
    annotations = {a.id: annotations[a.id] for a in kept if a.id in annotations}
    told = tellings(kept, annotations)
    statements = {a.id: article_statements(a, annotations.get(a.id)) for a in kept}
    claims = state_claims(kept, annotations, config, told, [it for a in kept for it in statements[a.id]])
    stories = tell_stories(kept, annotations, claims, config, told)
    inferred = infer_published(kept, stories)
    dated = redated(kept, annotations, inferred, config) if inferred else annotations
    if dated != annotations:  # the articles re-dated are told and state again; the others as they were
        again = [a for a in kept if dated.get(a.id) is not annotations.get(a.id)]
        told = {**told, **tellings(again, dated)}
        statements.update((a.id, article_statements(a, dated.get(a.id))) for a in again)
        claims = state_claims(kept, dated, config, told, [it for a in kept for it in statements[a.id]])
    published = {a.id: a.published or inferred.get(a.id, (None,))[0] for a in kept}
    discrepancies = build_discrepancies(kept, dated, stories, config, published)
    discrepancies += telling_conflicts(kept, dated, stories, config, told)
    events = chart_events(kept, dated, claims, stories, published, told)
    return Linked(
        claims=claims,
        stories=stories,
        inferred=inferred,
        annotations=dated,
        discrepancies=discrepancies,
        events=events,
        unconfirmed=unconfirmed_entities(kept, dated, config),
    )
