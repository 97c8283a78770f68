"""Helpers for tests that need a real database failure."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def database_unreachable():
    """Point the default connection at a closed port while the block runs, then reconnect.

    The next query inside the block fails for real, as it would with the
    database server stopped.
    """
    original_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original_port
        connection.connect()
