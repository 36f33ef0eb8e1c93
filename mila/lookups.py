"""Lookups that keep hostile values away from the database."""

import copy
from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    """``in`` on an integer column leaves out values the column cannot hold.

    Django does this for ``exact``, ``lt``, ``gt`` … (``IntegerFieldOverflow``) but not for
    ``in``: a form or admin action sending ``skills=99999999999999999999999`` reaches SQLite,
    which raises OverflowError (a 500). Such a value matches no row, so leaving it out keeps
    the result; with nothing left the lookup matches nothing (or everything when negated).
    """

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        try:
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
        except KeyError:  # an integer type the backend gives no range for
            return super().as_sql(compiler, connection)
        lookup = copy.copy(self)
        lookup.rhs = [value for value in self.rhs if _fits(value, low, high)]
        return super(IntegerFieldIn, lookup).as_sql(compiler, connection)


def _fits(value: object, low: int | None, high: int | None) -> bool:
    if not isinstance(value, int):
        return True
    return (low is None or value >= low) and (high is None or value <= high)
