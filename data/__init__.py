"""The helpdesk's store and domain: models, calendar, ticket operations, mail.

Nothing in this package imports Textual: the CLI and the TUI both call it.

peewee imports every database driver it finds as it is imported itself, and psycopg (the
PostgreSQL driver) takes 40-150 ms to import: every command would pay for it, on SQLite too.
So the import of psycopg that peewee (and playhouse's PostgreSQL module) attempts while being
imported is refused here (they then record "no psycopg"), and data/store/database.py imports the driver itself when a
PostgreSQL store is opened (``Psycopg3``: peewee's adapter given the driver it imported).
"""

import sys


# The modules that import psycopg, if they find it, as they are imported: peewee itself, and
# playhouse's PostgreSQL extensions (which playhouse.migrate brings, for data/store/migrations.py).
EAGER_IMPORTERS = ("peewee", "playhouse.postgres_ext")


def _peewee_importing() -> bool:
    for name in EAGER_IMPORTERS:
        spec = getattr(sys.modules.get(name), "__spec__", None)
        if getattr(spec, "_initializing", False):
            return True
    return False


class _NoDriverForPeewee:
    """A meta path finder that refuses ``psycopg`` to peewee's own import (see above)."""

    def find_spec(self, name, path=None, target=None):
        if name == "psycopg" and _peewee_importing():
            raise ModuleNotFoundError("psycopg is imported when a PostgreSQL store opens", name=name)
        return None


if not any(type(finder).__name__ == "_NoDriverForPeewee" for finder in sys.meta_path):
    sys.meta_path.insert(0, _NoDriverForPeewee())
