"""The full-text index of work orders (see workorders/search.py), filled for existing orders.

Not a model: an FTS5 virtual table on SQLite and a tsvector table with a GIN index on
PostgreSQL, written by search.write_index. No foreign key on PostgreSQL: test flushes TRUNCATE
the orders without CASCADE, and a leftover row is harmless (a match is joined to the orders and
a reused id rewrites its row)."""

from django.db import migrations

CREATE = {
    "sqlite": [
        # A regular (not contentless) FTS5 table: SQLite 3.40 cannot delete from a contentless
        # one without the old text, and an order's entry is rewritten on every action.
        "CREATE VIRTUAL TABLE workorders_search USING fts5(words, fragments, tokenize = 'unicode61')",
    ],
    "postgresql": [
        "CREATE TABLE workorders_search (order_id bigint PRIMARY KEY, terms tsvector NOT NULL)",
        "CREATE INDEX workorders_search_terms ON workorders_search USING gin (terms)",
    ],
}


def create_index(apps, schema_editor):
    for statement in CREATE[schema_editor.connection.vendor]:
        schema_editor.execute(statement)
    fill_index(apps, schema_editor)


def fill_index(apps, schema_editor):
    """Orders recorded before this migration get the index entries new ones get from the services."""
    from frontdesk.workorders.search import fill_index as fill

    fill(apps.get_model("workorders", "WorkOrder"))


def drop_index(apps, schema_editor):
    schema_editor.execute("DROP TABLE workorders_search")


class Migration(migrations.Migration):

    dependencies = [
        ("workorders", "0002_search_text_and_attachments"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
