"""Bulk work shared by the loaders: IN lists in chunks, PostgreSQL COPY of a whole DataFrame."""
import io

import pandas as pd

from tracker.extensions import db

IN_CHUNK = 500  # keys per IN (...) list, well under every database's bound-parameter limit


def chunks(values: list, size: int = IN_CHUNK):
    """Successive slices of at most ``size`` values (for IN lists)."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def copy_frame(table, records: pd.DataFrame) -> None:
    """Load ``records`` into ``table`` with COPY (PostgreSQL only), inside the session's transaction.

    The CSV text is built by pandas, not row by row in Python. Empty fields of NOT NULL text
    columns load as empty strings; empty fields elsewhere load as NULL.
    """
    from psycopg import sql

    columns = list(records.columns)
    buffer = io.StringIO()
    records.to_csv(buffer, header=False, index=False)
    not_null = [c.name for c in table.columns if c.name in columns and not c.nullable and c.name != "id"]
    options = sql.SQL("FORMAT csv")
    if not_null:
        options = sql.SQL("FORMAT csv, FORCE_NOT_NULL ({})").format(sql.SQL(", ").join(map(sql.Identifier, not_null)))
    statement = sql.SQL("COPY {} ({}) FROM STDIN WITH ({})").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns)), options)
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        with cursor.copy(statement) as copy:
            copy.write(buffer.getvalue())
