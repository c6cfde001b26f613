"""Keyset reads in SQLAlchemy: a list ordered by (sort key, id), read from a position on in
either direction."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from app.core.pagination import Position

Query = TypeVar("Query", bound=Select[*tuple[Any, ...]])


def keyset_slice(
    query: Query,
    sort_key: InstrumentedAttribute[Any],
    id_column: InstrumentedAttribute[Any],
    *,
    after: Position | None,
    limit: int | None,
    descending: bool,
    reverse: bool = False,
) -> Query:
    """Up to `limit` rows (None: all) after `after` in the list's order, by (sort key, id),
    descending or not; with `reverse`, the rows before `after`, in the opposite order (the same
    index read backwards)."""
    read_descending = descending != reverse
    if after is not None:
        place, bound = tuple_(sort_key, id_column), tuple_(after.sort_key, after.id)
        query = query.where(place < bound if read_descending else place > bound)
    if read_descending:
        return query.order_by(sort_key.desc(), id_column.desc()).limit(limit)
    return query.order_by(sort_key, id_column).limit(limit)
