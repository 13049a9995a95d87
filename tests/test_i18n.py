"""Languages: every message marked in the code and templates has a Spanish translation, the compiled
catalogue is the one the .po file gives, a visitor's choice is remembered, and money and dates are
written per language."""
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from tracker.i18n import day, money

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "tracker/translations/es/LC_MESSAGES"


def _extracted() -> set:
    with (ROOT / "tracker/translations/babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}
    found = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _spanish():
    with (CATALOGUE / "messages.po").open("rb") as handle:
        return read_po(handle, locale="es")


def test_every_message_has_a_spanish_translation():
    extracted = _extracted()
    assert len(extracted) > 10  # the extraction itself works (templates and code are scanned)
    catalog = _spanish()
    untranslated = []
    for msgid in sorted(extracted):
        message = catalog.get(msgid)
        if message is None:
            # a plural message is keyed by its singular
            message = next((m for m in catalog if isinstance(m.id, tuple) and m.id[0] == msgid), None)
        strings = message.string if message is not None and isinstance(message.string, tuple) else \
            (message.string,) if message is not None else ("",)
        if message is None or not all(strings) or message.fuzzy:
            untranslated.append(msgid)
    assert not untranslated, (f"{len(untranslated)} messages have no Spanish translation (run `make translations` "
                              f"and translate them in {CATALOGUE / 'messages.po'}): {untranslated[:20]}")


def test_the_compiled_catalogue_is_the_po_file():
    catalog = _spanish()
    compiled = BytesIO()
    write_mo(compiled, catalog)
    with (CATALOGUE / "messages.mo").open("rb") as handle:
        shipped = read_mo(handle)
    expected = _messages(read_mo(BytesIO(compiled.getvalue())))
    assert _messages(shipped) == expected, "run `make translations` to compile messages.mo"


def _messages(catalog) -> dict:
    """msgid -> translation; a plural's ids and forms (lists in a read .mo) as tuples."""
    def frozen(value):
        return tuple(value) if isinstance(value, list) else value
    return {frozen(m.id): frozen(m.string) for m in catalog if m.id}


def test_a_visitor_chooses_spanish_and_it_is_remembered(client, org):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and ">Program</a>" in page

    response = client.get("/language/es?next=/scorecards/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/scorecards/")
    cookie = response.headers["Set-Cookie"]
    assert "lang=es" in cookie and "SameSite=Lax" in cookie and "Max-Age=31536000" in cookie

    page = client.get("/").get_data(as_text=True)
    assert '<html lang="es">' in page and ">Programa</a>" in page and ">Program</a>" not in page
    assert 'href="/language/en?next=/"' in page  # the way back

    client.get("/language/en")
    assert ">Program</a>" in client.get("/").get_data(as_text=True)


def test_the_browser_language_is_the_default_and_a_choice_overrides_it(client, org):
    assert ">Programa</a>" in client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(as_text=True)
    assert ">Program</a>" in client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    client.get("/language/en")
    assert ">Program</a>" in client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "javascript:alert(1)"])
def test_the_language_link_never_leaves_the_site(client, org, target):
    response = client.get("/language/es", query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] in ("/", "http://tracker.test/")


def test_an_unknown_language_is_not_found(client, org):
    assert client.get("/language/fr").status_code == 404


@pytest.mark.parametrize("language, amount, whole, negative, on_day, at_time", [
    ("en", "$1,234.50", "$1,234", "-$5.00", "Mar 3, 2026", "Mar 3, 2026, 2:05\u202fPM"),
    ("es", "1.234,50\xa0US$", "1.234\xa0US$", "-5,00\xa0US$", "3 mar 2026", "3 mar 2026, 14:05"),
])
def test_money_and_dates_are_written_per_language(app, language, amount, whole, negative, on_day, at_time):
    with app.test_request_context(headers={"Accept-Language": language}):
        assert money(123450) == amount
        assert money(123450, with_cents=False) == whole
        assert money(-500) == negative
        assert day(date(2026, 3, 3)) == on_day
        assert day(datetime(2026, 3, 3, 14, 5)) == at_time
        assert money(None) == "" and day(None) == ""
