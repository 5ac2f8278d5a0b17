"""One pagination helper for every dashboard list (the macro in dashboard/_pager.html)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select

from ..extensions import db


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.total, self.number * self.per_page)


def page_number(raw: str | None) -> int:
    """Read a ?page= value; anything odd means the first page rather than an error."""
    if raw and raw.isdigit() and 0 < len(raw) < 7:
        return max(1, int(raw))
    return 1


def paginate(query: Select, raw_page: str | None, per_page: int) -> Page:
    """Run `query` for one page; a page past the end shows the last page."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    number = min(page_number(raw_page), max(1, -(-total // per_page)))
    items = db.session.scalars(query.limit(per_page).offset((number - 1) * per_page)).all()
    return Page(list(items), number, per_page, int(total or 0))
