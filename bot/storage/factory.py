"""Open the session store a ``DATABASE_URL`` names: the one place that knows every backend.

Kept apart from the contract (:mod:`bot.storage.base`) so that the contract imports no backend
and no backend imports this module: the dependency runs one way, factory -> backends -> base.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url

from bot.settings import Settings
from bot.storage.base import SessionStore
from bot.storage.postgres import PgSessionStore
from bot.storage.sqlite import SqliteSessionStore

__all__ = ["open_settings_store", "open_store"]


def open_store(url: str, *, schema: str | None = None, id_secret: bytes | None = None) -> SessionStore:
    """Build a store from a URL; no connection is made until first use.

    A SQLite URL (``sqlite:///x.db``, ``sqlite://`` for memory) gives the embedded
    :class:`~bot.storage.sqlite.SqliteSessionStore`; a PostgreSQL one (``postgresql://`` or
    ``postgres://``, with or without ``+asyncpg``) the :class:`~bot.storage.postgres.PgSessionStore`
    replicas share. ``schema`` places the tables in a PostgreSQL schema. ``id_secret`` keys the
    hashes the store keeps instead of chat and user ids (:mod:`bot.storage.crypto`); every process
    opening one database must use the same (:meth:`bot.settings.Settings.id_secret`).
    """
    sa_url = make_url(url)
    backend = sa_url.get_backend_name()
    if backend == "sqlite":
        if schema is not None:
            raise ValueError("a schema is for PostgreSQL; SQLite keeps one database per file")
        uri = sa_url.query.get("uri") in ("true", "1")
        return SqliteSessionStore(sa_url.database or ":memory:", uri=uri, id_secret=id_secret)
    if backend in ("postgresql", "postgres"):
        return PgSessionStore(sa_url.set(drivername="postgresql").render_as_string(hide_password=False),
                              schema=schema, id_secret=id_secret)
    raise ValueError(f"DATABASE_URL: no session store for {sa_url.drivername!r}; use sqlite:// or postgresql://")


def open_settings_store(settings: Settings) -> SessionStore:
    """The store the settings name, with their id secret: what every channel (and tool) should open."""
    return open_store(settings.store_url(), id_secret=settings.id_secret())
