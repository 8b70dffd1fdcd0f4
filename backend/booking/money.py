"""Money: amounts are `Decimal` in a venue's ISO 4217 currency, never float.

Amounts are stored with two decimal places (AMOUNT_DECIMAL_PLACES), so a venue may sell in any current
ISO 4217 currency whose minor unit is at most a hundredth (EUR, USD, GBP, CHF, JPY, ...); the three-decimal
dinars are not offered yet. An amount may not be finer than its currency's minor unit (no 1.5 yen), and
goes on the wire as a string with exactly the currency's decimals ("8.50", "1500"). Currency data (which
codes exist, their minor units, their symbols) comes from Babel's CLDR tables.
"""

from datetime import date
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.numbers import format_currency, get_currency_name, get_currency_precision, get_territory_currencies

AMOUNT_MAX_DIGITS = 10
AMOUNT_DECIMAL_PLACES = 2


@cache
def _currencies() -> dict[str, str]:
    """Legal tender somewhere today (no historical codes, no funds or metals), with its English name."""
    today = date.today()
    codes = set()
    for territory in Locale("en").territories:
        if len(territory) == 2 and territory.isalpha():  # countries, not regions ("150" is Europe)
            codes.update(get_territory_currencies(territory, start_date=today, tender=True))
    return {
        code: get_currency_name(code, locale="en")
        for code in sorted(codes)
        if get_currency_precision(code) <= AMOUNT_DECIMAL_PLACES
    }


def currency_choices() -> list[tuple[str, str]]:
    """(code, "EUR - Euro") for every currency a venue may sell in."""
    return [(code, f"{code} - {name}") for code, name in _currencies().items()]


def is_supported_currency(code: str) -> bool:
    return code in _currencies()


def minor_units(currency: str) -> int:
    """How many decimals the currency's amounts have (EUR 2, JPY 0)."""
    return get_currency_precision(currency)


def fits_currency(amount: Decimal, currency: str) -> bool:
    """Whether `amount` is a whole number of the currency's minor units (8.50 EUR yes, 8.505 EUR no)."""
    return amount == amount.quantize(Decimal(1).scaleb(-minor_units(currency)))


def amount_text(amount: Decimal, currency: str) -> str:
    """The amount as the API sends it: a string with exactly the currency's decimals ("8.50", "1500")."""
    return str(amount.quantize(Decimal(1).scaleb(-minor_units(currency))))


def display(amount: Decimal, currency: str) -> str:
    """For people (admin): "€8.50"."""
    return format_currency(amount, currency, locale="en")
