"""Optional YAML front matter at the top of a text file, and the dates it gives."""

from __future__ import annotations

import datetime as dt

import yaml

from builder.nlp.dates import find_dates


class FrontMatterLoader(yaml.SafeLoader):
    """A safe YAML loader that leaves dates as strings (validated by iso_date, never raising)."""


FrontMatterLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def whole_characters(value: str) -> str:
    """Join the surrogate pairs a YAML escape spells ("\\ud800\\udc00"); a lone one becomes U+FFFD.

    Text with a lone surrogate cannot be written as UTF-8, so it must not reach a page or an export.
    """
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def front_matter(text: str) -> tuple[dict | None, str, int, str | None]:
    """Return (meta, body, lines used, problem) for text that may start with YAML front matter."""
    if not text.startswith("---\n"):
        return None, text, 0, None
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return None, text, 0, "broken front matter at line 1: no closing '---' line"
    block = "\n".join(lines[1:end])
    try:
        meta = yaml.load(block, Loader=FrontMatterLoader) if block.strip() else {}  # noqa: S506
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, text, 0, f"broken front matter at line {line}: {problem}"
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return (
            None,
            text,
            0,
            "broken front matter at line 2: expected 'key: value' lines, not a list or a value",
        )
    return meta, "\n".join(lines[end + 1 :]), end + 1, None


def iso_date(value: object) -> tuple[str, str] | None:
    """Return (ISO date, precision) for a front-matter date, or None."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat(), "day"
    if isinstance(value, int) and 1900 <= value <= 2100:
        return f"{value:04d}", "year"
    s = str(value).strip()
    for fmt, precision, n in (("%Y-%m-%d", "day", 10), ("%Y-%m", "month", 7), ("%Y", "year", 4)):
        try:
            d = dt.datetime.strptime(s[:n], fmt)
        except ValueError:
            continue
        if n == 10 and len(s) > 10 and s[10] not in "T ":
            continue
        if n < 10 and len(s) != n:
            continue
        if 1900 <= d.year <= 2100:
            return d.strftime(fmt), precision
    found = [m for m in find_dates(s, "en") + find_dates(s, "ru") if not m.relative]
    if found:
        return found[0].value, found[0].precision
    return None
