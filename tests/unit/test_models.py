"""Properties every model must have."""

from __future__ import annotations

from volunteers.extensions import db
from volunteers.models import Retention


def test_every_table_states_how_long_its_rows_are_kept():
    mappers = list(db.Model.registry.mappers)
    assert len(mappers) >= 12
    for mapper in mappers:
        model = mapper.class_
        assert isinstance(getattr(model, "__retention__", None), Retention), model.__name__


def test_every_datetime_column_is_utc_aware():
    from sqlalchemy import DateTime

    from volunteers.db_types import UTCDateTime

    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, DateTime):
                raise AssertionError(f"{table.name}.{column.name} is a plain DateTime: use UTCDateTime")
            if isinstance(column.type, UTCDateTime):
                assert column.type.impl.timezone is True
