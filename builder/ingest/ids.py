"""Give every article a corpus-unique id, its address: sources/<id>/.

An article's id is the one its file name gives (Article.file_id), or one its front matter gives
(Article.id when it differs). The file names win: a front-matter id is refused when any file's name
gives that id, when it is reserved, or when an earlier article's front matter took it; the article
then keeps the id of its own file name, under a warning naming the file it collides with. So no
article can take another's address, and none is renamed because of another's front matter. Two
file names that give one id (`Visa.md`, `visa.txt`) keep it for the first in order; the next gets
a suffix from a hash of its path.
"""

from __future__ import annotations

import dataclasses
import hashlib

from builder.records import Article, Rejected

RESERVED_IDS = frozenset({"index"})  # sources/index.md is the list of sources


def file_id(article: Article) -> str:
    """Return the id an article's file name gives (older records carry only id)."""
    return article.file_id or article.id


def _suffixed(base: str, file: str, used: set[str]) -> str:
    """Return base with a suffix from the hash of file that no other id uses."""
    digest = hashlib.sha1(file.encode("utf-8", "surrogatepass")).hexdigest()
    for k in range(6, len(digest) + 1, 2):
        new = f"{base}-{digest[:k]}"
        if new not in used:
            return new
    n = 2
    while f"{base}-{digest}-{n}" in used:
        n += 1
    return f"{base}-{digest}-{n}"


def assign_ids(items: list[Article | Rejected]) -> list[Article | Rejected]:
    """Return items (in their order, which decides who keeps a contested id) with every article's
    id unique and not reserved; each article whose id changed carries a warning saying why."""
    named: dict[str, str] = {}  # id a file name gives -> the first file whose name gives it
    for it in items:
        if isinstance(it, Article):
            named.setdefault(file_id(it), it.file)

    given: dict[int, str] = {}  # item index -> front-matter id it keeps
    refused: dict[int, str] = {}  # item index -> why its front-matter id is refused
    first_given: dict[str, str] = {}  # front-matter id -> the file that keeps it
    for i, it in enumerate(items):
        if not isinstance(it, Article) or not it.file_id or it.id == it.file_id:
            continue
        want = it.id
        if want in RESERVED_IDS:
            refused[i] = f"front matter id '{want}' is reserved for the sources index"
        elif want in named:
            refused[i] = f"front matter id '{want}' collides with {named[want]}, whose file name gives it"
        elif want in first_given:
            refused[i] = (
                f"front matter id '{want}' collides with {first_given[want]}, whose front matter gives it"
            )
        else:
            given[i] = want
            first_given[want] = it.file

    taken = set(given.values())
    used = taken | set(named) | RESERVED_IDS
    out: list[Article | Rejected] = []
    for i, it in enumerate(items):
        if not isinstance(it, Article) or i in given:
            out.append(it)
            continue
        base = file_id(it)
        new = base
        notes = []
        if base in taken or base in RESERVED_IDS:
            new = _suffixed(base, it.file, used)
            why = (
                "reserved for the sources index"
                if base in RESERVED_IDS
                else f"{named[base]} gives the same id"
            )
            notes.append(f"id renamed to {new}: {why}")
        if i in refused:
            notes.insert(0, f"{refused[i]}; ignored, the id is {new} (from the file name)")
        taken.add(new)
        used.add(new)
        if new != it.id or notes:
            it = dataclasses.replace(it, id=new, warnings=(*it.warnings, *notes))
        out.append(it)
    return out
