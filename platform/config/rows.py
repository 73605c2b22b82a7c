"""Rows of hand-written SQL turned into model instances as the ORM makes them.

For statements whose shape never changes on a hot path (the store lookup of every request,
tenants.routing; an add to cart and a cart read, cart.rows): written once as SQL, they skip the
ORM's building and compiling of the query, which took longer than PostgreSQL took to run it.
:class:`Columns` names some fields of a model under a table alias and makes the instance of a
row's slice of them (``Model.from_db``, through each field's database converters).
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model


class Columns:
    """Some concrete fields of a model read under a table alias: their SQL, and the instance
    a row's slice of them makes (deferred fields load on access, as with ``.only()``)."""

    def __init__(self, model: type[Model], names, alias: str):
        wanted = set(names)
        self.model = model
        self.fields = [
            field
            for field in model._meta.concrete_fields
            if field.name in wanted or field.attname in wanted
        ]
        missing = wanted - {f.name for f in self.fields} - {f.attname for f in self.fields}
        if missing:
            raise ValueError(f"{model.__name__} has no column {sorted(missing)}")
        self.attnames = [field.attname for field in self.fields]
        self.sql = ", ".join(f'{alias}."{field.column}"' for field in self.fields)
        self.width = len(self.fields)
        self._pk_index = self.attnames.index(model._meta.pk.attname)
        self._converters = None

    def converters(self):
        # What the ORM's compiler applies to each column (JSON text to Python, ...), worked
        # out once the connection exists.
        if self._converters is None:
            found = []
            for index, field in enumerate(self.fields):
                column = field.get_col(field.model._meta.db_table)
                backend = connection.ops.get_db_converters(column)
                for convert in backend + column.get_db_converters(connection):
                    found.append((index, convert, column))
            self._converters = found
        return self._converters

    def instance(self, row, start: int = 0):
        """The instance of ``row[start:start + width]`` (None when its primary key is null:
        the missing side of an outer join)."""
        values = list(row[start : start + self.width])
        if values[self._pk_index] is None:
            return None
        for index, convert, column in self.converters():
            values[index] = convert(values[index], column, connection)
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, values)
