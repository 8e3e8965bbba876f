"""Small SQL expressions the ORM lacks."""

from django.db.models import F, Func


class Unindexed(Func):
    """A column's value, compared without its index on SQLite (`+column`, SQLite's documented
    way to take a condition out of its index choice); the column itself on PostgreSQL.

    SQLite has no statistics unless ANALYZE is run, and then guesses that an indexed equality
    matches about ten rows: for "department 2 or recorded by me, newest first" it collects a
    quarter of a million orders through two indexes and sorts them (3 s at a million orders),
    where walking the newest orders finds a page in the first few hundred. Used only where the
    walk is bounded (a window of ids or of search matches), so a rare condition cannot make it
    read the whole table."""

    template = "%(expressions)s"

    def __init__(self, column: str):
        super().__init__(F(column))

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra_context)
