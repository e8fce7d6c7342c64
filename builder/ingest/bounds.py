"""How much text one article may hold before it is refused rather than analysed.

Analysis costs about 30 microseconds for each word, number or punctuation mark (a run of "1. " is
the dearest: each "1" is a number to read, each "." a possible sentence end), so an article past
`limits.max_tokens` in research.yml (default 100,000: a book) is reported and skipped
before any of that work. Counting stops at the limit: the check costs the same for 20 MB as for 1 MB.
"""

from __future__ import annotations

import re
from itertools import islice

from builder.config import Limits

TOKEN = re.compile(r"\w+|[^\w\s]")  # a word or number, or one punctuation mark or symbol


def count_tokens(text: str, stop: int | None = None) -> int:
    """Return the words, numbers and punctuation marks in text, counting at most stop of them."""
    return sum(1 for _ in islice(TOKEN.finditer(text), stop))


def too_large(text: str, limits: Limits) -> str | None:
    """Return why an article's text is past limits.max_tokens, for its Rejected reason; None if it is not."""
    limit = limits.max_tokens
    if count_tokens(text, limit + 1) <= limit:
        return None
    return (
        f"more than {limit} words, numbers and punctuation marks (limits.max_tokens in research.yml); "
        "not analysed"
    )
