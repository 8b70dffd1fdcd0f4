#!/bin/sh
# Boxoffice container entrypoint: migrate first when asked to, then run the command (gunicorn by default).
#
#   RUN_MIGRATIONS=1        run `manage.py migrate --noinput` before the command. Set it on ONE service
#                           only (compose: `app`); the sweeper and the scale replicas never migrate.
#   MIGRATE_DATABASE_URL    where to migrate, when it must not be DATABASE_URL (e.g. straight to
#                           PostgreSQL while the app itself goes through PgBouncer).
#   SEED_DEMO=1             also load the demo data (demo/admin accounts with KNOWN passwords: never
#                           in production).
set -eu
cd /app/backend

case "${RUN_MIGRATIONS:-0}" in
  1 | true | yes | on)
    echo "[entrypoint] manage.py migrate --noinput" >&2
    DATABASE_URL="${MIGRATE_DATABASE_URL:-$DATABASE_URL}" python manage.py migrate --noinput
    ;;
esac

case "${SEED_DEMO:-0}" in
  1 | true | yes | on)
    echo "[entrypoint] manage.py seed_demo" >&2
    python manage.py seed_demo
    ;;
esac

exec "$@"
