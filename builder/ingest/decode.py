"""Bytes to text: the encoding found (UTF-8, BOM, legacy code pages), binary refused, text normalised."""

from __future__ import annotations

import re
import unicodedata

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028\u2029\ufeff]")


def decode_bytes(data: bytes) -> tuple[str | None, str, str | None]:
    """Return (text, encoding, problem): UTF-8 first, then the best legacy guess."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", None
        except UnicodeDecodeError:
            return None, "", "not valid UTF-16 despite its byte-order mark"
    try:
        return data.decode("utf-8-sig"), "utf-8", None
    except UnicodeDecodeError:
        pass
    candidates: list[str] = []
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            candidates.append(best.encoding)
    except Exception:  # noqa: BLE001 - detection is best effort
        pass
    candidates += ["cp1251", "koi8_r", "cp1252"]
    best_text, best_enc, best_score = None, "", -1.0
    for enc in dict.fromkeys(candidates):
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        score = _plausibility(text)
        if score > best_score:
            best_text, best_enc, best_score = text, enc, score
    if best_text is None or best_score < 0.5:
        return None, "", "cannot decode: not UTF-8, and no legacy encoding gives readable text"
    return best_text, best_enc.lower().replace("_", "-").replace("windows-", "cp"), None


def _plausibility(text: str) -> float:
    """Score how readable a decoding is: letters mostly lowercase, few symbols and controls."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    lower = sum(c.islower() for c in letters) / len(letters)
    odd = sum(
        1 for c in text if not (c.isalnum() or c.isspace() or c in ".,;:!?-–—\"'«»()%/№+&@#*’“”…")
    ) / len(text)
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t") / len(text)
    accented = sum(1 for c in letters if "\u00c0" <= c <= "\u00ff") / len(letters)
    scripts = {("cyr" if "\u0400" <= c <= "\u04ff" else "lat" if c < "\u0250" else "other") for c in letters}
    return lower - 2 * odd - 5 * controls - accented - 0.2 * (len(scripts) - 1)


def is_binary(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 with a byte-order mark
    if b"\x00" in data[:65536]:
        return True
    head = data[:4096]
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return ctrl > max(2, len(head) // 20)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return CONTROL.sub("", text.replace("\u00a0", " "))


def collapse(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()
