from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

LOCK_NAME = "workshop-migrate"


class Command(BaseCommand):
    help = (
        "Apply migrations while holding a database lock, so that backend replicas "
        "starting together (docker compose up --scale backend=3) migrate one at a time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--lock-timeout", type=int, default=120, help="seconds to wait for the lock (default 120)"
        )

    def handle(self, *args, lock_timeout, **options):
        with connection.cursor() as cursor:
            # GET_LOCK returns 1 when acquired and 0 when the timeout passed;
            # the server releases the lock if this connection drops.
            cursor.execute("SELECT GET_LOCK(%s, %s)", [LOCK_NAME, lock_timeout])
            if cursor.fetchone()[0] != 1:
                raise CommandError(
                    f"Another container held the migration lock {LOCK_NAME!r} for over {lock_timeout} s."
                )
            try:
                call_command("migrate", interactive=False, verbosity=options["verbosity"])
            finally:
                cursor.execute("SELECT RELEASE_LOCK(%s)", [LOCK_NAME])
