"""Publishers: names, aliases and hosts from research.yml and tables/outlets.yml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from builder.ingest.decode import collapse
from builder.ingest.tables import UPPER, alternation, read_table, table_rules

DOMAIN = re.compile(r"[A-Za-z0-9][\w-]*\.(?:kz|ru|uz|kg|com|org|net|info|media|news|de|fr|eu|uk)")


@lru_cache(maxsize=1)
def _table_outlets() -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """Return (name, aliases, hosts) of the publishers in tables/outlets.yml."""
    raw = read_table("outlets.yml").get("outlets") or []
    return tuple(
        (
            str(o["name"]),
            tuple(str(a) for a in o.get("aliases") or ()),
            tuple(str(h) for h in o.get("hosts") or ()),
        )
        for o in raw
    )


@dataclass(frozen=True)
class _Outlets:
    alias_of: dict[str, str]  # lowercased alias -> display name
    host_of: dict[str, str]  # host without "www." -> display name
    patterns: tuple[re.Pattern, ...]
    known: re.Pattern  # any known alias


@lru_cache(maxsize=16)
def outlet_rules(outlets: tuple[tuple[str, tuple[str, ...]], ...]) -> _Outlets:
    """Return the outlet aliases, hosts and byline patterns for these research.yml outlets.

    research.yml names win: an entry of tables/outlets.yml that shares an alias with one of
    them lends it its other aliases and hosts under the research.yml name.
    """
    alias_of: dict[str, str] = {}
    for name, aliases in outlets:
        for a in (name, *aliases):
            alias_of[a.lower()] = name
    host_of: dict[str, str] = {}
    for name, aliases, hosts in _table_outlets():
        own = next((alias_of[a.lower()] for a in (name, *aliases) if a.lower() in alias_of), name)
        for a in (name, *aliases):
            alias_of.setdefault(a.lower(), own)
        for h in hosts:
            host_of.setdefault(h.lower().removeprefix("www."), own)
    for alias, name in list(alias_of.items()):
        if DOMAIN.fullmatch(alias):
            host_of.setdefault(alias, name)
    known = alternation(alias_of) if alias_of else r"(?!x)x"
    domain = r"[A-Za-z0-9][\w-]*(?:\.[a-z]{2,6})+"  # a domain: Inform.kz, tengrinews.kz
    words = rf"[{UPPER}][\w-]*(?:\s+[{UPPER}][\w-]*){{0,2}}"  # up to three capitalised words
    outlet = rf"(?<![\w.])(?P<outlet>(?i:{known})|{domain})(?![\w])"  # aliases are stored lowercased
    media = rf"(?<![\w.])(?P<outlet>(?i:{known})|{domain}|{words})(?![\w])"
    pats = tuple(
        re.compile(
            rf"(?:^|(?<=[\s,.;:—–(«\"]))(?:{p.replace('{outlet}', outlet).replace('{media}', media)})"
            rf"(?=\s*(?:[.,;:!»\")]|$))"
        )
        for p in table_rules().patterns
    )
    known_re = re.compile(rf"(?<![\w.])(?:{known})(?![\w])", re.IGNORECASE)
    return _Outlets(alias_of, host_of, pats, known_re)


def outlet_for_host(url: str | None, outlets: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    """Return the known outlet whose site this http(s) URL is on ("en.trend.az" -> Trend), or None."""
    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return None
    host_of = outlet_rules(outlets).host_of
    parts = host.split(".")
    for k in range(len(parts) - 1):
        name = host_of.get(".".join(parts[k:]))
        if name:
            return name
    return None


def outlet_aliases(name: str | None, outlets: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[str, ...]:
    """Return the aliases of the known outlet with this display name, or ()."""
    if not name:
        return ()
    return tuple(sorted(a for a, n in outlet_rules(outlets).alias_of.items() if n == name))


def known_outlet(name: str | None, outlets: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    """Return the display name of a known outlet named this way, or None."""
    if not name:
        return None
    return outlet_rules(outlets).alias_of.get(collapse(name).lower())
