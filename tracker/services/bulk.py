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

    The CSV text is built in bulk (pyarrow), not row by row in Python. Missing values of NOT NULL
    text columns load as empty strings; missing values elsewhere load as NULL.
    """
    from psycopg import sql

    columns = list(records.columns)
    payload = _csv_bytes(records)
    not_null = [c.name for c in table.columns if c.name in columns and not c.nullable and c.name != "id"]
    options = sql.SQL("FORMAT csv")
    if not_null:
        options = sql.SQL("FORMAT csv, FORCE_NOT_NULL ({})").format(sql.SQL(", ").join(map(sql.Identifier, not_null)))
    statement = sql.SQL("COPY {} ({}) FROM STDIN WITH ({})").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns)), options)
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        with cursor.copy(statement) as copy:
            copy.write(payload)


def _csv_bytes(records: pd.DataFrame) -> bytes:
    """The frame as headerless CSV for COPY: written by pyarrow (several times faster than
    pandas' to_csv), or by pandas when a column is not one pyarrow can type. Missing values are
    unquoted empty fields (NULL); empty strings are quoted ("")."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        table = pa.Table.from_pandas(records, preserve_index=False)
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
        return buffer.getvalue()
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return records.to_csv(header=False, index=False).encode("utf-8")


class PlannerStatistics:
    """Keeps PostgreSQL's statistics of ``table`` true while one transaction fills it.

    Autovacuum only analyzes what is committed. Inside a long import the planner still believed the
    table held what it held before (empty: "one row"), and planned a key lookup's IN list as a filter
    over every row inserted so far instead of an index condition: each lookup got slower, and a
    2-million-row import took three times as long as a 1-million-row one. ANALYZE inside the
    transaction counts the transaction's own rows; it runs each time the table has doubled since the
    last one, so a few times per import. SQLite needs none of this (its planner trusts the index).
    """

    MINIMUM_GROWTH = 50_000

    def __init__(self, table, rows_now: int):
        self.table = table
        self.rows_at_analysis = rows_now
        self.added = 0

    def added_rows(self, count: int) -> None:
        self.added += count

    def refresh_if_stale(self) -> bool:
        """ANALYZE the table if it has grown past its last statistics; True when it ran."""
        if self.added < max(self.MINIMUM_GROWTH, self.rows_at_analysis):
            return False
        connection = db.session.connection()
        if connection.dialect.name != "postgresql":
            return False
        connection.exec_driver_sql(f'ANALYZE "{self.table.name}"')  # a model's own table name, not input
        self.rows_at_analysis += self.added
        self.added = 0
        return True
