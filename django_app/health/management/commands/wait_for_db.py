import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection


class Command(BaseCommand):
    help = "Wait until the database accepts a connection and runs a query."

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout", type=float, default=60.0, help="seconds to wait before giving up (default 60)"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between attempts (default 1)"
        )

    def handle(self, *args, timeout, interval, **options):
        settings = connection.settings_dict
        target = f"{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
        deadline = time.monotonic() + timeout
        attempt = 0
        while True:
            attempt += 1
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
                self.stdout.write(f"Database {target} is ready (attempt {attempt}).")
                return
            except DatabaseError as error:
                connection.close()
                if time.monotonic() >= deadline:
                    raise CommandError(
                        f"Database {target} did not respond within {timeout:.0f} s; last error: {error}"
                    ) from error
                self.stdout.write(f"Waiting for database {target} (attempt {attempt}): {error}")
                time.sleep(interval)
