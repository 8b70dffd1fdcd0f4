from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booking.money import amount_text, currency_choices, fits_currency, is_supported_currency, minor_units


def test_currencies_are_todays_legal_tender_with_at_most_two_decimals():
    codes = {code for code, _ in currency_choices()}
    assert {"EUR", "USD", "GBP", "JPY", "CHF"} <= codes
    assert "DEM" not in codes  # historical
    assert "XAU" not in codes  # gold
    assert "KWD" not in codes  # three decimals: not offered yet
    assert is_supported_currency("EUR")
    assert not is_supported_currency("EURO")


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [("8.5", "EUR", "8.50"), ("8", "EUR", "8.00"), ("1500", "JPY", "1500"), ("0.1", "USD", "0.10")],
)
def test_amounts_go_on_the_wire_in_the_currencys_own_decimals(amount, currency, text):
    assert amount_text(Decimal(amount), currency) == text


def test_an_amount_finer_than_the_minor_unit_does_not_fit():
    assert fits_currency(Decimal("8.50"), "EUR")
    assert not fits_currency(Decimal("8.505"), "EUR")
    assert fits_currency(Decimal("1500"), "JPY")
    assert not fits_currency(Decimal("1500.5"), "JPY")


@given(minor=st.integers(min_value=0, max_value=10**9), currency=st.sampled_from(["EUR", "JPY", "USD", "CHF"]))
def test_whole_minor_units_fit_and_round_trip_through_their_text(minor, currency):
    amount = Decimal(minor).scaleb(-minor_units(currency))
    assert fits_currency(amount, currency)
    assert Decimal(amount_text(amount, currency)) == amount
