"""A page of a long list of rows (not ORM objects), shaped like Flask-SQLAlchemy's Pagination so the
`pager` macro renders it."""
from dataclasses import dataclass


@dataclass
class RowsPage:
    """One page of a long list: the rows, the page number, the page size and the total."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
