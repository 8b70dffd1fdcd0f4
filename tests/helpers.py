"""What the tests of the QA scripts share: a run of loadtest/stress.py --small that must pass."""

import ast
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STRESS = REPO / "loadtest" / "stress.py"
# The scenario list, read from the script itself (a script beside the tests, not an importable package).
SCENARIOS = ast.literal_eval(re.search(r"^SCENARIOS = (\[.*?\])", STRESS.read_text(), re.M | re.S).group(1))


def assert_stress_small_passes(
    *, base_url: str, staff_token: str, server_log: Path, seconds: float, script: Path = STRESS
) -> None:
    """`script --small` against `base_url` (one URL, or several comma-separated) passes every scenario
    within `seconds`; its server-log check reads `server_log`, whose tail a failure shows."""
    started = time.monotonic()
    result = subprocess.run(
        [
            *(sys.executable, str(script), "--small", "--base-url", base_url),
            *("--staff-token", staff_token, "--server-log", str(server_log)),
        ],
        capture_output=True,
        text=True,
        timeout=seconds,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, (
        f"stress run failed:\n{output}\n--- {server_log.name} ---\n{server_log.read_text()[-4000:]}"
    )
    assert f"{len(SCENARIOS)}/{len(SCENARIOS)} scenarios passed" in output
    assert time.monotonic() - started < seconds
