"""A batch's ids as one uuid[] value, for `DELETE/UPDATE ... WHERE id = ANY(...)`.

A write whose rows are chosen by a subquery (`id IN (SELECT ... LIMIT n FOR UPDATE)`, or a
join to such a CTE) was planned as a hash of the whole table; one array, computed first,
makes it probe the primary key for each id.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ARRAY, ColumnElement, Subquery, Uuid, any_, cast, func, select
from sqlalchemy.orm import QueryableAttribute


def in_batch(column: QueryableAttribute[uuid.UUID], batch: Subquery) -> ColumnElement[bool]:
    """`column = ANY(<the batch's ids as one array>)`; the batch's only column is the id."""
    [ids] = batch.c
    return column == any_(cast(select(func.array_agg(ids)).scalar_subquery(), ARRAY(Uuid())))
