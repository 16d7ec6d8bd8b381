"""`field__any_of=[…]`: membership in a literal list, sent to PostgreSQL as one array (a parameter, or a literal).

`field__in=[…]` writes one placeholder per value: for the 240 people below a company head that is 240 parameters
that Django compiles and psycopg splits and quotes, in each of a list page's three or four queries (about 1 ms a
query at 300,000 opportunities, more than the query itself). `field = ANY(%s::bigint[])` is the plan PostgreSQL
makes of an IN list anyway (the same index scans and estimates), with one parameter. Elsewhere (SQLite, the
embedded default) it is the plain IN.

A list of nine or more whole numbers (a manager's subtree, a page's ids) is written into the statement as an
array literal rather than sent as a parameter. PostgreSQL looks a value up in a literal array of that size through
a hash table, but walks a parameter array value by value, unpacking it again for every row; and a prepared
statement (settings.DATABASE_PREPARE_THRESHOLD) plans with parameters unknown. The company head's tender card
checked 372 tenders against the 265 owners that way: 2 ms more a request. The numbers are written by `int`, so
nothing else can reach the text.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models.lookups import In

# From this many values PostgreSQL hashes a literal array (MIN_ARRAY_SIZE_FOR_HASHED_SAOP in its executor).
LITERAL_ARRAY_FROM = 9


class AnyOf(models.Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [value for value in self.rhs if value is not None]

    def as_sql(self, compiler, connection):
        return In(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet  # as IN () does: the condition matches nothing
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if len(self.rhs) == 1:
            # PostgreSQL makes an equality of a one-value IN list, not of a one-value array: an account manager's
            # "primary_owner_id = 6" walks the (owner, close date) index in order, "= ANY('{6}')" does not.
            return f"{lhs} = %s", [*lhs_params, self.rhs[0]]
        array_type = self.lhs.output_field.cast_db_type(connection)
        values = list(self.rhs)
        if len(values) >= LITERAL_ARRAY_FROM and all(type(value) is int for value in values):
            literal = ",".join(str(int(value)) for value in values)
            return f"{lhs} = ANY('{{{literal}}}'::{array_type}[])", [*lhs_params]
        return f"{lhs} = ANY(%s::{array_type}[])", [*lhs_params, values]


# On every field; relations keep lookups of their own (ForeignObject.get_class_lookups), so on them as well.
models.Field.register_lookup(AnyOf)
models.ForeignObject.register_lookup(AnyOf)
