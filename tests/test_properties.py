"""Property-based tests: no input can break the build or put active content on a page.

Random bytes, random Unicode and random mixtures of hostile pieces go through the
builder's Python API in-process (no subprocess, no cache, one worker). Every
generated Markdown page is rendered with the Markdown extensions listed in
mkdocs.yml and checked with the same HTML checker as the real-site tests.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import tempfile
from functools import lru_cache
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.config import load_config
from builder.incremental.engine import build
from builder.render.markup import md, safe_url, visible

try:  # tests/ may or may not be a package
    from tests.test_hostile import active_content
except ImportError:  # pragma: no cover
    from test_hostile import active_content

ROOT = Path(__file__).resolve().parent.parent
CONFIG = load_config(ROOT / "research.yml")
FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class _AnyTag(yaml.SafeLoader):
    """Read mkdocs.yml without running its !ENV and !!python tags."""


_AnyTag.add_multi_constructor("", lambda loader, suffix, node: None)


@lru_cache(maxsize=1)
def extensions() -> tuple[list[str], dict]:
    """Return the Markdown extensions and their settings exactly as mkdocs.yml lists them."""
    raw = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), _AnyTag)
    names, configs = [], {}
    for ext in raw["markdown_extensions"]:
        if isinstance(ext, dict):
            (name, cfg), *_ = ext.items()
            names.append(name)
            configs[name] = {k: v for k, v in (cfg or {}).items() if v is not None}
        else:
            names.append(ext)
    return names, configs


def render(text: str) -> str:
    names, configs = extensions()
    return markdown.markdown(text, extensions=names, extension_configs=configs)


FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)

# ------------------------------------------------------------------ the pieces

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "[x](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<style>body{display:none}</style>",
    "<!-- c -->",
    "<http://evil.example>",
    "# heading",
    "## Text {: #text }",
    "| a | b |\n|---|---|\n| c | d |",
    "[^1]: footnote",
    "[^1]",
    "[x]: javascript:alert(1)",
    "[x][x]",
    "{: onclick=alert(1) }",
    "{#id .cls}",
    "{{ config }}",
    "{% include 'x' %}",
    "{# c #}",
    "!!! danger\n    body",
    "???+ warning\n    body",
    "??? note",
    "*[HTML]: Hyper",
    "[TOC]",
    "```\ncode\n```",
    "    indented",
    "> quote",
    "1. item",
    "- item",
    "***",
    "===",
    "&lt;script&gt;",
    "&#60;b&#62;",
    "\\<b>",
    "\u202eevil\u202c",
    "\u200bzero\u200d",
    "\u0415ur\u043ep\u043el",
    "\ufeff",
    "\uffff",
    "\x85",
    "\u2028",
    "---",
    "---\ntitle: <b>x</b>\nurl: javascript:alert(1)\nid: ../../x\n---",
]
WORDS = [
    "Europol",
    "Interpol",
    "Интерпола",
    "Европолом",
    "readmission",
    "реадмиссии",
    "visa",
    "визового",
    "Kazakhstan",
    "Казахстан",
    "France",
    "Tokayev",
    "Токаев",
    "Jürgen Stock",
    "Lyon",
    "18 April 2025",
    "18 апреля 2025 года",
    "last year",
    "signed an agreement",
    "сообщает Zakon.kz",
    ".",
    ",",
]
SEPARATORS = [" ", " ", "\n", "\n\n", "\r\n", "\t"]

pieces = st.one_of(
    st.sampled_from(HOSTILE), st.sampled_from(WORDS), st.sampled_from(SEPARATORS), st.text(max_size=8)
)
article_text = st.lists(pieces, min_size=1, max_size=60).map("".join)
file_names = st.tuples(
    st.one_of(
        st.sampled_from(["a", "index", "<img src=x onerror=alert(1)>", "..x", " sp ace ", "Европол", "-"]),
        st.text(
            st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=20
        ),
    ),
    st.sampled_from([".md", ".txt", "", ".MD"]),
).map(lambda t: t[0] + t[1])


def _write_corpus(root: Path, files: dict[str, bytes]) -> Path:
    seeds = root / "seeds"
    seeds.mkdir()
    for name, data in files.items():
        (seeds / name).write_bytes(data)
    return seeds


def check_build(files: dict[str, bytes]) -> None:
    """Build these files in-process and assert every property of the output."""
    with tempfile.TemporaryDirectory() as tmp:
        seeds = _write_corpus(Path(tmp), files)
        result = build(seeds, CONFIG)
    inputs = [r.file for r in result.report]
    assert sorted(inputs) == sorted(files), "report must list every input exactly once"
    report = json.loads(result.files["data/report.json"])["inputs"]
    assert sorted(r["file"] for r in report) == sorted(files)
    for r in report:
        assert r["status"] in ("rendered", "duplicate", "rejected")
        if r["status"] == "rejected":
            assert r["reason"], r
    problems = []
    for path, text in result.files.items():
        assert not path.startswith(("/", "..")) and "/../" not in path and "\\" not in path, path
        if path.endswith(".json"):
            json.loads(text)
            continue
        if not path.endswith(".md"):
            continue
        m = FRONT.match(text)
        assert m, f"{path}: no front matter"
        meta = yaml.safe_load(m.group(1))
        assert isinstance(meta, dict) and all(isinstance(v, str) for v in meta.values()), path
        html = render(text[m.end() :])
        problems += [f"{path}: {p}" for p in active_content(html, content_only=True)]
        if path.startswith("sources/") and path != "sources/index.md":
            assert len(re.findall(r"<h1[ >]", html)) == 1, f"{path}: article text made a heading"
            assert "<details" not in html and 'class="footnote"' not in html, path
    assert problems == []


@FAST
@given(st.dictionaries(file_names, article_text.map(lambda s: s.encode("utf-8")), min_size=1, max_size=3))
def test_hostile_mixtures_build_inert(files):
    check_build(files)


@FAST
@given(st.lists(article_text, min_size=1, max_size=3))
def test_hostile_front_matter_builds_inert(bodies):
    files = {}
    for i, body in enumerate(bodies):
        fm = (
            f"---\ntitle: {json.dumps(body[:200])}\noutlet: {json.dumps(body[-80:])}\n"
            f"author: {json.dumps(body[:40])}\nurl: {json.dumps(body[:60])}\nid: {json.dumps(body[:30])}\n---\n\n"
        )
        files[f"f{i}.md"] = (fm + body + "\n\nEuropol and Kazakhstan discussed visas.").encode("utf-8")
    check_build(files)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(file_names, st.binary(max_size=3000), min_size=1, max_size=3))
def test_random_bytes_never_break_the_build(files):
    check_build(files)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(max_size=2000), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1251"])),
        min_size=1,
        max_size=3,
    )
)
def test_random_unicode_never_breaks_the_build(texts):
    files = {}
    for i, (text, enc) in enumerate(texts):
        files[f"u{i}.txt"] = text.encode(enc, errors="replace")
    check_build(files)


# ------------------------------------------------------------------ the escaping itself


def assert_renders_as_text(text: str) -> None:
    html = render(str(md(text)))
    expected = " ".join(visible(text).split())
    if not expected:
        assert html == ""
        return
    assert html.startswith("<p>") and html.endswith("</p>") and "<" not in html[3:-4], html
    assert " ".join(htmllib.unescape(html[3:-4]).split()) == expected


# Every block and inline syntax of the extensions in mkdocs.yml, at the start of a line.
SYNTAX = [
    "# heading",
    "Setext\n===",
    "Setext\n---",
    "1. item",
    "1) item",
    "- item",
    "+ item",
    "* item",
    "> quote",
    "    code",
    "```\ncode\n```",
    "~~~\ncode\n~~~",
    "| a | b |\n|---|---|",
    "<div>x</div>",
    "<!-- c -->",
    "[^1]: note",
    "text[^1]",
    "[x]: https://evil.example",
    "[x](https://evil.example)",
    "![x](https://evil.example/x.png)",
    "<https://evil.example>",
    "*[HTML]: Hyper Text",
    "[TOC]",
    "{: #id .cls onclick=x }",
    "!!! danger",
    '!!! danger "title"',
    "??? note",
    "??? note body",
    "???+ note",
    "***",
    "**bold** __bold__ *em* _em_ `code`",
    "a  \nb",
    "\\<b>",
    "&amp; &lt; &#60;",
    "{{ x }} {% x %} {# x #}",
]


@pytest.mark.parametrize("text", SYNTAX)
def test_md_neutralises_syntax(text):
    assert_renders_as_text(text)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(article_text, st.text(), st.text(alphabet="  \t\n\u00a0\u200b\u202e\u00ad\ufeff\ufdd0a<&'\""))
)
def test_html_escapes_as_markupsafe_after_the_quick_check(text):
    # html() skips the regex for printable text: the same result as the regex always, then
    # markupsafe's escape.
    from markupsafe import Markup

    from builder.render import markup

    assert markup._unusual(text) == (markup._UNUSUAL.search(text) is not None)
    expected = markup._WS.sub(" ", visible(text)) if markup._UNUSUAL.search(text) else text
    assert markup.html(text) == Markup.escape(expected)


@settings(max_examples=200, deadline=None)
@given(st.one_of(article_text, st.text()))
def test_md_renders_as_exactly_the_text(text):
    """md() output, rendered as Markdown, is one paragraph showing the (visible) text."""
    assert_renders_as_text(text)


@settings(max_examples=200, deadline=None)
@given(st.one_of(article_text, st.text()))
def test_front_matter_values_stay_yaml_strings(text):
    """A title that YAML refused would leave the front matter as live Markdown."""
    from builder.render.pages import meta

    value = yaml.safe_load(f"title: {meta(text)}\n")["title"]
    assert isinstance(value, str)
    assert "<" not in value and ">" not in value and "\n" not in value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\u202eb", "a⟨U+202E⟩b"),
        ("a\u200bb", "a⟨U+200B⟩b"),
        ("a\x00b\x85c", "abc"),
        ("a\uffffb\ufffe", "ab"),
        ("a\U0010fffeb", "ab"),
        ("a\ud800b", "ab"),
        ("\u0415ur\u043ep\u043el", "\u0415ur\u043ep\u043el"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
    ],
)
def test_visible(text, expected):
    assert visible(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1#c", "https://example.org/a?b=1#c"),
        ("  http://example.org/  ", "http://example.org/"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html;base64,AAAA", None),
        ("vbscript:x", None),
        ("//evil.example/x", None),
        ("/etc/passwd", None),
        ("../x", None),
        ("file:///etc/passwd", None),
        ("https://", None),
        ('https://x.example/"><script>', None),
        ("https://x.example/a b", None),
        ("https://x.example/\u202e", None),
        ("https://x.example/\x85a", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url) == expected
