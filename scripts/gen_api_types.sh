#!/usr/bin/env bash
# Regenerate the frontend's API types from the backend's OpenAPI schema, both committed:
#   frontend/openapi.json              manage.py spectacular (the schema /api/schema/ serves)
#   frontend/src/types/openapi.gen.ts  `npm run types`: the pinned openapi-typescript on that file
# backend/booking/tests/api/test_frontend_types.py fails until both are current. `make api-types` runs this.
#
# The schema needs settings only, no tables: DATABASE_URL and SECRET_KEY come from devstack.py (the
# embedded PostgreSQL when DATABASE_URL is unset). MAX_SEATS_PER_HOLD is unset so that the schema's
# seat_ids maxItems is the default one, whatever this shell exports (the test pins the same default).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${VENV_PYTHON:-$REPO/.venv/bin/python}

cd "$REPO/backend"
env -u MAX_SEATS_PER_HOLD "$PY" "$REPO/scripts/devstack.py" exec -- \
  "$PY" manage.py spectacular --format openapi-json --file "$REPO/frontend/openapi.json"
cd "$REPO/frontend"
npm run --silent types
echo "Regenerated frontend/openapi.json and frontend/src/types/openapi.gen.ts"
