"""The method page: METHOD.md (the scoring and money rules), rendered once per process.

The project keeps its own copy in tracker/docs/METHOD.md, so the page shows the method this
version of the code follows; update the copy together with scoring.py or money.py."""
import re
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt

METHOD_PATH = Path(__file__).resolve().parent.parent / "docs" / "METHOD.md"


def heading_id(text: str) -> str:
    """A heading's anchor, as GitHub makes it: "6.2 Vote score (default formula)" -> "62-vote-score-default-formula"."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


@lru_cache(maxsize=1)
def method_html() -> str:
    """METHOD.md as HTML: raw HTML in the file is not interpreted; every heading gets its anchor."""
    markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    tokens = markdown.parse(METHOD_PATH.read_text(encoding="utf-8"))
    for opening, inline in zip(tokens, tokens[1:]):
        if opening.type == "heading_open":
            opening.attrSet("id", heading_id(inline.content))
    return markdown.renderer.render(tokens, markdown.options, {})
