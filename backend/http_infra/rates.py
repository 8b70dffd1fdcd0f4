"""Rate strings ("120/min") and the THROTTLE_RATES setting's text ("hold=120/min,login=10/min").
Free of Django imports, so settings.py can check THROTTLE_RATES when the process starts."""

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """ "120/min" -> (120, 60); "10/5min" -> (10, 300); None or "" -> None (no limit)."""
    if not rate:
        return None
    num, _, period = str(rate).strip().partition("/")
    period = period.strip().lower()
    digits = "".join(ch for ch in period if ch.isdigit())
    unit = period[len(digits) :][:1]
    if unit not in _PERIODS or not num.strip().isdigit():
        raise ValueError(f"Bad throttle rate {rate!r}: expected e.g. '120/min', '10/s', '1000/day'.")
    return int(num), int(digits or 1) * _PERIODS[unit]


def parse_rates(text: str) -> dict[str, str]:
    """ "hold=120/min,login=10/min" -> {"hold": "120/min", "login": "10/min"} (each rate checked)."""
    rates = {}
    for item in text.split(","):
        if not item.strip():
            continue
        scope, sep, rate = item.partition("=")
        if not sep:
            raise ValueError(f"Bad THROTTLE_RATES item {item!r}: expected scope=N/period.")
        parse_rate(rate)
        rates[scope.strip()] = rate.strip()
    return rates
