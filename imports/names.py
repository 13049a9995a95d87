"""Name normalization for matching voters to people (pure: no Flask, no database).

``normalize_name`` reduces a name as filed ("Council Member Sam Liccardo", "Liccardo, Sam",
"García (IL)", "Rep. John Q. Smith Jr.") to a plain comparable form ("sam liccardo",
"garcia", "john smith"). ``name_variants`` gives the other forms the same person is filed
under (initial + last name, last name alone) so the loader can try each one with rapidfuzz.
"""
from __future__ import annotations

import re
import unicodedata

# Longest first so "Vice Mayor" is removed before "Mayor".
_TITLES = sorted(
    [
        "council member", "councilmember", "councilman", "councilwoman", "councilor",
        "vice mayor", "mayor", "supervisor", "alderman", "alderwoman", "alder", "president",
        "senator", "representative", "assemblymember", "delegate",
        "rep", "sen", "mr", "mrs", "ms", "dr", "hon", "the honorable", "honorable",
    ],
    key=len,
    reverse=True,
)
_TITLE_RE = re.compile(r"^(?:(?:%s)\.?\s+)+" % "|".join(re.escape(t) for t in _TITLES))
_SUFFIX_RE = re.compile(r"(?:,?\s+(?:jr|sr|ii|iii|iv|v))+\.?$")
_PARENS_RE = re.compile(r"\([^)]*\)")  # "García (IL)", "Carter (GA)": state tags, not names
_NON_WORD_RE = re.compile(r"[^a-z\s-]")
# What a key drops: only the punctuation of a name as filed. Digits, symbols and letters outside a-z
# stay, so "Number0" and "Number99" (or two names in another script) stay two voters.
_KEY_PUNCTUATION_RE = re.compile(r"[.,;:\"\u201c\u201d]")
_SPACES_RE = re.compile(r"\s+")


def strip_accents(text: str) -> str:
    """"Barragán" -> "Barragan": decompose and drop combining marks."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _words(raw: str | None, keep_symbols: bool = False) -> list[str]:
    if raw is None:
        return []
    text = strip_accents(str(raw)).lower().strip()
    text = text.replace("'", "").replace("\u2019", "")  # "O'Neil" -> "oneil", not "o neil"
    text = _PARENS_RE.sub(" ", text)
    text = _SPACES_RE.sub(" ", text).strip()
    text = _TITLE_RE.sub("", text)
    if "," in text:
        # "Last, First Middle" (or "Last, First, Jr.") -> "First Middle Last"
        head, _, tail = text.partition(",")
        tail = _SUFFIX_RE.sub("", " " + tail.strip()).strip(" ,")
        if tail and not re.fullmatch(r"(?:jr|sr|ii|iii|iv|v)\.?", tail):
            text = f"{tail} {head}"
        else:
            text = head
    text = _SUFFIX_RE.sub("", text)
    text = text.replace(".", ". ")
    text = (_KEY_PUNCTUATION_RE if keep_symbols else _NON_WORD_RE).sub(" ", text).replace("-", " ")
    words = text.split()
    words = [w for w in words if w not in {"jr", "sr", "ii", "iii", "iv"}]
    if len(words) > 2:
        # Middle initials ("John Q. Smith") are dropped; a leading initial ("J. Smith") is kept,
        # and so is a lone digit or symbol ("Seat 7 Smith").
        words = [words[0]] + [w for w in words[1:-1] if len(w) > 1 or not w.isalpha()] + [words[-1]]
    return words


def normalize_name(raw: str | None) -> str:
    """A comparable form of a person's name: lower case, no accents, punctuation, titles
    (Council Member, Mayor, Rep., Dr. ...), suffixes (Jr, Sr, II, III) or middle initials;
    "Last, First" becomes "first last". Returns "" for a blank name."""
    return " ".join(_words(raw))


def name_key(raw: str | None) -> str:
    """The name part of a voter key ("name:<key>") or a person key: ``normalize_name`` that keeps
    digits, symbols and letters outside a-z, so names that differ only in those stay apart
    ("Number0" -> "number0", "Number99" -> "number99"). For a name of plain letters it is
    ``normalize_name``, so keys stored before stay the same. Matching still uses normalize_name."""
    return " ".join(_words(raw, keep_symbols=True))


def name_variants(raw: str | None) -> list[str]:
    """Forms the same person may be filed under, most specific first, without duplicates:
    the normalized full name, "first last" without middle names, "f last" (initial), and the
    last name alone (House and Senate files often give only "Liccardo")."""
    words = _words(raw)
    if not words:
        return []
    variants = [" ".join(words)]
    if len(words) > 2:
        variants.append(f"{words[0]} {words[-1]}")
    if len(words) >= 2:
        variants.append(f"{words[0][0]} {words[-1]}")
    variants.append(words[-1])
    seen: list[str] = []
    for variant in variants:
        if variant not in seen:
            seen.append(variant)
    return seen
