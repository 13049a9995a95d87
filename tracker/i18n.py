"""Languages: which one a visitor reads (their choice, remembered in a cookie, else their browser's),
and money and dates written the way that language writes them. Messages are marked with gettext
(`_()` in Python, `{{ _("...") }}` or `{% trans %}` in templates); the catalogues live in
tracker/translations (see README, "Languages")."""
from datetime import date, datetime

import copy

from babel import Locale
from babel.numbers import format_currency
from flask import request
from flask_babel import Babel, format_date, format_time, get_locale, gettext, refresh

LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "lang"

babel = Babel()


def select_language() -> str:
    """The visitor's chosen language, else the best match for their browser's, else English."""
    try:
        chosen = request.cookies.get(LANGUAGE_COOKIE)
    except RuntimeError:  # outside a request (commands, workers): the default, or force_locale's
        return DEFAULT_LANGUAGE
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES), DEFAULT_LANGUAGE)


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else DEFAULT_LANGUAGE


def money(cents, with_cents: bool = True) -> str:
    """An amount in cents as this language writes dollars: $1,234.50 in English, 1234,50 US$ in Spanish."""
    if cents is None:
        return ""
    locale = get_locale() or Locale.parse(DEFAULT_LANGUAGE)
    if with_cents:
        return format_currency(cents / 100, "USD", locale=locale)
    # Whole dollars in the language's own pattern (symbol before or after, its separators).
    pattern = copy.copy(locale.currency_formats["standard"])
    pattern.frac_prec = (0, 0)
    return pattern.apply(round(cents / 100), locale, currency="USD", currency_digits=False)


def dollars(amount, with_cents: bool = True) -> str:
    """An amount in dollars, as money() writes cents."""
    return "" if amount is None else money(round(amount * 100), with_cents)


def day(value, form: str = "medium") -> str:
    """A date (and time, to the minute) as this language writes it: Mar 3, 2026 / 3 mar 2026."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{format_date(value, form)}, {format_time(value, 'short')}"
    if isinstance(value, date):
        return format_date(value, form)
    return str(value)


def role_name(role: str) -> str:
    """A member's role in the reader's language (the stored value stays English)."""
    return {"member": gettext("member"), "committee": gettext("committee"), "admin": gettext("admin")}.get(role, role)


def init_app(app) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")  # relative to tracker/
    babel.init_app(app, locale_selector=select_language)
    # {% trans %} blocks are written across lines; trimmed keeps their message ids one-spaced.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["dollars"] = dollars
    app.jinja_env.filters["day"] = day
    app.jinja_env.globals["role_name"] = role_name
    # Flask-Babel keeps the chosen locale on the app context, which outlives one request when a
    # context is already pushed (tests, commands serving several requests): choose per request.
    app.before_request(refresh)

    @app.context_processor
    def languages():
        return {"languages": LANGUAGES, "current_language": current_language()}
