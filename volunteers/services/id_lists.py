"""`column IN (ids)` for long lists of ids, bound as one parameter.

SQLAlchemy expands `in_([...])` into one bound parameter per id, which for the thousand
volunteers a ranking loads costs more than the query itself: every id is rendered and bound
anew, and the statement text changes with the list's length, so neither the driver nor the
server can reuse it. Here the list travels as one value: an integer array on PostgreSQL
(`= ANY(:ids)`), a JSON array on SQLite (`IN (SELECT value FROM json_each(:ids))`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import ColumnElement, Integer, SQLColumnExpression, String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY

from ..extensions import db


def among(column: SQLColumnExpression[int], ids: Iterable[int]) -> ColumnElement[bool]:
    values = [int(value) for value in ids]
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(Integer)))
    each = func.json_each(bindparam(None, json.dumps(values), type_=String)).table_valued("value")
    return column.in_(select(each.c.value))
