#!/bin/bash
# Wait for the database, bring its schema up to date (one replica at a time),
# then run the command (gunicorn by default) in place of this script.
set -o errexit -o nounset -o pipefail

python manage.py wait_for_db --timeout "${DATABASE_WAIT_TIMEOUT:-60}"
python manage.py migrate_with_lock
exec "$@"
