"""The program's text: the canonical form that is hashed, line numbers, and diffs between versions.

PURE: plain values in, plain values out; no Flask, no database. The services turn stored planks
into ``PlankText`` and call these functions, so the same rules serve pages, exports and tests.

The canonical text of a version (what its SHA-256 is computed over, UTF-8, and what a pledge
reproduces) is, line by line, joined with a line feed and ending with one:

    Program version {number}
    (a blank line and the preamble, when the version has one)
    then for each plank, by position:
    (a blank line)
    {position}. {title} [{category}; {tier}]
    {body}

Texts are normalized when they are written (``normalize``): line feeds only, no trailing spaces on
a line, no blank lines at either end. So anyone can rebuild the text from an export's planks and
check the hash with ``sha256sum``.
"""
from __future__ import annotations

import difflib
import hashlib
import re
import textwrap
from dataclasses import dataclass

# Plank texts are numbered as printed at this width, as conventions number their documents.
LINE_WIDTH = 80


@dataclass(frozen=True)
class PlankText:
    """What the canonical text and a diff need of a plank."""

    key: str
    position: int
    title: str
    category: str
    tier: str
    body: str


def normalize(text: str | None) -> str:
    """Line feeds only, trailing spaces removed from every line, no blank lines at the ends."""
    lines = [line.rstrip() for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def canonical_text(number: int, preamble: str | None, planks: list[PlankText]) -> str:
    """The exact text whose SHA-256 identifies a version (the module docstring gives the format)."""
    lines = [f"Program version {number}"]
    if preamble and preamble.strip():
        lines += ["", preamble.strip()]
    for plank in sorted(planks, key=lambda p: p.position):
        lines += ["", f"{plank.position}. {plank.title} [{plank.category}; {plank.tier}]", plank.body.strip()]
    return "\n".join(lines) + "\n"


def sha256_hex(text: str) -> str:
    """Hex SHA-256 of the text as UTF-8 (what ``sha256sum`` prints for the saved file)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def numbered_lines(body: str, width: int = LINE_WIDTH) -> list[str]:
    """The plank's text as printed: each paragraph (a line of the stored text) wrapped at
    ``width``; line 1 is the first item. An empty paragraph stays one empty line."""
    lines: list[str] = []
    for paragraph in normalize(body).split("\n"):
        lines.extend(textwrap.wrap(paragraph, width=width, break_long_words=False, break_on_hyphens=False) or [""])
    return lines


def replace_lines(body: str, first: int, last: int, replacement: str, width: int = LINE_WIDTH) -> str:
    """The plank's text with printed lines ``first``..``last`` (1-based, inclusive) replaced by
    ``replacement``. Lines of one paragraph are joined again by spaces and paragraphs by line
    feeds, so the result reads as the printed text would with the change made."""
    paragraphs = [textwrap.wrap(p, width=width, break_long_words=False, break_on_hyphens=False) or [""]
                  for p in normalize(body).split("\n")]
    total = sum(len(p) for p in paragraphs)
    if not 1 <= first <= last <= total:
        raise ValueError(f"Lines {first} to {last} are not in this plank, which has {total} line"
                         f"{'s' if total != 1 else ''}.")
    kept: list[str] = []
    number = 0
    for lines in paragraphs:
        parts, touched = [], False
        for line in lines:
            number += 1
            if first <= number <= last:
                touched = True
                if number == first:
                    parts.append(normalize(replacement))
            else:
                parts.append(line)
        text = " ".join(part for part in parts if part)
        if text or not touched:  # a paragraph wholly replaced by nothing goes
            kept.append(text)
    return normalize("\n".join(kept))


_TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``[(op, text), ...]`` with op ``equal``, ``delete`` or ``insert``, word by word (spaces
    kept), so a page can show struck and inserted words inside a changed plank."""
    old_tokens, new_tokens = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    parts: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(("equal", "".join(old_tokens[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            parts.append(("delete", "".join(old_tokens[i1:i2])))
        if tag in ("insert", "replace"):
            parts.append(("insert", "".join(new_tokens[j1:j2])))
    return parts


@dataclass(frozen=True)
class PlankChange:
    """How one plank differs between two versions. ``kinds`` holds any of ``added``, ``removed``,
    ``moved`` (position or category), ``changed`` (title, body or tier)."""

    key: str
    kinds: tuple[str, ...]
    old: PlankText | None
    new: PlankText | None

    def fields_changed(self) -> list[str]:
        if not (self.old and self.new):
            return []
        return [name for name in ("title", "body", "category", "tier", "position")
                if getattr(self.old, name) != getattr(self.new, name)]

    def body_diff(self) -> list[tuple[str, str]]:
        return word_diff(self.old.body if self.old else "", self.new.body if self.new else "")

    def title_diff(self) -> list[tuple[str, str]]:
        return word_diff(self.old.title if self.old else "", self.new.title if self.new else "")


def version_diff(old: list[PlankText], new: list[PlankText]) -> list[PlankChange]:
    """Planks added, removed, moved and changed from ``old`` to ``new``, matched by their stable
    key; unchanged planks are left out. A plank has ``moved`` when its category changed or when
    it changed places with the planks both versions share (not merely because a plank before it
    came or went). Ordered as the new version reads, removed ones where they stood."""
    old_by_key = {p.key: p for p in old}
    new_by_key = {p.key: p for p in new}
    old_order = [p.key for p in sorted(old, key=lambda p: p.position) if p.key in new_by_key]
    new_order = [p.key for p in sorted(new, key=lambda p: p.position) if p.key in old_by_key]
    in_place: set[str] = set()
    for block in difflib.SequenceMatcher(a=old_order, b=new_order, autojunk=False).get_matching_blocks():
        in_place.update(old_order[block.a:block.a + block.size])
    changes: list[tuple[tuple[int, int], PlankChange]] = []
    for plank in new:
        before = old_by_key.get(plank.key)
        if before is None:
            changes.append(((plank.position, 1), PlankChange(plank.key, ("added",), None, plank)))
            continue
        kinds = []
        if plank.key not in in_place or before.category != plank.category:
            kinds.append("moved")
        if (before.title, before.body, before.tier) != (plank.title, plank.body, plank.tier):
            kinds.append("changed")
        if kinds:
            changes.append(((plank.position, 1), PlankChange(plank.key, tuple(kinds), before, plank)))
    for plank in old:
        if plank.key not in new_by_key:
            changes.append(((plank.position, 0), PlankChange(plank.key, ("removed",), plank, None)))
    return [change for _, change in sorted(changes, key=lambda item: item[0])]
