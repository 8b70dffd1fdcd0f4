"""Container health check: exit 0 when GET /api/health/ on this container answers 200.

Sends a Host from ALLOWED_HOSTS (so a production host list without 127.0.0.1 still passes) and
`X-Forwarded-Proto: https` (so HTTPS=true's SSL redirect does not turn the probe into a 301).
Standard library only: the slim image has no curl.
"""

import os
import sys
import urllib.request


def probe_host() -> str:
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and "*" not in host:
            return host
    return "localhost"


def main() -> int:
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/api/health/"
    request = urllib.request.Request(url, headers={"Host": probe_host(), "X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except Exception as exc:  # 503 (database down), refused, timeout: all mean unhealthy
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
