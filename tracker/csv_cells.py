"""CSV cells safe to open in a spreadsheet: every CSV the tracker writes (exports, downloads, import
error reports) passes its text cells through ``neutralize``."""

FORMULA_STARTS = ("=", "+", "-", "@")


def neutralize(value):
    """Text starting with = + - @ gets a leading ' (a spreadsheet would run it as a formula); other
    values, numbers included (a refund's -250.00 is a number), are returned as they are."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def cell_text(value) -> str:
    """A cell as neutralized text ("" for None)."""
    return "" if value is None else str(neutralize(value))
