"""The frontend's API types are generated from this backend's OpenAPI schema, and both are committed:

    frontend/openapi.json              what `manage.py spectacular` builds from the views' declarations
    frontend/src/types/openapi.gen.ts  what the pinned openapi-typescript makes of that file

These tests fail when either is stale, e.g. after a change to a response declaration in
booking/api/schema.py. The fix is to regenerate both and commit them: `make api-types`
(scripts/gen_api_types.sh). They need the frontend's node_modules (`make test` installs them) and fail,
rather than skip, without them.
"""

import difflib
import json
import shlex
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

REPO = Path(__file__).resolve().parents[4]
FRONTEND = REPO / "frontend"
SCHEMA_FILE = FRONTEND / "openapi.json"
TYPES_FILE = FRONTEND / "src" / "types" / "openapi.gen.ts"
REGENERATE = "Run `make api-types` (scripts/gen_api_types.sh) and commit frontend/openapi.json and {ts}."


def _stale(what: str, committed: str, fresh: str, committed_name: str) -> str:
    lines = committed.splitlines(), fresh.splitlines()
    diff = list(difflib.unified_diff(*lines, committed_name, "generated now", lineterm=""))
    shown = "\n".join(diff[:80]) + (f"\n... ({len(diff) - 80} more diff lines)" if len(diff) > 80 else "")
    return f"{what}\n{REGENERATE.format(ts=TYPES_FILE.relative_to(REPO))}\n\n{shown}"


def _normalised(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False)


def test_committed_openapi_schema_is_current(settings, tmp_path):
    # The schema spells out MAX_SEATS_PER_HOLD (seat_ids' maxItems): it is committed with the default.
    from config.settings import env

    settings.MAX_SEATS_PER_HOLD = env.scheme["MAX_SEATS_PER_HOLD"][1]
    fresh_file = tmp_path / "openapi.json"
    call_command("spectacular", format="openapi-json", file=str(fresh_file))

    fresh = _normalised(json.loads(fresh_file.read_text()))
    committed = _normalised(json.loads(SCHEMA_FILE.read_text())) if SCHEMA_FILE.exists() else ""
    if committed != fresh:
        what = "frontend/openapi.json is not the schema the backend declares now."
        pytest.fail(_stale(what, committed, fresh, "frontend/openapi.json"), pytrace=False)


def test_committed_typescript_types_match_the_committed_schema(tmp_path):
    """The generated TypeScript is what `npm run types` (the pinned openapi-typescript) makes of openapi.json.

    With the test above, the committed types are those of the backend's current schema."""
    command = shlex.split(json.loads((FRONTEND / "package.json").read_text())["scripts"]["types"])
    assert command[0] == "openapi-typescript", f"unexpected `types` script: {command}"
    assert "-o" in command, f"the `types` script names no output file: {command}"
    binary = FRONTEND / "node_modules" / ".bin" / "openapi-typescript"
    if not binary.exists():
        pytest.fail(f"{binary} is missing: install the frontend's packages (cd frontend && npm ci, or make test).")
    fresh_file = tmp_path / "openapi.gen.ts"
    command[0] = str(binary)
    command[command.index("-o") + 1] = str(fresh_file)

    result = subprocess.run(command, cwd=FRONTEND, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"openapi-typescript failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"

    fresh = fresh_file.read_text()
    committed = TYPES_FILE.read_text() if TYPES_FILE.exists() else ""
    name = str(TYPES_FILE.relative_to(REPO))
    if committed != fresh:
        what = f"{name} is not what openapi-typescript makes of openapi.json."
        pytest.fail(_stale(what, committed, fresh, name), pytrace=False)
