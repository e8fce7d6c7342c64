"""Write a synthetic research corpus of N articles, deterministically for a seed.

    python -m benchmarks.corpus --n 1000 --seed 1 --out /tmp/corpus

Articles are recombined from the seed articles (seeds/), the paragraphs of the
test fixtures (tests/fixtures/**) and a small table of paragraph templates per
language (ru, en, kk, de). The generator first draws *events* (a date, a place,
the people involved, one or two topics); every article reports one event, so
articles about the same event share entities, dates and topic sentences and
the linker finds stories and corroborated claims at a realistic rate. Entity
names are swapped through the aliases in research.yml, dates and outlets are
redrawn, and about 4% of the articles are near-duplicates of an earlier one:
the same text with other boilerplate, CRLF newlines or in cp1251.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from builder.render.pages import MONTHS

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("ru", "en", "kk", "de")
LANG_WEIGHTS = (0.55, 0.25, 0.1, 0.1)
DUPLICATE_RATE = 0.05

MONTHS = {
    "ru": [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ],
    "en": list(MONTHS),
    "kk": [
        "қаңтар",
        "ақпан",
        "наурыз",
        "сәуір",
        "мамыр",
        "маусым",
        "шілде",
        "тамыз",
        "қыркүйек",
        "қазан",
        "қараша",
        "желтоқсан",
    ],
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
}

# {person} {person2} {place} {date} {num}: filled from the event. One line per template.
TEMPLATES = {
    "ru": [
        "{date} в городе {place} {person} провел переговоры о сотрудничестве с Европолом в сфере информационного обмена.",
        "Стороны обсудили упрощение визового режима для граждан Казахстана, сообщили в пресс-службе МВД.",
        "{person} и {person2} подписали дорожную карту по борьбе с незаконной миграцией и киберпреступностью.",
        "Соглашение о реадмиссии было подписано {date}, его ратифицировали депутаты Сената.",
        "По данным МВД, в международном розыске по линии Интерпола находятся {num} граждан.",
        "Франция готова поддержать упрощение визового режима для казахстанцев в Евросоюз.",
        "В ходе встречи с генеральным секретарем Интерпола стороны обсудили обмен информацией через базы данных.",
        "{person} отметил, что за последние годы Казахстан вернул {num} человек по каналам Интерпола.",
    ],
    "en": [
        "On {date} in {place}, {person} held talks on cooperation with Europol and the exchange of information.",
        "The parties discussed the simplification of visa procedures for citizens of Kazakhstan, the ministry said.",
        "{person} and {person2} signed a roadmap to combat illegal migration and cybercrime.",
        "The readmission agreement was signed on {date} and ratified by the Senate.",
        "According to the ministry, {num} citizens are on the Interpol international search list.",
        "France expressed its readiness to support the simplification of the visa regime for Kazakhstanis.",
        "During the meeting with the Interpol Secretary General the sides discussed information exchange via databases.",
        "{person} said that Kazakhstan had returned {num} people through Interpol channels in recent years.",
    ],
    "kk": [
        "{date} {place} қаласында {person} Европолмен ақпарат алмасу мәселелері бойынша келіссөз жүргізді.",
        "Тараптар Қазақстан азаматтары үшін визалық режимді жеңілдету мәселесін талқылады.",
        "{person} мен {person2} заңсыз көші-қонға қарсы күрес бойынша жол картасына қол қойды.",
        "Реадмиссия туралы келісімге {date} қол қойылды, оны Сенат ратификациялады.",
        "ІІМ мәліметінше, Интерпол арқылы халықаралық іздестіруде {num} азамат бар.",
        "Франция қазақстандықтар үшін визалық режимді жеңілдетуді қолдауға дайын.",
    ],
    "de": [
        "Am {date} führte {person} in {place} Gespräche über die Zusammenarbeit mit Europol und den Informationsaustausch.",
        "Die Seiten erörterten eine Erleichterung der Visumpflicht für Bürger Kasachstans, teilte das Ministerium mit.",
        "{person} und {person2} unterzeichneten einen Fahrplan gegen illegale Migration und Cyberkriminalität.",
        "Das Rückübernahmeabkommen wurde am {date} unterzeichnet und vom Senat ratifiziert.",
        "Nach Angaben des Ministeriums werden {num} Bürger über Interpol international gesucht.",
        "Frankreich ist bereit, die Vereinfachung der Visaregeln für Kasachen zu unterstützen.",
    ],
}

TITLES = {
    "ru": [
        "{person} обсудил с партнерами в {place} визы и реадмиссию",
        "Казахстан и Франция: {topic}",
        "Новые договоренности с Европолом и Интерполом",
        "Переговоры в {place} о визовом режиме",
    ],
    "en": [
        "{person} discusses visas and readmission in {place}",
        "Kazakhstan and France: {topic}",
        "New arrangements with Europol and Interpol",
        "Talks in {place} on the visa regime",
    ],
    "kk": ["{person} {place} қаласында визалар мен реадмиссияны талқылады", "Қазақстан мен Франция: {topic}"],
    "de": ["{person} spricht in {place} über Visa und Rückübernahme", "Kasachstan und Frankreich: {topic}"],
}

BYLINES = {
    "ru": ["сообщает {outlet}.", "передает корреспондент {outlet}.", "пишет {outlet}."],
    "en": ["{outlet} reports.", "according to {outlet}.", "reports {outlet}."],
    "kk": ["хабарлайды {outlet}.", "{outlet} хабарлайды."],
    "de": ["berichtet {outlet}.", "meldet die Agentur {outlet}."],
}

BOILERPLATE = {
    "ru": [
        "Поделиться",
        "Твитнуть",
        "Класснуть",
        "Читайте также: Новости по теме",
        "Подписывайтесь на наш Telegram",
    ],
    "en": ["Share", "Tweet", "Stay up-to-date with the latest news", "Latest news"],
    "kk": ["Бөлісу", "Жазылыңыз біздің Telegram арнамызға"],
    "de": ["Teilen", "Drucken", "Lesen Sie auch: Weitere Nachrichten"],
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
TOPIC_NAMES = {
    "ru": ["визы", "реадмиссия", "Интерпол", "Европол"],
    "en": ["visas", "readmission", "Interpol", "Europol"],
    "kk": ["визалар", "реадмиссия", "Интерпол", "Европол"],
    "de": ["Visa", "Rückübernahme", "Interpol", "Europol"],
}

DATE_RE = re.compile(r"\b(\d{1,2}) ([а-яёА-ЯЁ]+|[A-Z][a-z]+) (20\d\d)\b(?: года)?|\b20\d\d-\d\d-\d\d\b")


@dataclass(frozen=True)
class Event:
    day: dt.date
    people: tuple[str, str]
    place: str
    topic: int


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


def _aliases() -> dict[str, dict[str, list[str]]]:
    data = yaml.safe_load((ROOT / "research.yml").read_text("utf-8"))
    out = {}
    for ent in data["entities"]:
        out[ent["id"]] = {k: [a for a in v if len(a) >= 4] for k, v in ent["aliases"].items()}
    return out


def _outlets() -> list[str]:
    data = yaml.safe_load((ROOT / "research.yml").read_text("utf-8"))
    return [o["name"] for o in data["outlets"]]


def _name(aliases, ent: str, lang: str, rng: random.Random) -> str:
    names = aliases[ent].get(lang) or aliases[ent].get("any") or aliases[ent]["en"]
    return names[0] if rng.random() < 0.7 else rng.choice(names)


def _date(day: dt.date, lang: str) -> str:
    m = MONTHS[lang][day.month - 1]
    if lang == "ru":
        return f"{day.day} {m} {day.year} года"
    if lang == "en":
        return f"{m} {day.day}, {day.year}"
    if lang == "kk":
        return f"{day.year} жылғы {day.day} {m}"
    return f"{day.day}. {m} {day.year}"


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.pools = _paragraphs()
        self.aliases = _aliases()
        self.outlets = _outlets()

    def events(self, n: int) -> list[Event]:
        rng = self.rng
        start = dt.date(2018, 1, 1)
        return [
            Event(
                start + dt.timedelta(days=rng.randrange(3000)),
                tuple(rng.sample(SWAP_PEOPLE, 2)),
                rng.choice(SWAP_PLACES),
                rng.randrange(4),
            )
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

    def article(self, ev: Event, lang: str, index: int) -> str:
        rng = self.rng
        fill = {
            "person": _name(self.aliases, ev.people[0], lang, rng),
            "person2": _name(self.aliases, ev.people[1], lang, rng),
            "place": _name(self.aliases, ev.place, lang, rng),
            "date": _date(ev.day, lang),
            "num": str(
                rng.choice([12, 35, 48, 120, 250, 1300]) if rng.random() < 0.8 else rng.randrange(10, 900)
            ),
            "topic": TOPIC_NAMES[lang][ev.topic],
        }
        title = rng.choice(TITLES[lang]).format(**fill)
        outlet = rng.choice(self.outlets)
        paras = []
        k = rng.randint(3, 8)
        tpl = TEMPLATES[lang]
        # Templates tied to the event's topic come first, so same-event articles share claims.
        first = [tpl[(ev.topic * 2 + j) % len(tpl)] for j in range(2)]
        for t in first:
            paras.append(t.format(**fill))
        pool = self.pools[lang] or self.pools["en"]
        for _ in range(k - 2):
            if rng.random() < 0.5 and pool:
                paras.append(self._swap(rng.choice(pool), lang, ev))
            else:
                paras.append(rng.choice(tpl).format(**fill))
        lead = paras[0].rstrip(".") + ", " + rng.choice(BYLINES[lang]).format(outlet=outlet)
        paras[0] = lead
        head = []
        if rng.random() < 0.4:
            head.append(f" date {ev.day + dt.timedelta(days=rng.randrange(3)):%Y-%m-%d} ")
        body = "\n\n".join([title, *paras])
        if rng.random() < 0.15:
            body += "\n\n" + "\n".join(rng.sample(BOILERPLATE[lang], min(2, len(BOILERPLATE[lang]))))
        return "".join(head) + body + "\n"

    def duplicate(self, text: str, lang: str) -> tuple[str, str]:
        """Return (text, encoding) of a near-duplicate: other boilerplate, CRLF or cp1251."""
        rng = self.rng
        kind = rng.randrange(3)
        if kind == 0:
            extra = "\n\n" + "\n".join(BOILERPLATE[lang]) + "\n"
            return (rng.choice(BOILERPLATE[lang]) + "\n\n" + text + extra), "utf-8"
        if kind == 1 or lang != "ru":
            return text.replace("\n", "\r\n"), "utf-8-sig"
        return text, "cp1251"

    def corpus(self, n: int):
        """Yield (file name, bytes) for n articles."""
        rng = self.rng
        events = self.events(max(1, n // 4))
        written: list[tuple[str, str]] = []
        for i in range(n):
            if written and rng.random() < DUPLICATE_RATE:
                text, lang = rng.choice(written)
                text, enc = self.duplicate(text, lang)
                try:
                    data = text.encode(enc)
                except UnicodeEncodeError:
                    data = text.encode("utf-8")
            else:
                # Popular events (the first tenth) get more coverage: stories of 1 to ~15 articles.
                popular = max(1, len(events) // 10)
                ev = events[rng.randrange(popular) if rng.random() < 0.3 else rng.randrange(len(events))]
                lang = rng.choices(LANGS, LANG_WEIGHTS)[0]
                text = self.article(ev, lang, i)
                written.append((text, lang))
                data = text.encode("utf-8")
            name = f"{i:05d}_{hashlib.sha1(data).hexdigest()[:12]}.txt"
            yield name, data


def write_corpus(n: int, seed: int, out: Path) -> list[Path]:
    """Write n articles into out (created if needed); return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in Generator(seed).corpus(n):
        path = out / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    paths = write_corpus(args.n, args.seed, args.out)
    print(f"{len(paths)} articles written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
