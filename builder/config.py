"""Load and validate the research definition (research.yml)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from builder.errors import ConfigError
from builder.messages import clean

ENTITY_TYPES = ("person", "organization", "place")


def _terms(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    """Return a {language: terms} table, validating its shape."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping of language -> list of terms")
    out: dict[str, tuple[str, ...]] = {}
    for lang, terms in sorted(raw.items()):
        if isinstance(terms, str):
            terms = [terms]
        if not isinstance(terms, list) or not all(isinstance(t, (str, int)) for t in terms):
            raise ConfigError(f"{where}.{lang}: expected a list of strings")
        out[str(lang)] = tuple(str(t) for t in terms)
    return out


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    summary: str
    keywords: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    type: str
    aliases: dict[str, tuple[str, ...]]
    role: str | None = None
    country: str | None = None  # the country or body it belongs to ("kazakhstan", "kyrgyzstan", "eu")

    def all_aliases(self) -> tuple[str, ...]:
        """Return every alias in every language, deduplicated, sorted."""
        seen = {self.name}
        for terms in self.aliases.values():
            seen.update(terms)
        return tuple(sorted(seen))


@dataclass(frozen=True)
class Holder:
    entity: str
    start: str | None = None  # ISO date
    end: str | None = None


@dataclass(frozen=True)
class Role:
    id: str
    title: str
    terms: dict[str, tuple[str, ...]]
    holders: tuple[Holder, ...]


@dataclass(frozen=True)
class Outlet:
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 20_000_000
    max_paragraphs: int = 5000
    max_depth: int = 8
    max_tokens: int = 100_000  # words, numbers and punctuation marks in one article (ingest.bounds)


@dataclass(frozen=True)
class Config:
    title: str
    description: str
    language: str
    topics: tuple[Topic, ...]
    concepts: dict[str, dict[str, tuple[str, ...]]]
    entities: tuple[Entity, ...]
    roles: tuple[Role, ...]
    outlets: tuple[Outlet, ...]
    limits: Limits = field(default_factory=Limits)
    # who acts in the research: {"home": countries, "partners": countries or bodies, "others": ...}
    actors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pagefind_threshold: int = 1000
    russian_names: str = "patterns"  # or "natasha": how unlisted names are found in Russian text
    digest: str = ""  # hash of the config text, part of every cache key

    def topic(self, slug: str) -> Topic | None:
        return next((t for t in self.topics if t.slug == slug), None)

    def entity(self, eid: str) -> Entity | None:
        return next((e for e in self.entities if e.id == eid), None)


def _date(v: Any) -> str | None:
    return None if v is None else str(v)


def read_yaml(text: str) -> Any:
    """Parse YAML with libyaml's safe loader where PyYAML has it (the pure-Python one takes
    ten times as long: a sixth of a no-op rebuild for research.yml, 0.07 s for the tables)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


SCHEMA = Path(__file__).resolve().parent / "tables" / "research_schema.yml"
MAX_NESTING = 32  # research.yml nests 5 deep; libyaml's composer recurses in C (a crash at ~100,000)
MAX_VALUES = 200_000  # values after expanding YAML aliases (an alias bomb expands to billions)
MAX_ERRORS = 20  # problems listed at once
RESERVED_ENTITY_IDS = frozenset({"index"})  # entities/index.md lists the entities
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(read_yaml(SCHEMA.read_text("utf-8")))


class _Problems:
    """The problems found in one research.yml, each with its line and key path."""

    def __init__(self, name: str, lines: dict[tuple, int]) -> None:
        self.name, self.lines, self.found = name, lines, []

    def line(self, path: tuple) -> int:
        """Return the line of the deepest key or item along path that the file has."""
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def add(self, path: tuple, reason: str, line: int | None = None) -> None:
        self.found.append((self.line(path) if line is None else line, key_path(path), reason))

    def raise_any(self) -> None:
        if not self.found:
            return
        rows = sorted(set(self.found), key=lambda r: (r[0], r[1], r[2]))
        more = len(rows) - MAX_ERRORS
        text = "\n".join(
            clean(f"{self.name}:{line}: invalid research definition: {where}: {reason}")
            for line, where, reason in rows[:MAX_ERRORS]
        )
        if more > 0:
            text += f"\n{self.name}: {more} more problems"
        raise ConfigError(text)


def key_path(path: tuple) -> str:
    """Return a key path as research.yml's reader would write it: topics[2].slug."""
    out = ""
    for k in path:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out or "(top level)"


def _yaml_error(name: str, exc: yaml.YAMLError) -> ConfigError:
    mark = getattr(exc, "problem_mark", None)
    line = f":{mark.line + 1}" if mark else ""
    return ConfigError(f"{name}{line}: invalid YAML: {getattr(exc, 'problem', None) or exc}")


def _check_nesting(text: str, name: str) -> None:
    """Refuse YAML nested deeper than MAX_NESTING before composing it (events come one at a time),
    naming the key path where it goes too deep."""
    # open collections: [is a mapping, current key or index, whether a mapping's key comes next]
    open_: list[list] = []

    def advance() -> None:  # a key, value or item ended
        if open_:
            top = open_[-1]
            if top[0]:
                top[2] = not top[2]
            else:
                top[1] += 1

    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                open_.pop()
                advance()
                continue
            start = isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent))
            if not start and not isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                continue  # stream and document events
            if open_ and open_[-1][0] and open_[-1][2]:  # a mapping's key
                open_[-1][1] = event.value if isinstance(event, yaml.ScalarEvent) else "?"
            if not start:
                advance()
                continue
            if len(open_) >= MAX_NESTING:
                path = tuple(c[1] for c in open_)
                raise ConfigError(
                    clean(
                        f"{name}:{event.start_mark.line + 1}: invalid research definition: "
                        f"{key_path(path)}: nested more than {MAX_NESTING} levels deep"
                    )
                )
            open_.append([isinstance(event, yaml.MappingStartEvent), 0, True])
    except yaml.YAMLError:
        _compose(text, name)  # the pure-Python parser's message names what it found


def _compose(text: str, name: str) -> yaml.Node | None:
    """Return the node tree of text (values with their lines)."""
    try:
        try:
            return yaml.compose(text, Loader=_LOADER)
        except yaml.YAMLError:
            return yaml.compose(text, Loader=yaml.SafeLoader)  # its messages say what it found
    except yaml.YAMLError as exc:
        raise _yaml_error(name, exc) from None
    except RecursionError:  # broken and deeply nested: the pure-Python composer recurses
        raise ConfigError(f"{name}: invalid YAML: nested too deep") from None


def _children(node: yaml.Node, path: tuple, problems: _Problems, first_visit: bool) -> list[tuple]:
    """Return a node's (child, key path) pairs; on its first visit, record each key's or item's line
    and report keys given twice."""
    kids: list[tuple[yaml.Node, tuple]] = []
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else f"<{k.tag}>"
            if first_visit:
                line = k.start_mark.line + 1
                if key in first:
                    problems.add((*path, key), f"duplicate key (first at line {first[key]})", line)
                first.setdefault(key, line)
                problems.lines.setdefault((*path, key), line)
            kids.append((v, (*path, key)))
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            if first_visit:
                problems.lines.setdefault((*path, i), v.start_mark.line + 1)
            kids.append((v, (*path, i)))
    return kids


def _walk(root: yaml.Node, problems: _Problems) -> None:
    """Map every key path to its line; report duplicate keys and alias expansions past MAX_VALUES."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, tuple, bool]] = [(root, (), False)]
    seen: set[int] = set()
    while stack:  # iterative: sizes of shared (aliased) nodes counted once, after their children
        node, path, done = stack.pop()
        kids = _children(node, path, problems, not done and id(node) not in seen)
        if done:
            if any(id(v) not in sizes for v, _ in kids):  # a child still open is this node's ancestor
                problems.add(path, "contains itself (a YAML alias to an enclosing anchor)")
                problems.raise_any()
            sizes[id(node)] = 1 + sum(sizes[id(v)] for v, _ in kids)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, path, True))
        stack.extend((v, p, False) for v, p in kids if id(v) not in seen)
    if sizes.get(id(root), 0) > MAX_VALUES:
        problems.add((), f"expands to more than {MAX_VALUES} values (through YAML aliases)")
        problems.raise_any()


def _plain(value: Any) -> Any:
    """Return value with YAML dates as ISO text and keys as text, as the schema reads them."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def _schema_problems(raw: Any, problems: _Problems) -> None:
    import difflib

    for err in _validator().iter_errors(raw):
        path = tuple(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            known = sorted((err.schema.get("properties") or {}).keys())
            for key in sorted(set(err.instance) - set(known)):
                near = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean '{near[0]}'?" if near else f"; known keys: {', '.join(known)}"
                problems.add((*path, key), f"unknown key '{key}'{hint}")
            continue
        if err.validator == "pattern":
            if isinstance(err.instance, str) and (*path, err.instance) in problems.lines:
                path = (*path, err.instance)  # a key refused by propertyNames: its own line
            what = {
                "^[a-z0-9][a-z0-9_-]{0,79}$": "is not an id: lower-case a-z, 0-9, '-' and '_', at most 80",
                "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$": "is not a date (YYYY-MM-DD, YYYY-MM or YYYY)",
                "^[a-z]{2,3}$": "is not a language code (ISO 639-1, like 'en')",
                "^([a-z]{2,3}|any)$": "is not a language code (ISO 639-1, like 'en') or 'any'",
                "\\S": "is blank",
            }.get(err.validator_value, f"does not match {err.validator_value}")
            problems.add(path, f"{err.instance!r} {what}")
            continue
        if err.validator == "required":
            problems.add(path, err.message.replace("is a required property", "is missing"))
            continue
        message = err.message if len(err.message) <= 200 else err.message[:199] + "…"
        problems.add(path, message)


def _items(raw: Any, section: str) -> list[tuple[int, dict]]:
    """Return the (index, mapping) items of a list section of research.yml; none when it is not a list."""
    got = raw.get(section) if isinstance(raw, dict) else None
    return [(i, x) for i, x in enumerate(got) if isinstance(x, dict)] if isinstance(got, list) else []


def _twice(raw: Any, problems: _Problems) -> None:
    """Report topic slugs, entity and role ids and outlet names given twice."""
    for section, key in (("topics", "slug"), ("entities", "id"), ("roles", "id"), ("outlets", "name")):
        first: dict[str, int] = {}
        for i, item in _items(raw, section):
            value = item.get(key)
            if not isinstance(value, str):
                continue
            if value in first:
                problems.add((section, i, key), f"duplicate {key} '{value}' (first at line {first[value]})")
            else:
                first[value] = problems.line((section, i, key))


def _reserved(raw: Any, problems: _Problems) -> None:
    """Report entity ids a page of the site already has."""
    for i, e in _items(raw, "entities"):
        if e.get("id") in RESERVED_ENTITY_IDS:
            problems.add(("entities", i, "id"), f"'{e['id']}' is reserved (the page listing the entities)")


def _holder_problems(raw: Any, problems: _Problems) -> None:
    """Report role holders that are not listed entities or that end before they start."""
    ids = {e.get("id") for _, e in _items(raw, "entities")}
    for i, r in _items(raw, "roles"):
        holders = r.get("holders")
        for j, h in enumerate(holders if isinstance(holders, list) else []):
            if not isinstance(h, dict):
                continue
            if isinstance(h.get("entity"), str) and h["entity"] not in ids:
                problems.add(("roles", i, "holders", j, "entity"), f"'{h['entity']}' is not a known entity")
            start, end = h.get("from"), h.get("to")
            if isinstance(start, str) and isinstance(end, str) and start > end:
                problems.add(("roles", i, "holders", j, "to"), f"ends ({end}) before it starts ({start})")


def _duplicates(raw: Any, problems: _Problems) -> None:
    """Report ids and slugs given twice, holders of unknown entities and reserved entity ids
    (among the items the schema let through: this runs beside it, so both are listed at once)."""
    _twice(raw, problems)
    _reserved(raw, problems)
    _holder_problems(raw, problems)


def _construct(root: yaml.Node, name: str) -> Any:
    """Return the plain values of a checked node tree (dates as ISO text, keys as text)."""
    loader = _LOADER("")
    try:
        return _plain(loader.construct_document(root))
    except yaml.YAMLError as exc:
        raise _yaml_error(name, exc) from None
    except Exception as exc:  # a tag its value does not fit: "!!int x", "!!timestamp x"
        raise ConfigError(f"{name}: invalid YAML: {type(exc).__name__}: {exc}") from None
    finally:
        loader.dispose()


def _checked(text: str, name: str) -> Any:
    """Return research.yml's values once nothing is wrong with them; raise ConfigError listing
    the problems of the first stage that finds any: nesting, YAML syntax, duplicate keys and
    self-containing or exploding aliases, values a tag does not fit, a missing topics list, then
    the schema and the ids together."""
    _check_nesting(text, name)
    root = _compose(text, name)
    if root is None:
        raise ConfigError(f"{name}: no topics defined")
    problems = _Problems(name, {(): root.start_mark.line + 1})
    _walk(root, problems)
    problems.raise_any()  # duplicate keys: the values below would be the last of each
    raw = _construct(root, name)
    if isinstance(raw, dict) and "topics" not in raw:
        problems.raise_any()
        raise ConfigError(f"{name}: no topics defined")
    _schema_problems(raw, problems)
    _duplicates(raw, problems)
    problems.raise_any()
    return raw


def _topics(raw: dict, name: str) -> tuple[Topic, ...]:
    """The topics section: slug, title, summary and keywords per language."""
    return tuple(
        Topic(
            slug=t["slug"],
            title=str(t["title"]),
            summary=str(t.get("summary") or "").strip(),
            keywords=_terms(t.get("keywords"), f"{name}: topics[{i}].keywords"),
        )
        for i, t in enumerate(raw["topics"])
    )


def _entities(raw: dict, name: str) -> tuple[Entity, ...]:
    """The entities section: id, name, type, aliases per language, role and country."""
    return tuple(
        Entity(
            id=e["id"],
            name=str(e["name"]),
            type=e["type"],
            aliases=_terms(e.get("aliases"), f"{name}: entities[{i}].aliases"),
            role=e.get("role"),
            country=str(e["country"]) if e.get("country") else None,
        )
        for i, e in enumerate(raw.get("entities") or [])
    )


def _roles(raw: dict, name: str) -> tuple[Role, ...]:
    """The roles section: id, title, terms per language and the holders with their dates."""
    return tuple(
        Role(
            id=r["id"],
            title=str(r["title"]),
            terms=_terms(r.get("terms"), f"{name}: roles[{i}].terms"),
            holders=tuple(
                Holder(str(h["entity"]), _date(h.get("from")), _date(h.get("to")))
                for h in r.get("holders") or []
            ),
        )
        for i, r in enumerate(raw.get("roles") or [])
    )


def _outlets(raw: dict) -> tuple[Outlet, ...]:
    """The outlets section: an outlet without aliases is known by its name."""
    return tuple(
        Outlet(str(o["name"]), tuple(str(a) for a in o.get("aliases") or [o["name"]]))
        for o in raw.get("outlets") or []
    )


def _concepts(raw: dict, name: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """The concepts section: {concept: {language: terms}}, sorted by concept."""
    return {
        str(k): _terms(v, f"{name}: concepts.{k}") for k, v in sorted((raw.get("concepts") or {}).items())
    }


def _actors(raw: dict) -> dict[str, tuple[str, ...]]:
    """The actors section: {home|partners|others: countries or bodies}, sorted by group."""
    return {str(k): tuple(str(x) for x in v or ()) for k, v in sorted((raw.get("actors") or {}).items())}


def parse_config(text: str, name: str = "research.yml") -> Config:
    """Return a Config from YAML text; raise ConfigError naming the file, line and key path of
    every problem: bad YAML, nesting past MAX_NESTING, duplicate keys, anything the schema
    (tables/research_schema.yml) refuses, and ids or slugs given twice."""
    import hashlib

    raw = _checked(text, name)
    site = raw.get("site") or {}
    topics, entities, roles = _topics(raw, name), _entities(raw, name), _roles(raw, name)
    outlets, concepts = _outlets(raw), _concepts(raw, name)
    return Config(
        title=str(site.get("title", "Research site")),
        description=str(site.get("description") or "").strip(),
        language=str(site.get("language", "en")),
        topics=topics,
        concepts=concepts,
        entities=entities,
        roles=roles,
        outlets=outlets,
        limits=Limits(**{k: int(v) for k, v in (raw.get("limits") or {}).items()}),
        actors=_actors(raw),
        pagefind_threshold=int((raw.get("search") or {}).get("pagefind_threshold", 1000)),
        russian_names=str((raw.get("names") or {}).get("russian", "patterns")),
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
    )


def load_config(path: Path) -> Config:
    """Read and parse a research.yml file."""
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    return parse_config(text, path.name)
