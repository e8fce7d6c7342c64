"""Write a synthetic research corpus of N articles, deterministically for a seed.

    python -m benchmarks.corpus --n 1000 --seed 1 --out /tmp/corpus

Articles are recombined from the seed articles (seeds/), the paragraphs of the
test fixtures (tests/fixtures/**) and the text tables of benchmarks/corpus_tables.yml
(ru, en, kk, de), which are written for this project. The generator first draws
*events* (a date, a place, the people involved, one of four topics); every article
tells one event, so articles about the same event share entities, dates and topic
sentences and the linker finds stories and corroborated claims at a realistic rate.
Entity names are swapped through the aliases in research.yml and outlets are redrawn.

Besides, the corpus has the shapes of real reporting, at the rates of RATES (shares
of the new, non-duplicate articles unless said otherwise):
- saved web pages (.html): header menu, language switcher, article with h1, byline and
  time element, OpenGraph and JSON-LD metadata, share and related lists, footer, cookie
  banner, in three kinds of markup;
- pasted pages (.txt) with page chrome around the article: menus, language switchers,
  currency tickers, "Читайте также" / "What's trending" lists, share widgets, photo
  credits, cookie lines, authors, and timestamps in several formats
  ("11:17, 17 Декабрь 2025 | GMT +5", "25.04.2025 05:24:16");
- agency signatures on the lead ("/ТАСС/", "Tengrinews.kz —", "ASTANA, Dec. 17 (Trend) —");
- undated copies: another telling of an event already told, stating no publication date;
- neighbouring-country traps (Uzbekistan-EU visas, a Kyrgyz minister meeting Interpol,
  Tajikistan and Europol) and "визит"/"visit" articles that are not about visas;
- in articles about events (shares of those): background sentences that events years
  apart repeat ("безвизовый режим для граждан ЕС действует с 2017 года"), anniversaries,
  and leads that date their event with a full date, a day and month without a year, a
  relative date ("накануне", "a day earlier") or a weekday ("в пятницу").
About 5% of the files are near-duplicates of an earlier article: the same text with
other boilerplate or another page's chrome, CRLF newlines, or in cp1251.

Generator.manifest lists, for each file written, what was put in it (Shape): its kind,
language, event and the event's date, the publication date and outlet it states, and its
shapes. Tests check the rates with it; `--manifest FILE` writes it as JSON lines, so a
scorer can tell what each file is meant to be (a weak gold: the dates and outlets are
true by construction, the stories are the events).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TABLES = yaml.load(
    (Path(__file__).resolve().parent / "corpus_tables.yml").read_text("utf-8"),
    Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
)
LANGS = ("ru", "en", "kk", "de")
LANG_WEIGHTS = (0.55, 0.25, 0.1, 0.1)
DUPLICATE_RATE = 0.05
MONTHS = {lang: TABLES[lang]["months"] for lang in LANGS}

# What kind of article a new file is, and how it is saved (shares of the new articles).
KIND_RATES = {"trap": 0.05, "visit": 0.03, "undated": 0.04}  # the rest tell an event
FORMAT_RATES = {"html": 0.10, "chrome": 0.35}  # the rest are plain text
SIGNATURE_RATE = 0.20  # of the articles that state their date: a signature carries it
# Shares of the articles telling an event (kind "event").
BACKGROUND_RATE = 0.40
ANNIVERSARY_RATE = 0.06
WHEN_RATES = {"full_date": 0.45, "yearless": 0.22, "relative": 0.12, "weekday": 0.13, "no_date": 0.08}
PLAIN_DATED_RATE = 0.4  # plain-text articles that state their date (always when a lead needs it)
# Shares of the pasted pages (format "chrome") showing each piece of chrome.
CHROME_RATES = {
    "menu": 0.7,
    "switcher": 0.5,
    "ticker": 0.4,
    "author": 0.4,
    "views": 0.25,
    "photo": 0.45,
    "share": 0.6,
    "related": 0.6,
    "cookie": 0.3,
    "footer": 0.3,
}
RATES = {
    **KIND_RATES,
    **FORMAT_RATES,
    "signature": SIGNATURE_RATE,
    "background": BACKGROUND_RATE,
    "anniversary": ANNIVERSARY_RATE,
    **WHEN_RATES,
}

# research.yml aliases used only in the nominative: swapping them keeps the text grammatical enough.
SWAP_PEOPLE = [
    "yerzhan-sadenov",
    "bruno-retailleau",
    "valdecy-urquiza",
    "andrei-linta",
    "kassym-jomart-tokayev",
    "kaja-kallas",
    "jurgen-stock",
    "kairat-tastekeev",
]
SWAP_PLACES = ["paris", "lyon", "the-hague", "almaty", "astana"]

DATE_RE = re.compile(r"\b(\d{1,2}) ([а-яёА-ЯЁ]+|[A-Z][a-z]+) (20\d\d)\b(?: года)?|\b20\d\d-\d\d-\d\d\b")
MENU_SPLIT = re.compile(r"\s*[|·]\s*|\s{3,}")


@dataclass(frozen=True)
class Event:
    day: dt.date
    people: tuple[str, str]
    place: str
    topic: int


@dataclass(frozen=True)
class Shape:
    """What one generated file is: its kind, language, event and the shapes put in it."""

    name: str
    lang: str
    kind: str  # event | undated | trap | visit | duplicate
    shapes: tuple[str, ...]  # sorted: html, chrome and its pieces, signature, background, date forms ...
    event: int = -1  # index of the event told (events, trap events or visit events by kind)
    day: dt.date | None = None  # the event's date
    published: dt.date | None = None  # the publication date the file states, if any
    of: str = ""  # a duplicate: the name of the file it copies
    outlet: str = ""  # the publisher the file names (in its byline, signature or page metadata)


@dataclass
class _Draft:
    """An article before it is saved: title, paragraphs and what the page around them says."""

    lang: str
    title: str
    paras: list[str]
    outlet: str
    published: dt.datetime | None
    shapes: set[str]


def _lang_of(text: str) -> str:
    if re.search(r"[әғқңөұүһі]", text, re.I):
        return "kk"
    if re.search(r"[äöüß]", text, re.I):
        return "de"
    cyr = len(re.findall(r"[а-яё]", text, re.I))
    return "ru" if cyr > len(re.findall(r"[a-z]", text, re.I)) else "en"


def _paragraphs() -> dict[str, list[str]]:
    """Return source paragraphs by language from seeds/ and tests/fixtures/**."""
    pools: dict[str, list[str]] = {lang: [] for lang in LANGS}
    texts: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*")):
        if path.suffix in {".txt", ".md"}:
            texts.extend(path.read_text("utf-8", errors="replace").split("\n"))
    for path in sorted((ROOT / "tests" / "fixtures").rglob("*")):
        if path.suffix in {".yml", ".yaml"}:
            try:
                data = yaml.safe_load(path.read_text("utf-8"))
            except (yaml.YAMLError, UnicodeDecodeError):
                continue
            items = data if isinstance(data, list) else [data]
            for it in items:
                if isinstance(it, dict):
                    for key in ("paragraphs", "text"):
                        val = it.get(key)
                        texts.extend(val if isinstance(val, list) else [val] if isinstance(val, str) else [])
        elif path.suffix in {".txt", ".md"}:
            try:
                texts.extend(path.read_text("utf-8").split("\n"))
            except UnicodeDecodeError:
                continue
    seen = set()
    for t in texts:
        t = t.strip()
        if len(t) < 60 or t in seen or not t[0].isalnum() and t[0] not in '"«':
            continue
        seen.add(t)
        pools[_lang_of(t)].append(t)
    return pools


def _research() -> dict:
    return yaml.safe_load((ROOT / "research.yml").read_text("utf-8"))


def _aliases(data: dict) -> dict[str, dict[str, list[str]]]:
    out = {}
    for ent in data["entities"]:
        out[ent["id"]] = {k: [a for a in v if len(a) >= 4] for k, v in ent["aliases"].items()}
    return out


def _domain(outlet: dict) -> str:
    """Return a web domain for an outlet of research.yml: its alias that is one, or its Latin name + .kz."""
    names = [outlet["name"], *outlet.get("aliases", [])]
    for name in names:
        if "." in name and name.isascii():
            return name.lower()
    latin = next((n for n in names if n.isascii()), "news")
    return re.sub(r"[^a-z0-9]+", "", latin.lower()) + ".kz"


def _name(aliases, ent: str, lang: str, rng: random.Random) -> str:
    names = aliases[ent].get(lang) or aliases[ent].get("any") or aliases[ent]["en"]
    return names[0] if rng.random() < 0.7 else rng.choice(names)


def _date(day: dt.date, lang: str) -> str:
    """Return a day written out in full, as the language's templates say it."""
    return TABLES[lang]["date"].format(**_parts(day, lang))


def _parts(when: dt.datetime | dt.date, lang: str) -> dict[str, str]:
    """Return the format fields of a date (and time) in a language's tables."""
    t = TABLES[lang]
    m = when.month - 1
    hms = (when.hour, when.minute, when.second) if isinstance(when, dt.datetime) else (0, 0, 0)
    return {
        "d": str(when.day),
        "dd": f"{when.day:02d}",
        "mm": f"{when.month:02d}",
        "Y": str(when.year),
        "H": f"{hms[0]:02d}",
        "M": f"{hms[1]:02d}",
        "S": f"{hms[2]:02d}",
        "month": t["months"][m],
        "month_nom": t.get("months_nom", t["months"])[m],
        "month_loc": t.get("months_loc", t["months"])[m],
        "mon": t.get("months_abbr", t["months"])[m],
    }


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _pick(rng: random.Random, rates: dict[str, float]) -> str:
    """Return one key of rates, drawn with its weight; the remainder of 1 draws ""."""
    r = rng.random()
    for key, rate in rates.items():
        if r < rate:
            return key
        r -= rate
    return ""


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.pools = _paragraphs()
        research = _research()
        self.aliases = _aliases(research)
        self.outlets = [o["name"] for o in research["outlets"]]
        self.domains = {o["name"]: _domain(o) for o in research["outlets"]}
        self.manifest: list[Shape] = []

    def events(self, n: int) -> list[Event]:
        rng = self.rng
        return [
            Event(self._day(), tuple(rng.sample(SWAP_PEOPLE, 2)), rng.choice(SWAP_PLACES), rng.randrange(4))
            for _ in range(n)
        ]

    def _swap(self, text: str, lang: str, ev: Event) -> str:
        """Replace person and place names with the event's, through research.yml aliases."""
        rng = self.rng
        for group, target in ((SWAP_PEOPLE, ev.people[0]), (SWAP_PLACES, ev.place)):
            for ent in group:
                if ent == target:
                    continue
                for alias in sorted(self.aliases[ent].get(lang, []), key=len, reverse=True):
                    if alias in text:
                        text = text.replace(alias, _name(self.aliases, target, lang, rng))
        return DATE_RE.sub(lambda m: _date(ev.day, lang), text) if rng.random() < 0.7 else text

    # -- dates ---------------------------------------------------------------------------------

    def _when(self, form: str, day: dt.date, lang: str) -> str:
        """Return the lead's date phrase for an event on day, in one of the WHEN_RATES forms."""
        w = TABLES[lang]["when"]
        if form == "full_date":
            return w["full"].format(**_parts(day, lang))
        if form == "yearless":
            return w["yearless"].format(**_parts(day, lang))
        if form == "relative":
            return self.rng.choice(w["relative"])
        if form == "weekday":
            return w["weekdays"][day.weekday()]
        return w["none"]

    def _published(self, day: dt.date, form: str) -> dt.datetime:
        """Return a publication time fitting a lead's date form: the day after for a relative date."""
        rng = self.rng
        if form == "relative":
            offset = 1
        elif form == "weekday":
            offset = rng.randint(1, 5)
        else:
            offset = rng.choices((0, 1, 2), (0.6, 0.3, 0.1))[0]
        moment = dt.time(rng.randint(7, 21), rng.randrange(60), rng.randrange(60))
        return dt.datetime.combine(day + dt.timedelta(days=offset), moment)

    # -- article text ----------------------------------------------------------------------------

    def _lead(self, draft: _Draft, sentence: str, signature: bool, cities: list[str]) -> str:
        """Sign the lead sentence: an agency signature before it, or a byline after it."""
        rng = self.rng
        t = TABLES[draft.lang]
        if signature and draft.published is not None:
            fields = {
                **_parts(draft.published, draft.lang),
                "outlet": draft.outlet,
                "city": rng.choice(cities),
            }
            draft.shapes.add("signature")
            return rng.choice(t["signatures"]["before"]).format(**fields) + sentence
        return sentence.rstrip(".") + ", " + rng.choice(t["bylines"]).format(outlet=draft.outlet)

    def _outlet(self, signature: bool, lang: str) -> str:
        if signature:
            return self.rng.choice(TABLES[lang]["signatures"]["agencies"])
        return self.rng.choice(self.outlets)

    def event_article(self, ev: Event, lang: str, *, undated: bool = False, fmt: str = "plain") -> _Draft:
        """Return the draft of an article telling event ev (an undated copy states no date)."""
        rng = self.rng
        t = TABLES[lang]
        fill = {
            "person": _name(self.aliases, ev.people[0], lang, rng),
            "person2": _name(self.aliases, ev.people[1], lang, rng),
            "place": _name(self.aliases, ev.place, lang, rng),
            "date": _date(ev.day, lang),
            "num": str(
                rng.choice([12, 35, 48, 120, 250, 1300]) if rng.random() < 0.8 else rng.randrange(10, 900)
            ),
            "topic": t["topic_names"][ev.topic],
        }
        form = _pick(rng, WHEN_RATES) or "full_date"
        if undated and form == "relative":
            form = "weekday"  # "a day earlier" needs a date to count from; "on Friday" is what copies keep
        dated = not undated and (
            fmt != "plain" or form in ("yearless", "relative") or rng.random() < PLAIN_DATED_RATE
        )
        published = self._published(ev.day, form) if dated else None
        signature = dated and rng.random() < SIGNATURE_RATE
        draft = _Draft(lang, "", [], self._outlet(signature, lang), published, {form})
        draft.title = rng.choice(t["titles"]).format(**fill)
        lead = _cap(t["leads"][ev.topic].format(when=self._when(form, ev.day, lang), **fill))
        paras = [self._lead(draft, lead, signature, t["signatures"]["cities"])]
        tpl = t["templates"]
        # Templates tied to the event's topic come next, so same-event articles share claims.
        paras += [tpl[(ev.topic * 2 + j) % len(tpl)].format(**fill) for j in range(2)]
        pool = self.pools[lang] or self.pools["en"]
        for _ in range(rng.randint(3, 8) - 3):
            if rng.random() < 0.5 and pool:
                paras.append(self._swap(rng.choice(pool), lang, ev))
            else:
                paras.append(rng.choice(tpl).format(**fill))
        if rng.random() < BACKGROUND_RATE:
            backgrounds = t["background"][ev.topic]
            paras.insert(rng.randint(2, len(paras)), rng.choice(backgrounds))
            draft.shapes.add("background")
        if rng.random() < ANNIVERSARY_RATE:
            paras.append(self._anniversary(lang, published or dt.datetime.combine(ev.day, dt.time())))
            draft.shapes.add("anniversary")
        draft.paras = paras
        return draft

    def _anniversary(self, lang: str, when: dt.datetime) -> str:
        rng = self.rng
        month = rng.randint(when.month, 12)
        return rng.choice(TABLES[lang]["anniversaries"]).format(
            month_in_cap=_cap(TABLES[lang]["months_in"][month - 1]), k=rng.choice((5, 10, 15, 20, 25, 30))
        )

    def side_article(self, kind: str, entry: dict, day: dt.date, lang: str, fmt: str) -> _Draft:
        """Return the draft of a trap (a neighbouring country) or a visit that is not about visas."""
        rng = self.rng
        t = TABLES[lang]
        form = rng.choice(("full_date", "yearless", "weekday", "no_date"))
        dated = fmt != "plain" or form == "yearless" or rng.random() < PLAIN_DATED_RATE
        published = self._published(day, form) if dated else None
        signature = dated and rng.random() < SIGNATURE_RATE
        if kind == "trap":
            outlet = rng.choice(entry["outlets"])
            cities = [entry["city"]]
        else:
            outlet = self._outlet(signature, lang)
            cities = t["signatures"]["cities"]
        fill = {
            "when": self._when(form, day, lang),
            "official": rng.choice(entry.get("officials", [""])),
            "num": str(rng.randrange(40, 700)),
            "pct": str(rng.randrange(3, 25)),
        }
        draft = _Draft(lang, entry["title"], [], outlet, published, {form})
        paras = [self._lead(draft, _cap(entry["lead"].format(**fill)), signature, cities)]
        paras += [p.format(**fill) for p in entry["paragraphs"]]
        draft.paras = paras
        return draft

    # -- saving: plain text, a pasted page, a saved web page ------------------------------------

    def _ticker(self, lang: str) -> str:
        rng = self.rng
        usd = rng.uniform(430, 540)
        return rng.choice(TABLES[lang]["chrome"]["tickers"]).format(
            usd=f"{usd:.2f}",
            eur=f"{usd * rng.uniform(1.04, 1.18):.2f}",
            rub=f"{rng.uniform(4.5, 7.0):.2f}",
            du=f"{rng.uniform(-0.9, 0.9):+.1f}",
            de=f"{rng.uniform(-0.9, 0.9):+.1f}",
        )

    def _chrome(self, draft: _Draft) -> dict[str, list[str]]:
        """Draw the pieces of page chrome around an article: {piece: its lines}, for CHROME_RATES."""
        rng = self.rng
        c = TABLES[draft.lang]["chrome"]
        year = str((draft.published or dt.datetime(2025, 1, 1)).year)
        make = {
            "menu": lambda: [rng.choice(c["menus"])],
            "switcher": lambda: [rng.choice(c["switchers"])],
            "ticker": lambda: [self._ticker(draft.lang)],
            "author": lambda: [rng.choice(c["authors"])],
            "views": lambda: [rng.choice(c["views"]).format(num=rng.randrange(120, 25000))],
            "photo": lambda: [rng.choice(c["photo"])],
            "share": lambda: rng.sample(c["share"], rng.randint(1, 2)),
            "related": lambda: [rng.choice(c["related"]), *rng.sample(c["headlines"], rng.randint(2, 4))],
            "cookie": lambda: [rng.choice(c["cookie"])],
            "footer": lambda: [rng.choice(c["footer"]).format(Y=year)],
        }
        pieces = {}
        for piece, rate in CHROME_RATES.items():
            if rng.random() < rate:
                pieces[piece] = make[piece]()
        if draft.published is not None:
            pieces["timestamp"] = [rng.choice(c["timestamps"]).format(**_parts(draft.published, draft.lang))]
        return pieces

    def plain(self, draft: _Draft) -> str:
        """The article as plain text: title, paragraphs, maybe a loose date and a boilerplate line."""
        rng = self.rng
        head = f" date {draft.published:%Y-%m-%d} " if draft.published is not None else ""
        body = "\n\n".join([draft.title, *draft.paras])
        boiler = TABLES[draft.lang]["boilerplate"]
        if rng.random() < 0.15:
            body += "\n\n" + "\n".join(rng.sample(boiler, min(2, len(boiler))))
        return head + body + "\n"

    def pasted(self, draft: _Draft, body: list[str] | None = None) -> str:
        """The article as a page pasted from a browser: chrome above, between and below the text."""
        rng = self.rng
        draft.shapes.add("chrome")
        pieces = self._chrome(draft)
        draft.shapes.update(pieces)
        top = [line for key in ("switcher", "menu", "ticker") for line in pieces.get(key, [])]
        if len(top) > 1 and rng.random() < 0.3:
            rng.shuffle(top)
        meta = pieces.get("timestamp", []) + pieces.get("author", []) + pieces.get("views", [])
        if len(meta) > 1 and rng.random() < 0.4:
            meta.reverse()
        paras = list(body if body is not None else draft.paras)
        photo = pieces.get("photo", [])
        photo_on_top = bool(photo) and rng.random() < 0.5
        lines = [*top, draft.title, *meta, *(photo if photo_on_top else [])]
        tail = [*(photo if photo and not photo_on_top else [])]
        tail += pieces.get("share", []) + pieces.get("related", []) + pieces.get("cookie", [])
        tail += pieces.get("footer", [])
        return "\n".join(lines) + "\n" + "\n\n".join(paras) + "\n\n" + "\n".join(tail) + "\n"

    def page(self, draft: _Draft) -> str:
        """The article as a saved news-site web page."""
        rng = self.rng
        draft.shapes.add("html")
        c = TABLES[draft.lang]["chrome"]
        s = rng.choice(TABLES["html_styles"])
        pub = draft.published or dt.datetime(2025, 1, 1)
        iso = f"{pub:%Y-%m-%dT%H:%M:%S}+05:00"
        domain = self.domains.get(draft.outlet) or re.sub(r"[^a-z0-9.]+", "", draft.outlet.lower()) + ".kz"
        slug = hashlib.sha1(draft.title.encode()).hexdigest()[:10]
        url = f"https://{domain}/news/{pub:%Y/%m/%d}/{slug}/"
        e = html.escape
        author = rng.choice(c["authors"])
        stamp = rng.choice(c["timestamps"]).format(**_parts(pub, draft.lang))
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": draft.title,
            "datePublished": iso,
            "dateModified": iso,
            "inLanguage": draft.lang,
            "author": {"@type": "Person", "name": author.split(" ", 1)[-1]},
            "publisher": {"@type": "Organization", "name": draft.outlet},
            "mainEntityOfPage": url,
        }
        ld_text = json.dumps(ld, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
        menu = [m for m in MENU_SPLIT.split(rng.choice(c["menus"])) if m]
        nav = "".join(f'<li><a href="/section-{k}/">{e(m)}</a></li>' for k, m in enumerate(menu))
        langs = [x for x in re.split(r"\s*\|\s*|\s+", rng.choice(c["switchers"])) if x]
        switcher = " ".join(f'<a href="/?lang={k}">{e(x)}</a>' for k, x in enumerate(langs))
        related = rng.sample(c["headlines"], rng.randint(3, 5))
        rel = "".join(f'<li><a href="/news/{k}/">{e(h)}</a></li>' for k, h in enumerate(related))
        share = " · ".join(
            f'<a href="#share-{k}">{e(x)}</a>' for k, x in enumerate(rng.sample(c["share"], 2))
        )
        paras = "\n".join(f"<p>{e(p)}</p>" for p in draft.paras)
        lead = draft.paras[0] if draft.paras else ""
        ticker = (
            f'<div class="{s["ticker"]}">{e(self._ticker(draft.lang))}</div>\n' if rng.random() < 0.5 else ""
        )
        photo = rng.choice(c["photo"])
        footer = " | ".join(e(f.format(Y=pub.year)) for f in c["footer"])
        return f"""<!DOCTYPE html>
<html lang="{draft.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(draft.title)} - {e(draft.outlet)}</title>
<link rel="canonical" href="{url}">
<link rel="stylesheet" href="/static/css/main.{slug[:8]}.css">
<meta name="description" content="{e(lead[:160])}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{e(draft.outlet)}">
<meta property="og:title" content="{e(draft.title)}">
<meta property="og:url" content="{url}">
<meta property="og:image" content="https://{domain}/uploads/{pub:%Y/%m}/{slug}.jpg">
<meta property="article:published_time" content="{iso}">
<script type="application/ld+json">{ld_text}</script>
<script async src="/static/js/counter.js"></script>
</head>
<body class="{s["body"]}">
<header class="{s["header"]}">
<a class="logo" href="/">{e(draft.outlet)}</a>
<div class="{s["lang"]}">{switcher}</div>
<nav class="{s["nav"]}"><ul>{nav}</ul></nav>
{ticker}</header>
<main class="{s["main"]}">
<article class="{s["article"]}">
<h1>{e(draft.title)}</h1>
<div class="{s["meta"]}"><span class="author">{e(author)}</span> <time datetime="{iso}">{e(stamp)}</time></div>
<figure><img src="/uploads/{pub:%Y/%m}/{slug}.jpg" alt=""><figcaption>{e(photo)}</figcaption></figure>
{paras}
</article>
<div class="{s["share"]}">{share}</div>
<aside class="{s["related"]}"><h2>{e(rng.choice(c["related"]))}</h2><ul>{rel}</ul></aside>
</main>
<footer class="{s["footer"]}"><p>{footer}</p></footer>
<div class="{s["cookie"]}" role="dialog"><p>{e(c["cookie"][0])}</p><button type="button">{e(c["cookie_button"])}</button></div>
<script>window.dataLayer = window.dataLayer || []; window.dataLayer.push({{"page": "article"}});</script>
</body>
</html>
"""

    def save(self, draft: _Draft, fmt: str) -> str:
        if fmt == "html":
            return self.page(draft)
        if fmt == "chrome":
            return self.pasted(draft)
        return self.plain(draft)

    def duplicate(self, text: str, lang: str, draft: _Draft) -> tuple[str, str]:
        """Return (text, encoding) of a near-duplicate: other boilerplate or chrome, CRLF or cp1251."""
        rng = self.rng
        kind = rng.choices(("boilerplate", "chrome", "crlf", "cp1251"), (0.25, 0.25, 0.2, 0.3))[0]
        boiler = TABLES[lang]["boilerplate"]
        if kind == "boilerplate":
            extra = "\n\n" + "\n".join(boiler) + "\n"
            return (rng.choice(boiler) + "\n\n" + text + extra), "utf-8"
        if kind == "chrome":  # the same article saved from another page: other chrome around it
            return self.pasted(_Draft(lang, draft.title, draft.paras, "", draft.published, set())), "utf-8"
        if kind == "crlf" or lang != "ru":
            return text.replace("\n", "\r\n"), "utf-8-sig"
        return text, "cp1251"

    def corpus(self, n: int):
        """Yield (file name, bytes) for n articles; self.manifest gets the Shape of each."""
        rng = self.rng
        self.manifest = []
        events = self.events(max(1, n // 4))
        # Stories from neighbouring countries and visits: (index of the story in _sides, its date).
        sides = {
            kind: [(rng.randrange(len(self._sides(kind))), self._day()) for _ in range(n // per + 1)]
            for kind, per in (("trap", 60), ("visit", 100))
        }
        written: list[tuple[str, str, _Draft, str]] = []  # text, language, draft, file name
        told: list[int] = []  # the events told so far, one entry per article
        for i in range(n):
            if written and rng.random() < DUPLICATE_RATE:
                text, lang, draft, of = rng.choice(written)
                text, enc = self.duplicate(text, lang, draft)
                data = text.encode(enc, errors="replace")
                name = f"{i:05d}_{hashlib.sha1(data).hexdigest()[:12]}.txt"
                self.manifest.append(Shape(name, lang, "duplicate", (enc,), of=of))
                yield name, data
                continue
            kind = _pick(rng, KIND_RATES) or "event"
            if kind == "undated" and not told:
                kind = "event"
            fmt = _pick(rng, FORMAT_RATES) or "plain"
            lang = rng.choices(LANGS, LANG_WEIGHTS)[0]
            if kind in ("event", "undated"):
                if kind == "undated":
                    fmt = "chrome" if fmt == "html" else fmt  # a copy pasted from a page, its date left out
                    index = rng.choice(told)
                else:
                    # Popular events (the first tenth) get more coverage: stories of 1 to ~15 articles.
                    popular = max(1, len(events) // 10)
                    index = rng.randrange(popular) if rng.random() < 0.3 else rng.randrange(len(events))
                    told.append(index)
                day = events[index].day
                draft = self.event_article(events[index], lang, undated=kind == "undated", fmt=fmt)
            else:
                index = rng.randrange(len(sides[kind]))
                story, day = sides[kind][index]
                story_id = self._sides(kind)[story]
                langs = [x for x in LANGS if story_id in self._side_table(kind, x)]
                if lang not in langs:
                    lang = rng.choices(langs, [LANG_WEIGHTS[LANGS.index(x)] for x in langs])[0]
                draft = self.side_article(kind, self._side_table(kind, lang)[story_id], day, lang, fmt)
            text = self.save(draft, fmt)
            data = text.encode("utf-8")
            name = f"{i:05d}_{hashlib.sha1(data).hexdigest()[:12]}{'.html' if fmt == 'html' else '.txt'}"
            published = draft.published.date() if draft.published is not None else None
            shapes = tuple(sorted(draft.shapes))
            self.manifest.append(Shape(name, lang, kind, shapes, index, day, published, outlet=draft.outlet))
            if fmt != "html":
                written.append((text, lang, draft, name))
            yield name, data

    def _day(self) -> dt.date:
        return dt.date(2018, 1, 1) + dt.timedelta(days=self.rng.randrange(3000))

    @staticmethod
    def _sides(kind: str) -> list[str]:
        """The trap (or visit) stories of any language, by id: a story is told in the languages that have it."""
        ids: list[str] = []
        for lang in LANGS:
            for k in Generator._side_table(kind, lang):
                if k not in ids:
                    ids.append(k)
        return ids

    @staticmethod
    def _side_table(kind: str, lang: str) -> dict[str, dict]:
        entries = TABLES[lang]["traps" if kind == "trap" else "visits"]
        if kind == "trap":
            return {e["id"]: e for e in entries}
        return {f"visit-{k}": e for k, e in enumerate(entries)}


def write_corpus(n: int, seed: int, out: Path, manifest: Path | None = None) -> list[Path]:
    """Write n articles into out (created if needed); return their paths.

    manifest: a file (outside out, so the builder never reads it) to write the Shape of
    each article into, as JSON lines in file order.
    """
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    gen = Generator(seed)
    for name, data in gen.corpus(n):
        path = out / name
        path.write_bytes(data)
        paths.append(path)
    if manifest is not None:
        lines = [json.dumps(shape_record(s), ensure_ascii=False, sort_keys=True) for s in gen.manifest]
        manifest.write_text("".join(line + "\n" for line in lines), "utf-8")
    return paths


def shape_record(shape: Shape) -> dict:
    """A Shape as JSON-ready data: dates as ISO strings, no date as null."""
    out = {}
    for key in Shape.__dataclass_fields__:
        value = getattr(shape, key)
        out[key] = (
            value.isoformat() if isinstance(value, dt.date) else list(value) if key == "shapes" else value
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--manifest", type=Path, help="also write what each file is (JSON lines) to this file")
    args = ap.parse_args(argv)
    paths = write_corpus(args.n, args.seed, args.out, args.manifest)
    print(f"{len(paths)} articles written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
