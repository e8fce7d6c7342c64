"""Typed records passed between pipeline stages.

Every record that quotes an article points back into it by (source id,
paragraph id, character offsets into that paragraph's text), so a quote is
always ``paragraph.text[start:end]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# ---------------------------------------------------------------- load


@dataclass(frozen=True)
class Paragraph:
    """One numbered paragraph of an article's cleaned text."""

    id: str  # "p1", "p2", ...
    text: str


@dataclass(frozen=True)
class Article:
    """A decoded, cleaned article with its metadata."""

    id: str  # ASCII slug, stable, unique in the corpus
    file: str  # path relative to the seeds folder, "/"-separated
    sha256: str  # of the raw bytes
    title: str
    language: str  # ISO 639-1
    paragraphs: tuple[Paragraph, ...]
    outlet: str | None = None
    author: str | None = None
    published: str | None = None  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    published_precision: str | None = None  # "day", "month", "year"
    url: str | None = None
    encoding: str = "utf-8"
    warnings: tuple[str, ...] = ()
    file_id: str = ""  # the id its file name gives; id differs when the front matter gave one ("": id)
    chrome: int = 0  # lines of page chrome (menus, tickers, bylines, ...) dropped from the text
    retrieved: str | None = None  # when a saved web page was fetched: "YYYY-MM-DDTHH:MM:SSZ"

    def paragraph(self, pid: str) -> Paragraph | None:
        """Return the paragraph with this id, or None."""
        for p in self.paragraphs:
            if p.id == pid:
                return p
        return None

    @property
    def text(self) -> str:
        """Return the cleaned text, paragraphs separated by blank lines."""
        return "\n\n".join(p.text for p in self.paragraphs)


@dataclass(frozen=True)
class Rejected:
    """An input file that could not become an article."""

    file: str
    reason: str
    unread: bool = False  # the bytes could not be read (this time): never kept in the per-file memo


# ---------------------------------------------------------------- annotate


@dataclass(frozen=True)
class Fingerprint:
    """What near-duplicate detection needs of an article, computed once per file."""

    text_key: str  # SHA-256 of its words, lowercased: equal for exact copies
    minhash: tuple[int, ...]  # MinHash of its word shingles; empty when it has no words


@dataclass(frozen=True)
class DateMention:
    """A date found in a paragraph, with its precision and provenance."""

    paragraph: str
    start: int
    end: int
    text: str  # the surface form, paragraph.text[start:end]
    value: str  # ISO: "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    precision: str  # "day", "month", "year"
    relative: bool = False  # resolved against the publication date, or the date it follows
    kind: str = "point"  # "point"; "since" ("since 2009", "с 2009 года"); "mention" (a year named
    # as an attribute, "the 2009 agreement", "2024 жылғы"): never an event's date
    weekday: bool = False  # named by its weekday ("в пятницу", "on Friday"); "today" names none


@dataclass(frozen=True)
class Mention:
    """An entity mention: which entity, where, and the surface text."""

    entity: str
    paragraph: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Sentence:
    """One sentence with its language-independent signature."""

    index: int
    paragraph: str
    start: int
    end: int
    text: str
    entities: tuple[str, ...] = ()  # sorted unique entity ids
    topics: tuple[str, ...] = ()  # sorted topic slugs with evidence here
    concepts: tuple[str, ...] = ()  # sorted concept ids (sign, meet, simplify...)
    dates: tuple[DateMention, ...] = ()
    numbers: tuple[str, ...] = ()  # normalised numbers other than dates


@dataclass(frozen=True)
class Unlisted:
    """A person or organisation an article names that research.yml does not list (unconfirmed)."""

    id: str  # "u-" + ASCII slug of its normalised name
    name: str  # the name as first found, normalised (nominative where the tagger gives it)
    type: str  # "person" or "organization"
    paragraph: str
    start: int
    end: int
    text: str  # paragraph.text[start:end]


@dataclass(frozen=True)
class Annotations:
    """Everything annotate found in one article."""

    source: str
    sentences: tuple[Sentence, ...] = ()
    mentions: tuple[Mention, ...] = ()
    warnings: tuple[str, ...] = ()  # paragraphs whose analysis failed, for the input report
    unlisted: tuple[Unlisted, ...] = ()  # names not in research.yml, found by NER or patterns
    on_topic: bool = True  # Kazakhstan is an actor in it (topics are kept only then)


# ---------------------------------------------------------------- link


@dataclass(frozen=True)
class Citation:
    """A verbatim quote of one paragraph of one source."""

    source: str
    paragraph: str
    start: int
    end: int
    quote: str
    language: str

    def __reduce__(self):
        # Pickled as its six values, not a dict naming them: a quarter fewer bytes, read twice as
        # fast (the claims child sends back 55,000 citations at 10,000 articles; the memo keeps them).
        return _citation, (self.source, self.paragraph, self.start, self.end, self.quote, self.language)


def _citation(source: str, paragraph: str, start: int, end: int, quote: str, language: str) -> Citation:
    """Return the Citation of these values as unpickled: set in its dict, not through
    the frozen dataclass's __setattr__ (a third of the time)."""
    cite = object.__new__(Citation)
    fields = cite.__dict__
    fields["source"], fields["paragraph"], fields["start"], fields["end"] = source, paragraph, start, end
    fields["quote"], fields["language"] = quote, language
    return cite


@dataclass(frozen=True)
class Claim:
    """Sentences from one or more sources that state the same thing."""

    id: str
    topics: tuple[str, ...]
    text: str
    citations: tuple[Citation, ...]
    entities: tuple[str, ...] = ()
    concepts: tuple[str, ...] = ()

    @property
    def corroboration(self) -> int:
        return len({c.source for c in self.citations})


@dataclass(frozen=True)
class Story:
    """Articles about the same event, across languages."""

    id: str
    title: str
    sources: tuple[str, ...]
    date: str | None = None


@dataclass(frozen=True)
class Event:
    """A dated event on the timeline."""

    date: str
    precision: str
    text: str
    topics: tuple[str, ...]
    citations: tuple[Citation, ...]
    kind: str = "point"


@dataclass(frozen=True)
class Version:
    """One value that some sources give in a discrepancy."""

    value: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Discrepancy:
    """A point on which sources disagree, or contradict a known fact."""

    id: str
    subject: str
    values: tuple[Version, ...]
    note: str
    topics: tuple[str, ...] = ()
    story: str | None = None


@dataclass(frozen=True)
class UnconfirmedEntity:
    """A name that several mentions give and research.yml does not list: shown as unconfirmed."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...]  # the surface forms found
    sources: tuple[str, ...]
    mentions: tuple[Citation, ...]  # the sentences that name it


@dataclass(frozen=True)
class Linked:
    """What link_corpus derives from the annotated corpus (builder/link/)."""

    claims: tuple[Claim, ...] = ()
    stories: tuple[Story, ...] = ()
    inferred: Mapping[str, tuple] = field(default_factory=dict)  # id -> (date, precision, reason)
    annotations: Mapping[str, Annotations] = field(default_factory=dict)  # re-dated on inferred dates
    discrepancies: tuple[Discrepancy, ...] = ()
    events: tuple[Event, ...] = ()
    unconfirmed: tuple[UnconfirmedEntity, ...] = ()


@dataclass(frozen=True)
class InputReport:
    """What happened to one input file."""

    file: str
    status: str  # "rendered", "duplicate", "rejected"
    reason: str | None = None
    duplicate_of: str | None = None
    warnings: tuple[str, ...] = ()
    chrome: int = 0  # lines of page chrome (menus, tickers, bylines...) dropped from its text


@dataclass(frozen=True)
class Corpus:
    """Everything the renderer needs, gathered before anything is written."""

    articles: tuple[Article, ...]
    annotations: dict[str, Annotations]
    report: tuple[InputReport, ...]
    claims: tuple[Claim, ...] = ()
    stories: tuple[Story, ...] = ()
    events: tuple[Event, ...] = ()
    discrepancies: tuple[Discrepancy, ...] = ()
    inferred: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    # source id -> (published, precision, reason) for dates inferred in link
    unconfirmed: tuple[UnconfirmedEntity, ...] = ()
