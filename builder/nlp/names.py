"""Find names of people and organisations that research.yml does not list.

Russian text goes through natasha's NER (models inside the package, loaded once per process);
other languages through cued patterns (builder/tables/names.yml). Nothing found here is ever
merged into a listed entity: it is shown as unconfirmed, with its mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from builder.config import read_yaml
from builder.nlp.translit import transliterate
from builder.records import Article, Mention, Unlisted

TABLE = Path(__file__).resolve().parent.parent / "tables" / "names.yml"
UPPER = "A-ZÀ-ÖØ-ÞА-ЯЁӘІҢҒҮҰҚӨҺ"
LOWER = "a-zß-öø-ÿа-яёәіңғүұқөһ"
WORD = rf"[{UPPER}][{LOWER}'’-]+"


@dataclass(frozen=True)
class _Rules:
    titles: dict[str, re.Pattern]
    heads: dict[str, re.Pattern]
    not_names: frozenset[str]
    ner_types: dict[str, str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    raw = read_yaml(TABLE.read_text("utf-8")) or {}
    titles = {
        lang: re.compile(
            rf"(?<!\w)(?i:{'|'.join(re.escape(t) for t in sorted(ts, key=len, reverse=True))})(?!\w)"
        )
        for lang, ts in (raw.get("person_titles") or {}).items()
    }
    heads = {
        lang: re.compile(
            rf"(?P<name>(?:{WORD}\s+)*(?:{'|'.join(re.escape(h) for h in hs)})(?:\s+(?:of|for|des|der|du|de la|de)"
            rf"(?:\s+the)?\s+{WORD}(?:\s+{WORD})*)?)"
        )
        for lang, hs in (raw.get("organisation_heads") or {}).items()
    }
    return _Rules(
        titles,
        heads,
        frozenset(raw.get("not_names") or ()),
        {str(k): str(v) for k, v in (raw.get("ner_types") or {}).items()},
    )


def slug(name: str) -> str:
    """Return the id of a name: "u-" and its ASCII letters, transliterated, lowercased."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", transliterate(name)).lower()
    return "u-" + "-".join(re.findall(r"[a-z0-9]+", ascii_name.encode("ascii", "ignore").decode()))


@lru_cache(maxsize=1)
def _natasha():
    """Return natasha's segmenter, taggers and vocabulary, or None where it is missing."""
    try:
        from natasha import MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter
    except Exception:  # noqa: BLE001 - an optional dependency
        return None
    emb = NewsEmbedding()
    return Segmenter(), NewsMorphTagger(emb), NewsNERTagger(emb), MorphVocab()


def _russian(text: str) -> list[tuple[int, int, str, str]]:
    """Return (start, end, type, normal form) of each PER/ORG span natasha finds."""
    tools = _natasha()
    if tools is None:
        return []
    from natasha import Doc

    segmenter, morph, ner, vocab = tools
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_morph(morph)
    doc.tag_ner(ner)
    kinds = _rules().ner_types
    out = []
    for span in doc.spans:
        if span.type in kinds:
            span.normalize(vocab)
            out.append((span.start, span.stop, kinds[span.type], span.normal or span.text))
    return out


def _patterns(text: str, language: str) -> list[tuple[int, int, str, str]]:
    """Return (start, end, type, name) of each cued name in the text."""
    rules = _rules()
    out = []
    title = rules.titles.get(language)
    if title is not None:
        for m in title.finditer(text):
            words = list(re.finditer(r"[\w'’-]+", text[m.end() : m.end() + 80]))[:6]
            for k, w in enumerate(words[:-1]):
                nxt = words[k + 1]
                first, second = w.group(0), nxt.group(0)
                if not (_capital(first) and first not in rules.not_names) or title.fullmatch(first):
                    continue  # a title or a word before the name ("der stellvertretende Außenminister")
                gap = text[m.end() + w.end() : m.end() + nxt.start()]
                if (
                    _capital(second)
                    and second not in rules.not_names
                    and not title.fullmatch(second)
                    and gap == " "
                ):
                    start, end = m.end() + w.start(), m.end() + nxt.end()
                    out.append((start, end, "person", text[start:end]))
                break
    head = rules.heads.get(language)
    if head is not None:
        for m in head.finditer(text):
            words = m.group("name").split()
            while words and words[0] in rules.not_names:
                words = words[1:]
            if len(words) >= 2:
                name = " ".join(words)
                end = m.end("name")
                out.append((end - len(name), end, "organization", name))
    return out


_MAY_NAME = re.compile(rf"{WORD}\s+{WORD}|(?<!\w)[{UPPER}]{{2,}}(?!\w)")


def _capital(word: str) -> bool:
    return re.fullmatch(WORD, word) is not None


def find_names(article: Article, listed: list[Mention], ner: bool = True) -> list[Unlisted]:
    """Return the names of people and organisations in the article that no listed mention covers.

    ner: Russian text through natasha's NER (research.yml `names: russian: natasha`); else
    through the cued patterns every language has.
    """
    language = (article.language or "").lower()[:2]
    covered = {(m.paragraph, k) for m in listed for k in range(m.start, m.end)}
    out = []
    for p in article.paragraphs:
        if (
            language == "ru" and ner
        ):  # the tagger only where a name can be: two capitalised words, or an acronym
            found = _russian(p.text) if _MAY_NAME.search(p.text) else []
        else:
            found = _patterns(p.text, language)
        for start, end, kind, name in found:
            if any((p.id, k) in covered for k in range(start, end)):
                continue
            covered.update((p.id, k) for k in range(start, end))
            uid = slug(name)
            if uid == "u-":
                continue
            out.append(Unlisted(uid, name, kind, p.id, start, end, p.text[start:end]))
    out.sort(key=lambda u: (int(u.paragraph[1:]) if u.paragraph[1:].isdigit() else 0, u.start))
    return out
