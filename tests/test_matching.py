"""Behaviour of the term matcher, pinned as tables of (text, language, id) one line per case.

An id is an entity id, a role id, a topic slug or a concept id: whatever the
research definition says the words stand for.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.config import load_config
from builder.nlp import lemmas
from builder.nlp.lemmas import keys
from builder.nlp.matcher import match_text
from builder.nlp.numbers import find_numbers

CONFIG = load_config(Path(__file__).resolve().parents[1] / "research.yml")


def ids(text: str, language: str) -> set[str]:
    return {target.id for _surface, target in match_text(text, language, CONFIG)}


FOUND = [
    # places and organisations, inflected
    ("Францию", "ru", "france"),
    ("Французской Республики", "ru", "france"),
    ("Францияға", "kk", "france"),
    ("Frankreichs", "de", "france"),
    ("Интерпола", "ru", "interpol"),
    ("Интерполом", "ru", "interpol"),
    ("Interpol's", "en", "interpol"),
    ("Интерполдың", "kk", "interpol"),
    ("Европолом", "ru", "europol"),
    ("Europol", "en", "europol"),
    ("Еуропол", "kk", "europol"),
    ("Еуропол\u00adмен", "kk", "europol"),  # soft hyphen inside the word
    ("странами Европейского союза", "ru", "european-union"),
    ("государств – членов ЕС", "ru", "european-union"),
    ("EU-Kommission", "de", "european-union"),
    ("EU-Kommission", "de", "european-commission"),
    ("пресс-службе МВД РК", "ru", "mvd-kazakhstan"),
    ("ІІМ хабарлады", "kk", "mvd-kazakhstan"),
    ("в Королевство Нидерландов", "ru", "netherlands"),
    ("in The Hague", "en", "the-hague"),
    # topics
    ("реадмиссии", "ru", "readmission"),
    ("реадмиссионных лиц", "ru", "readmission"),
    ("реадмиссиялау туралы келісім", "kk", "readmission"),
    ("Rückübernahmeabkommen", "de", "readmission"),
    ("des Rückübernahmeabkommens", "de", "readmission"),
    ("readmission", "en", "readmission"),
    ("визового режима", "ru", "visas"),
    ("шенгенских виз", "ru", "visas"),
    ("Schengen visas", "en", "visas"),
    ("visa-free travel", "en", "visas"),
    ("визасыз режим", "kk", "visas"),
    ("визалық режим", "kk", "visas"),
    ("Visumpflicht", "de", "visas"),
    ("Schengen-Visum", "de", "visas"),
    # people: transliterations and cases
    ("Токаев", "ru", "kassym-jomart-tokayev"),
    ("Токаева", "ru", "kassym-jomart-tokayev"),
    ("Tokayev", "en", "kassym-jomart-tokayev"),
    ("Toqayev", "en", "kassym-jomart-tokayev"),
    ("Тоқаев", "kk", "kassym-jomart-tokayev"),
    ("Тоқаевтың", "kk", "kassym-jomart-tokayev"),
    ("Тоқаев", "ru", "kassym-jomart-tokayev"),  # a name in another script still resolves
    ("Tokajew", "de", "kassym-jomart-tokayev"),
    ("Касым-Жомарт Токаев", "ru", "kassym-jomart-tokayev"),
    ("с Саденовым", "ru", "yerzhan-sadenov"),
    ("у Саденова", "ru", "yerzhan-sadenov"),
    ("Ержан Саденов", "ru", "yerzhan-sadenov"),
    ("с Уркизой", "ru", "valdecy-urquiza"),
    ("Вальдесом Уркизой", "ru", "valdecy-urquiza"),
    ("Андреем Линтой", "ru", "andrei-linta"),
    ("Брюно Ретайо", "ru", "bruno-retailleau"),
    ("Jürgen Stock", "en", "jurgen-stock"),
    # roles, with the organisation inside them
    ("генеральным секретарем Интерпола Вальдесом Уркизой", "ru", "interpol-secretary-general"),
    ("генеральным секретарем Интерпола Вальдесом Уркизой", "ru", "valdecy-urquiza"),
    ("генеральным секретарем Интерпола Вальдесом Уркизой", "ru", "interpol"),
    ("Interpol Secretary General Valdecy Urquiza", "en", "interpol-secretary-general"),
    ("Interpol Secretary General Valdecy Urquiza", "en", "interpol"),
    ("Интерполдың бас хатшысы", "kk", "interpol-secretary-general"),
    ("с министром внутренних дел Франции", "ru", "france-interior-minister"),
    ("с министром внутренних дел Франции", "ru", "france"),
    ("заместителем исполнительного директора Европола", "ru", "europol-deputy-executive-director"),
    ("в ходе визита главы государства", "ru", "president-kazakhstan"),
    # concepts
    ("упрощения визового режима", "ru", "simplify"),
    ("simplification of visa procedures", "en", "simplify"),
    ("визалық режимді жеңілдетуге", "kk", "simplify"),
    ("подписанного в прошлом году", "ru", "sign"),
    ("signed last year", "en", "sign"),
    ("Операционного соглашения", "ru", "operational-agreement"),
    ("an operational agreement", "en", "operational-agreement"),
    ("подписана дорожная карта", "ru", "roadmap"),
    ("Дорожная карта", "ru", "roadmap"),
    ("с рабочим визитом", "ru", "working-visit"),
    ("Лионда кездесті", "kk", "meet"),
    ("заңсыз көші-қонға қарсы", "kk", "illegal-migration"),  # the phrase's last word takes the suffix
    ("кездесіп", "kk", "meet"),
    ("договоренность", "ru", "agreement"),
    ("договорённость", "ru", "agreement"),
]

NOT_FOUND = [
    # a visit is not a visa
    ("рабочим визитом", "ru", "visas"),
    ("с официальным визитом", "ru", "visas"),
    ("в ходе визита", "ru", "visas"),
    ("Визиты такого уровня", "ru", "visas"),
    ("official visit", "en", "visas"),
    ("visited France", "en", "visas"),
    ("visitors", "en", "visas"),
    ("Besuch", "de", "visas"),
    ("Visite", "fr", "visas"),
    ("Visite", "de", "visas"),
    ("ресми визитпен", "kk", "visas"),
    # short capitals match only as written
    ("если", "ru", "european-union"),
    ("весь", "ru", "european-union"),
    ("Если весь", "ru", "european-union"),
    ("es gibt", "de", "european-union"),
    ("Es geht", "de", "european-union"),
    ("eu", "en", "european-union"),
    ("мвд", "ru", "mvd-kazakhstan"),
    # a word that merely starts like a term
    ("визит", "kk", "visas"),
    ("Интерполяция", "ru", "interpol"),
    ("Европа", "ru", "europol"),
    ("Europe", "en", "europol"),
    ("визитёры", "ru", "visas"),
]


@pytest.mark.parametrize(("text", "language", "expected"), FOUND)
def test_found(text, language, expected):
    assert expected in ids(text, language), (text, language, sorted(ids(text, language)))


@pytest.mark.parametrize(("text", "language", "unexpected"), NOT_FOUND)
def test_not_found(text, language, unexpected):
    assert unexpected not in ids(text, language), (text, language, sorted(ids(text, language)))


SURFACES = [
    # (text, language, id, the exact surface of its match)
    (
        "с генеральным секретарем Интерпола Вальдесом Уркизой",
        "ru",
        "interpol-secretary-general",
        "генеральным секретарем Интерпола",
    ),
    ("с генеральным секретарем Интерпола Вальдесом Уркизой", "ru", "valdecy-urquiza", "Вальдесом Уркизой"),
    ("Интерполдың бас хатшысы", "kk", "interpol", "Интерполдың"),
    ("Европейского союза", "ru", "european-union", "Европейского союза"),
    (
        "Kazakhstan's Ministry of Internal Affairs",
        "en",
        "mvd-kazakhstan",
        "Kazakhstan's Ministry of Internal Affairs",
    ),
]


@pytest.mark.parametrize(("text", "language", "target", "surface"), SURFACES)
def test_longest_surface(text, language, target, surface):
    found = [s for s, t in match_text(text, language, CONFIG) if t.id == target and t.kind != "topic"]
    assert found == [surface]


LEMMAS = [
    # (word, language, a key it must have)
    ("Францию", "ru", "франция"),
    ("визового", "ru", "визовый"),
    ("договорённость", "ru", "договоренность"),
    ("visas", "en", "visa"),
    ("Kasachstans", "de", "kasachstan"),
    ("Визит", "kk", "визит"),
    ("Тоқаевтың", "kk", "тоқаевтың"),  # no Kazakh dictionary: the surface stays
]


@pytest.mark.parametrize(("word", "language", "key"), LEMMAS)
def test_lemma_keys(word, language, key):
    assert key in keys(word, language)


# simplemma's tries must lemmatise as its shipped dictionaries do: known words, inflected ones,
# capitalised ones, and words no dictionary holds.
TRIE_WORDS = [
    ("de", ["Gespräche", "Zusammenarbeit", "Rückübernahmeabkommens", "Bürger", "Visumpflicht", "ging"]),
    ("en", ["visas", "talks", "agreements", "Ministers", "was", "readmitted", "Qwzxv"]),
    ("fr", ["accords", "ministres", "étaient", "réadmission", "visas"]),
    ("es", ["acuerdos", "visados", "fueron"]),
]


@pytest.mark.parametrize(("language", "words"), TRIE_WORDS)
def test_tries_lemmatise_as_the_shipped_dictionaries(language, words):
    import simplemma

    for word in words:
        assert lemmas._lemmatizer().lemmatize(word, lang=language) == simplemma.lemmatize(word, lang=language)


def test_a_trie_is_built_once_then_read_from_its_folder(tmp_path, monkeypatch):
    from simplemma.strategies.dictionaries import TrieDictionaryFactory

    assert lemmas.tries(str(tmp_path)).get_dictionary("en").get("visas") == "visa"
    assert [p.name for p in tmp_path.iterdir()] == ["en.dic"]  # renamed into place, no part left

    def rebuilt(self, lang):
        raise AssertionError(f"{lang} built again")

    monkeypatch.setattr(TrieDictionaryFactory, "_build_trie", rebuilt)
    assert lemmas.tries(str(tmp_path)).get_dictionary("en").get("visas") == "visa"


def test_tries_are_kept_in_the_user_cache_folder_or_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    factory = lemmas._factory()
    assert factory is not None and (tmp_path / "cache" / "simplemma").is_dir()
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file" / "cache"))
    assert lemmas._factory() is None  # nowhere to keep them: the shipped dictionaries, decoded


def test_the_lemmatiser_reads_its_tries_from_the_user_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    lemmas._lemmatizer.cache_clear()
    try:
        assert lemmas._simplemma("visas", "en") == {"visa"}
        assert [p.name for p in tmp_path.glob("simplemma/**/*.dic")] == ["en.dic"]
    finally:
        lemmas._lemmatizer.cache_clear()  # the next test's lemmatiser: the real cache folder


def test_a_trie_that_cannot_be_written_is_still_used(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert lemmas.tries(str(blocked / "tries")).get_dictionary("en").get("talks") == "talk"


NUMBERS = [
    ("862 млрд тенге", "ru", ["862000000000"]),
    ("862 Billion Tenge", "en", ["862000000000"]),
    ("150 000 виз", "ru", ["150000"]),
    ("1,500 people", "en", ["1500"]),
    ("2.500 Menschen", "de", ["2500"]),
    ("рост 4,9%", "ru", ["4.9"]),
    ("growth to 4.9%", "en", ["4.9"]),
    ("150 тыс. мигрантов", "ru", ["150000"]),
    ("в 2024 году", "ru", []),  # a year
    ("5 ноября", "ru", []),  # a day of a date
    ("April 19", "en", []),
    ("3. März", "de", []),
    ("22.01.2026 10:23", "ru", []),  # a date and a time
    ("COVID-19", "en", []),
    ("19 Homes", "en", ["19"]),
    ("по телефону +7 (727) 250-20-25", "ru", []),  # a phone number
    ("тел. 8 (7172) 71-55-55", "ru", []),
    ("https://example.kz/2025/481 и 12 человек", "ru", ["12"]),  # a web address
    ("материал № 2025/481", "ru", []),
]


@pytest.mark.parametrize(("text", "language", "expected"), NUMBERS)
def test_numbers(text, language, expected):
    assert [v for _s, _e, v in find_numbers(text, language)] == expected
