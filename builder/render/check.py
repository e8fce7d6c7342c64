"""The citation check: every quote the site shows is verbatim in the paragraph it cites."""

from __future__ import annotations

from builder.records import Corpus


def unverbatim(corpus: Corpus) -> list[str]:
    """Return one line for every citation whose quote is not verbatim in its paragraph."""
    text = {(a.id, p.id): p.text for a in corpus.articles for p in a.paragraphs}
    bad = []
    cites = [c for cl in corpus.claims for c in cl.citations]
    cites += [c for e in corpus.events for c in e.citations]
    cites += [c for d in corpus.discrepancies for v in d.values for c in v.citations]
    for c in cites:
        para = text.get((c.source, c.paragraph))
        if para is None or para[c.start : c.end] != c.quote:
            bad.append(f"{c.source}#{c.paragraph}: quote is not verbatim in the paragraph: {c.quote[:60]!r}")
    return bad
