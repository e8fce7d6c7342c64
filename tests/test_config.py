"""research.yml is checked against builder/tables/research_schema.yml: every defect is exit 2 with the
file, the line and the key path, never a traceback and never silently ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.cli import main
from builder.config import MAX_NESTING, MAX_VALUES, SCHEMA, parse_config, read_yaml
from builder.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent

# A small definition whose lines the cases below refer to (line numbers on the right).
BASE = """\
site:
  title: Test site
  language: en
topics:
  - slug: visas
    title: Visas
    keywords:
      en: [visa]
  - slug: readmission
    title: Readmission
entities:
  - id: paris
    name: Paris
    type: place
    aliases:
      fr: [Paris]
  - id: lyon
    name: Lyon
    type: place
roles:
  - id: mayor
    title: Mayor
    holders:
      - {entity: paris, from: 2020-01-01}
limits:
  max_file_bytes: 1000
  max_paragraphs: 10
search:
  pagefind_threshold: 5
"""
BOMB = "".join(
    f"{a}: &{a} [{', '.join([f'*{b}'] * 10) if b else ', '.join(['x'] * 10)}]\n"
    for a, b in zip("abcdefg", ["", *"abcdef"], strict=True)
)

# (case, text replaced in BASE (first occurrence), replacement, line, key path, message must contain)
CASES = [
    (
        "unknown-top-key",
        "topics:\n",
        "topcis: []\ntopics:\n",
        4,
        "topcis",
        "unknown key 'topcis'; did you mean 'topics'?",
    ),
    (
        "unknown-limit",
        "  max_paragraphs: 10\n",
        "  max_paragraphs: 10\n  limit: 3\n",
        28,
        "limits.limit",
        "unknown key 'limit'",
    ),
    (
        "unknown-topic-key",
        "    title: Readmission\n",
        "    title: Readmission\n    sumary: x\n",
        11,
        "topics[1].sumary",
        "did you mean 'summary'?",
    ),
    (
        "negative-limit",
        "max_paragraphs: 10",
        "max_paragraphs: -1",
        27,
        "limits.max_paragraphs",
        "-1 is less than the minimum of 1",
    ),
    (
        "zero-bytes-limit",
        "max_file_bytes: 1000",
        "max_file_bytes: 0",
        26,
        "limits.max_file_bytes",
        "0 is less than the minimum of 1",
    ),
    (
        "negative-depth",
        "  max_paragraphs: 10\n",
        "  max_paragraphs: 10\n  max_depth: -3\n",
        28,
        "limits.max_depth",
        "-3 is less than the minimum of 0",
    ),
    (
        "limit-as-text",
        "max_file_bytes: 1000",
        "max_file_bytes: lots",
        26,
        "limits.max_file_bytes",
        "'lots' is not of type 'integer'",
    ),
    (
        "limit-as-bool",
        "max_paragraphs: 10",
        "max_paragraphs: yes",
        27,
        "limits.max_paragraphs",
        "True is not of type 'integer'",
    ),
    (
        "limits-as-list",
        "limits:\n  max_file_bytes: 1000\n  max_paragraphs: 10\n",
        "limits: [1]\n",
        25,
        "limits",
        "is not of type 'object', 'null'",
    ),
    (
        "title-as-list",
        "    title: Visas\n",
        "    title: [Visas]\n",
        6,
        "topics[0].title",
        "['Visas'] is not of type 'string'",
    ),
    ("blank-site-title", "  title: Test site\n", "  title: ' '\n", 2, "site.title", "' ' is blank"),
    ("slug-script", "slug: readmission", "slug: <script>", 9, "topics[1].slug", "'<script>' is not an id"),
    ("slug-dot-dot", "slug: readmission", "slug: ../..", 9, "topics[1].slug", "'../..' is not an id"),
    (
        "slug-upper",
        "slug: readmission",
        "slug: Readmission",
        9,
        "topics[1].slug",
        "'Readmission' is not an id",
    ),
    ("entity-id-path", "id: lyon", "id: ../../x", 17, "entities[1].id", "'../../x' is not an id"),
    ("entity-id-number", "id: lyon", "id: 12", 17, "entities[1].id", "12 is not of type 'string'"),
    (
        "duplicate-slug",
        "slug: readmission",
        "slug: visas",
        9,
        "topics[1].slug",
        "duplicate slug 'visas' (first at line 5)",
    ),
    (
        "duplicate-entity",
        "id: lyon",
        "id: paris",
        17,
        "entities[1].id",
        "duplicate id 'paris' (first at line 12)",
    ),
    ("reserved-entity", "id: lyon", "id: index", 17, "entities[1].id", "'index' is reserved"),
    (
        "entity-type",
        "type: place",
        "type: city",
        14,
        "entities[0].type",
        "'city' is not one of ['person', 'organization', 'place']",
    ),
    ("entity-no-name", "    name: Lyon\n", "", 17, "entities[1]", "'name' is missing"),
    ("topic-no-title", "    title: Readmission\n", "", 9, "topics[1]", "'title' is missing"),
    (
        "holder-unknown",
        "entity: paris",
        "entity: rome",
        24,
        "roles[0].holders[0].entity",
        "'rome' is not a known entity",
    ),
    (
        "holder-bad-date",
        "from: 2020-01-01",
        "from: soon",
        24,
        "roles[0].holders[0].from",
        "'soon' is not a date",
    ),
    (
        "holder-backwards",
        "from: 2020-01-01}",
        "from: 2020-01-01, to: 2019-05-01}",
        24,
        "roles[0].holders[0].to",
        "ends (2019-05-01) before it starts (2020-01-01)",
    ),
    (
        "language-key",
        "      en: [visa]",
        "      English: [visa]",
        8,
        "topics[0].keywords.English",
        "'English' is not a language code",
    ),
    (
        "terms-as-number",
        "      en: [visa]",
        "      en: 5",
        8,
        "topics[0].keywords.en",
        "5 is not valid under any of the given schemas",
    ),
    (
        "site-language",
        "  language: en",
        "  language: English",
        3,
        "site.language",
        "'English' is not a language code",
    ),
    (
        "pagefind-negative",
        "pagefind_threshold: 5",
        "pagefind_threshold: -5",
        29,
        "search.pagefind_threshold",
        "-5 is less than the minimum of 0",
    ),
    (
        "no-topics",
        "topics:\n  - slug: visas",
        "topics: []\nx:\n  - slug: visas",
        4,
        "topics",
        "[] should be non-empty",
    ),
    (
        "duplicate-yaml-key",
        "search:\n",
        "search: {}\nsearch:\n",
        29,
        "search",
        "duplicate key (first at line 28)",
    ),
    (
        "duplicate-nested-key",
        "    title: Visas\n",
        "    title: Visas\n    title: Visa\n",
        7,
        "topics[0].title",
        "duplicate key (first at line 6)",
    ),
    (
        "deep-flow",
        "topics:\n",
        "x: " + "[" * 100 + "]" * 100 + "\ntopics:\n",
        4,
        "",
        f"nested more than {MAX_NESTING} levels deep",
    ),
    (
        "very-deep-flow",
        "topics:\n",
        "x: " + "[" * 300_000 + "\ntopics:\n",
        4,
        "",
        f"nested more than {MAX_NESTING} levels deep",
    ),
    (
        "deep-block",
        "topics:\n",
        "".join(f"{'  ' * i}k{i}:\n" for i in range(40)) + "topics:\n",
        36,
        ".".join(f"k{i}" for i in range(32)),
        "nested more than",
    ),
    ("alias-loop", "topics:\n", "x: &x [1, *x]\ntopics:\n", 4, "x", "contains itself"),
    (
        "alias-loop-in-topic",
        "    keywords:\n      en: [visa]\n",
        "    keywords: &k\n      en: [visa, *k]\n",
        8,
        "topics[0].keywords.en",
        "contains itself",
    ),
    (
        "alias-bomb",
        "topics:\n",
        BOMB + "topics:\n",
        1,
        "(top level)",
        f"expands to more than {MAX_VALUES} values",
    ),
]


def _error(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "research.yml")
    return str(info.value)


@pytest.mark.parametrize(("case", "old", "new", "line", "path", "says"), CASES, ids=[c[0] for c in CASES])
def test_each_defect_names_file_line_and_key_path(case, old, new, line, path, says):
    assert old in BASE, case
    msg = _error(BASE.replace(old, new, 1))
    first = msg.split("\n")[0]
    where = f"research.yml:{line}: invalid research definition: " + (f"{path}: " if path else "")
    assert first.startswith(where), msg
    assert says in first, msg


# (case, text replaced in BASE, replacement, the message must contain): YAML that breaks before any check
BROKEN = [
    ("int-tag", "max_paragraphs: 10", "max_paragraphs: !!int ten", "invalid YAML: ValueError"),
    ("timestamp-tag", "title: Visas", "title: !!timestamp soon", "invalid YAML: AttributeError"),
    ("python-tag", "title: Visas", "title: !!python/name:os.system", "invalid YAML"),
    ("complex-key", "topics:\n", "? [a, b]\n: 1\ntopics:\n", "invalid YAML"),
    ("two-documents", "search:\n", "---\nsearch:\n", "invalid YAML"),
]


@pytest.mark.parametrize(("case", "old", "new", "says"), BROKEN, ids=[b[0] for b in BROKEN])
def test_yaml_that_cannot_be_read_is_a_config_error(case, old, new, says):
    assert old in BASE, case
    assert says in _error(BASE.replace(old, new, 1))


def test_random_edits_give_a_config_or_a_config_error():
    import random

    rnd = random.Random(29)
    pieces = [
        *":-[]{}&*!|>'\"#?,\n\t%@`",
        "&a ",
        "*a",
        "!!int ",
        "!!timestamp ",
        "!!set ",
        "<<: *a",
        "? ",
        "~",
    ]
    outcomes = {"parsed": 0, "refused": 0}
    for _ in range(400):
        text = list(BASE)
        for _ in range(rnd.randint(1, 6)):
            k = rnd.randrange(len(text))
            text[k : k + rnd.randint(0, 1)] = [rnd.choice(pieces)] if rnd.random() < 0.7 else []
        try:  # any other exception fails the test with its traceback
            parse_config("".join(text))
            outcomes["parsed"] += 1
        except ConfigError:
            outcomes["refused"] += 1
    assert outcomes["parsed"] and outcomes["refused"] > outcomes["parsed"], outcomes


def test_base_definition_is_valid_and_its_limits_apply():
    config = parse_config(BASE)
    assert [t.slug for t in config.topics] == ["visas", "readmission"]
    assert (config.limits.max_file_bytes, config.limits.max_paragraphs) == (1000, 10)
    assert config.limits.max_depth == 8 and config.limits.max_tokens == 100_000  # defaults
    assert config.roles[0].holders[0].start == "2020-01-01"
    assert config.pagefind_threshold == 5


@pytest.mark.parametrize(
    ("case", "old", "new"),
    [
        ("site-empty", "site:\n  title: Test site\n  language: en\n", "site:\n"),
        ("no-site", "site:\n  title: Test site\n  language: en\n", ""),
        ("search-empty", "search:\n  pagefind_threshold: 5\n", "search:\n"),
        ("limits-empty", "limits:\n  max_file_bytes: 1000\n  max_paragraphs: 10\n", "limits:\n"),
        ("terms-as-one-string", "      en: [visa]", "      en: visa"),
        ("keywords-empty", "    keywords:\n      en: [visa]\n", "    keywords:\n"),
    ],
)
def test_empty_sections_and_short_forms_are_valid(case, old, new):
    assert old in BASE, case
    config = parse_config(BASE.replace(old, new, 1))
    assert [t.slug for t in config.topics] == ["visas", "readmission"], case


def test_the_repository_definition_is_valid():
    config = parse_config((ROOT / "research.yml").read_text("utf-8"))
    assert config.topics and config.entities


def test_the_schema_is_a_valid_json_schema():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(read_yaml(SCHEMA.read_text("utf-8")))


def test_every_problem_is_listed_in_line_order():
    text = BASE.replace("slug: readmission", "slug: <b>").replace("max_paragraphs: 10", "max_paragraphs: -1")
    text = text.replace("topics:\n", "topcis: 1\ntopics:\n", 1)
    lines = _error(text).split("\n")
    assert [ln.split(":")[1] for ln in lines] == ["4", "10", "28"], lines


def test_control_characters_in_keys_are_escaped():
    msg = _error(BASE.replace("topics:\n", '"to\\x1b[2Jpics\\r": 1\ntopics:\n', 1))
    assert "\x1b" not in msg and "\r" not in msg
    assert "unknown key 'to\\x1b[2Jpics\\r'" in msg, msg


# (case, research.yml text, lines stderr must contain, in this order)
CLI = [
    (
        "one-defect",
        BASE.replace("slug: readmission", "slug: ../.."),
        ["error: research.yml:9: invalid research definition: topics[1].slug: '../..' is not an id"],
    ),
    (
        "two-defects",
        BASE.replace("id: lyon", "id: paris").replace("topics:\n", "topcis: 1\ntopics:\n", 1),
        ["error: research.yml:4: ", "error: research.yml:18: "],
    ),
]


@pytest.mark.parametrize(("case", "text", "says"), CLI, ids=[c[0] for c in CLI])
def test_cli_exits_2_with_every_problem(tmp_path, capsys, case, text, says):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("A title\n\nInterpol met Kazakhstan in Lyon.\n", "utf-8")
    cfg = tmp_path / "research.yml"
    cfg.write_text(text, "utf-8")
    rc = main(
        [
            "build",
            "--seeds",
            str(seeds),
            "--out",
            str(tmp_path / "docs"),
            "--config",
            str(cfg),
            "--no-cache",
            "--jobs",
            "1",
        ]
    )
    err = capsys.readouterr().err
    assert rc == 2, err
    at = 0
    for line in says:
        assert line in err[at:], err
        at = err.index(line, at)
    assert "Traceback" not in err
