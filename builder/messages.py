"""Messages for a terminal or a log: text from the input (file names, front matter, research.yml)
printed with its control characters escaped, so that a name cannot move the cursor, rewrite a line,
change colours, reorder what is shown or forge another message.

`clean` is the one function every printed message goes through: the command line prints each line
through it, the build report's lines are made by `problem_lines`, and `CleanFilter` does the same
for a logger (the MkDocs hook's).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# C0 and C1 controls with DEL (ESC starts terminal sequences, CR rewrites the line, LF forges a new
# one), the line and paragraph separators, the bidirectional controls that reorder what is shown
# (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069), and lone surrogates, which an undecodable file
# name becomes and which a UTF-8 stream cannot print at all.
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(m: re.Match) -> str:
    ch = m.group()
    if ch in NAMED:
        return NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def clean(text: object) -> str:
    """Return text as one printable line: every control, bidi control and lone surrogate as an escape
    (ESC -> \\x1b, CR -> \\r, LF -> \\n, U+202E -> \\u202e); everything else as it is."""
    s = text if isinstance(text, str) else str(text)
    return UNSAFE.sub(_escape, s)


def problem_lines(report: Iterable) -> list[str]:
    """Return the build report's problem lines, "FILE: rejected: REASON" and "FILE: warning: TEXT",
    each cleaned (report: InputReport records, in their order)."""
    out = []
    for r in report:
        if r.status == "rejected":
            out.append(clean(f"{r.file}: rejected: {r.reason}"))
        out.extend(clean(f"{r.file}: warning: {w}") for w in r.warnings)
    return out


class CleanFilter(logging.Filter):
    """A logging filter that cleans every record's message, arguments included."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = clean(record.getMessage()), None
        return True
