"""Bulk work shared by the loaders: IN lists in chunks, PostgreSQL COPY of a whole DataFrame or of a
stream of them, planner statistics kept true inside a long import."""
import io
import queue
import threading

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

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
    payload = _csv_bytes(records)
    with _driver_connection().cursor() as cursor:
        with cursor.copy(_copy_statement(table, list(records.columns))) as copy:
            copy.write(payload)


def _copy_statement(table, columns: list[str]):
    from psycopg import sql

    not_null = [c.name for c in table.columns if c.name in columns and not c.nullable and c.name != "id"]
    options = sql.SQL("FORMAT csv")
    if not_null:
        options = sql.SQL("FORMAT csv, FORCE_NOT_NULL ({})").format(sql.SQL(", ").join(map(sql.Identifier, not_null)))
    return sql.SQL("COPY {} ({}) FROM STDIN WITH ({})").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns)), options)


def _driver_connection():
    """The psycopg connection under the session's transaction."""
    return db.session.connection().connection.driver_connection


class CopyStream:
    """One COPY into ``table`` kept open across batches, fed by a writer thread (PostgreSQL).

    With one COPY per batch, Python and the server took turns: the server inserted a batch while
    Python waited, then Python parsed the next while the server idled. Streamed, the server inserts
    one window of rows while Python prepares the next (two processes, two CPUs). The writer thread
    also does the window's Arrow work (reordering, CSV), which runs without the GIL. At most
    ``QUEUED`` windows wait for it, so memory stays bounded when Python is the faster side.

    While open, the stream owns the session's connection: call ``close()`` before any other
    statement on it (close raises the server's error if a row was refused), ``abort()`` on failure.
    """

    QUEUED = 1
    CSV_ROWS = 20_000  # rows per CSV payload sent to the server

    def __init__(self, table):
        self.table = table
        self.columns: list[str] | None = None
        self._copy_context = None
        self._copy = None
        self._cursor = None
        self._windows: queue.Queue = queue.Queue(maxsize=self.QUEUED)
        self._writer: threading.Thread | None = None
        self._writer_error: BaseException | None = None

    @property
    def is_open(self) -> bool:
        return self._copy is not None

    def write(self, records: pa.Table, order=None) -> None:
        """Queue ``records`` (in ``order``, row positions, when given) for the server."""
        columns = list(records.column_names)
        if self.is_open and columns != self.columns:
            self.close()
        if not self.is_open:
            self._open(columns)
        if self._writer_error is not None:  # the server refused something: stop feeding it
            error = self._writer_error
            self.abort(error)
            raise error
        self._windows.put((records, order))

    def close(self) -> None:
        """Send what is queued, end the COPY and wait for the server to confirm every row."""
        if not self.is_open:
            return
        self._stop_writer()
        if self._writer_error is not None:
            error, self._writer_error = self._writer_error, None
            self._end(error)
            raise error
        self._end(None)

    def abort(self, error: BaseException | None = None) -> None:
        """End an open COPY without its rows (the server discards them), so the connection can roll back."""
        if not self.is_open:
            return
        self._stop_writer()
        self._writer_error = None
        try:
            self._end(error or RuntimeError("import abandoned"))
        except Exception:  # the server's report of the failed COPY: the transaction is rolled back anyway
            pass

    def _end(self, error: BaseException | None) -> None:
        copy_context, self._copy_context, self._copy = self._copy_context, None, None
        try:
            copy_context.__exit__(type(error) if error else None, error, None)
        finally:
            self._cursor.close()

    def _open(self, columns: list[str]) -> None:
        self.columns = columns
        self._cursor = _driver_connection().cursor()
        self._copy_context = self._cursor.copy(_copy_statement(self.table, columns))
        self._copy = self._copy_context.__enter__()
        self._writer_error = None
        self._writer = threading.Thread(target=self._send, name=f"copy-{self.table.name}", daemon=True)
        self._writer.start()

    def _send(self) -> None:
        try:
            while (item := self._windows.get()) is not None:
                records, order = item
                if order is not None:
                    records = records.take(order)
                for start in range(0, records.num_rows, self.CSV_ROWS):
                    self._copy.write(_table_csv_bytes(records.slice(start, self.CSV_ROWS)))  # waits on the socket without the GIL
        except BaseException as error:  # handed to the main thread at its next write or close
            self._writer_error = error
            while self._windows.get() is not None:  # keep draining, or write() would block forever
                pass

    def _stop_writer(self) -> None:
        self._windows.put(None)
        self._writer.join()
        self._writer = None


def _csv_bytes(records: pd.DataFrame) -> bytes:
    """The frame as headerless CSV for COPY: written by pyarrow (several times faster than pandas'
    to_csv), or by pandas when a column is not one pyarrow can type. Missing values are unquoted
    empty fields (NULL); empty strings are quoted ("")."""
    try:
        # One thread: converting Python strings holds the GIL, more threads only contend for it.
        return _table_csv_bytes(pa.Table.from_pandas(records, preserve_index=False, nthreads=1))
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return records.to_csv(header=False, index=False).encode("utf-8")


def _table_csv_bytes(records: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pacsv.write_csv(records, buffer, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    return buffer.getvalue()


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
        connection.exec_driver_sql(f"ANALYZE {connection.dialect.identifier_preparer.quote(self.table.name)}")
        self.rows_at_analysis += self.added
        self.added = 0
        return True
