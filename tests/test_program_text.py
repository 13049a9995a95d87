"""The program's text (pure): canonical form, printed line numbers, word diffs, version diffs."""
import hashlib

import pytest

from tracker import program_text
from tracker.program_text import PlankText


def plank(key, position, title="T", body="B", category="Housing", tier="minimum"):
    return PlankText(key, position, title, category, tier, body)


def test_canonical_text_is_the_documented_format():
    text = program_text.canonical_text(3, " We belong here. ", [plank("b", 2, "Second", "Two.", "Labor", "maximum"),
                                                               plank("a", 1, "First", "One.\nStill one.")])
    assert text == ("Program version 3\n\nWe belong here.\n\n1. First [Housing; minimum]\nOne.\nStill one.\n\n"
                    "2. Second [Labor; maximum]\nTwo.\n")
    assert program_text.sha256_hex(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert program_text.canonical_text(1, None, []) == "Program version 1\n"


def test_normalize_keeps_line_feeds_only_and_trims_line_ends():
    assert program_text.normalize("\r\n  a  \r\nb\t\r\n\r\n") == "  a\nb"
    assert program_text.normalize(None) == ""


def test_numbered_lines_wrap_each_paragraph_at_the_printed_width():
    body = "word " * 30 + "\n\nSecond paragraph."
    lines = program_text.numbered_lines(body, width=40)
    assert all(len(line) <= 40 for line in lines)
    assert lines[-2:] == ["", "Second paragraph."]
    assert " ".join(l for l in lines[:-2] if l) == ("word " * 30).strip()


def test_replace_lines_rejoins_the_paragraph():
    body = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu"
    lines = program_text.numbered_lines(body, width=20)
    assert lines == ["alpha beta gamma", "delta epsilon zeta", "eta theta iota kappa", "lambda mu"]
    assert program_text.replace_lines(body, 2, 3, "NEW WORDS", width=20) == "alpha beta gamma NEW WORDS lambda mu"
    with pytest.raises(ValueError, match="not in this plank, which has 4 lines"):
        program_text.replace_lines(body, 3, 5, "x", width=20)


def test_replace_lines_keeps_other_paragraphs_and_drops_an_emptied_one():
    body = "one\n\ntwo\nthree"
    assert program_text.replace_lines(body, 3, 3, "TWO") == "one\n\nTWO\nthree"
    assert program_text.replace_lines(body, 3, 3, "") == "one\n\nthree"


def test_word_diff_marks_inserted_and_deleted_words():
    assert program_text.word_diff("a $25 wage", "a $30 wage now") == [
        ("equal", "a "), ("delete", "$25"), ("insert", "$30"), ("equal", " wage"), ("insert", " now")]


def test_version_diff_finds_added_removed_changed_and_moved_planks_by_key():
    old = [plank("a", 1), plank("b", 2), plank("c", 3), plank("d", 4)]
    new = [plank("b", 1), plank("c", 2, body="C2"), plank("a", 3), plank("e", 4)]
    kinds = {change.key: change.kinds for change in program_text.version_diff(old, new)}
    assert kinds == {"a": ("moved",), "e": ("added",), "d": ("removed",), "c": ("changed",)}


def test_a_plank_is_not_moved_because_one_before_it_went():
    old = [plank("a", 1), plank("b", 2), plank("c", 3)]
    new = [plank("b", 1), plank("c", 2, category="Labor")]
    kinds = {change.key: change.kinds for change in program_text.version_diff(old, new)}
    assert kinds == {"a": ("removed",), "c": ("moved",)}  # c changed category; b only shifted up
