from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from booking.exceptions import CategoryNotSold, InvalidRequest
from booking.models import Hall, LayoutVersion, SeatCategory, SeatEvent, ShowSeat, ShowtimePrice, TicketType
from booking.selectors.pricing import listed_prices, showtime_prices
from booking.services.holds import hold_seats
from booking.services.pricing import (
    default_category,
    default_ticket_type,
    recategorise_rows,
    recategorise_seats,
    set_showtime_prices,
)
from booking.services.showtimes import generate_seats
from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.factories import HallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def premium(showtime):
    """A second category holding row A of the showtime's hall."""
    category = SeatCategory.objects.create(
        hall=showtime.hall, name="Premium", colour="#aa3377", sort_order=1, default_price=Decimal("14.00")
    )
    recategorise_rows(hall=showtime.hall, rows=["A"], category=category)
    return category


@pytest.fixture
def child():
    return TicketType.objects.create(name="Child", sort_order=1)


def seats_of(showtime, category) -> list[int]:
    return sorted(category.seats.values_list("pk", flat=True))


def test_a_showtime_without_its_own_prices_sells_every_category_at_its_default(showtime, premium):
    standard = default_category(hall=showtime.hall)
    adult = default_ticket_type()

    assert {(p.category_id, p.ticket_type_id, p.amount) for p in showtime_prices(showtime_id=showtime.pk)} == {
        (standard.pk, adult.pk, Decimal("10.00")),
        (premium.pk, adult.pk, Decimal("14.00")),
    }


def test_a_showtime_with_its_own_prices_sells_exactly_those(showtime, premium, child):
    standard = default_category(hall=showtime.hall)
    adult = default_ticket_type()
    set_showtime_prices(
        showtime=showtime, prices={(standard, adult): Decimal("9.50"), (standard, child): Decimal("6.00")}
    )

    assert {(p.category_id, p.ticket_type_id, p.amount) for p in showtime_prices(showtime_id=showtime.pk)} == {
        (standard.pk, adult.pk, Decimal("9.50")),
        (standard.pk, child.pk, Decimal("6.00")),
    }
    assert set(listed_prices(showtime_id=showtime.pk)) == {standard.pk}  # premium is not for sale


def test_the_listed_price_is_the_default_ticket_types_or_else_the_cheapest(showtime, premium, child):
    standard = default_category(hall=showtime.hall)
    adult = default_ticket_type()
    senior = TicketType.objects.create(name="Senior", sort_order=2)
    set_showtime_prices(
        showtime=showtime,
        prices={
            (standard, child): Decimal("6.00"),
            (standard, adult): Decimal("9.50"),
            (premium, senior): Decimal("12.00"),
            (premium, child): Decimal("11.00"),
        },
    )

    listed = listed_prices(showtime_id=showtime.pk)

    assert (listed[standard.pk].ticket_type_id, listed[standard.pk].amount) == (adult.pk, Decimal("9.50"))
    assert (listed[premium.pk].ticket_type_id, listed[premium.pk].amount) == (child.pk, Decimal("11.00"))


def test_a_seat_of_a_category_the_showtime_does_not_sell_cannot_be_held_and_nothing_changes(showtime, premium, user):
    standard = default_category(hall=showtime.hall)
    set_showtime_prices(showtime=showtime, prices={(standard, default_ticket_type()): Decimal("9.50")})
    unsold, sold = seats_of(showtime, premium)[0], seats_of(showtime, standard)[0]
    version = sum(LayoutVersion.objects.filter(showtime=showtime).values_list("version", flat=True))

    with pytest.raises(CategoryNotSold) as refused:
        hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[sold, unsold])

    assert refused.value.seat_ids == [unsold]
    assert not ShowSeat.objects.filter(showtime=showtime).exclude(status="available").exists()
    assert not SeatEvent.objects.filter(showtime=showtime).exists()
    assert sum(LayoutVersion.objects.filter(showtime=showtime).values_list("version", flat=True)) == version
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[sold])  # the sold category still sells


def test_a_new_showtime_sells_at_default_prices_even_where_no_ticket_type_was_left(db, user):
    """Default prices are for the default ticket type: with none, a showtime without its own price list would
    sell nothing (the short path of boxoffice_unsold_seats falls through to the general rule), so
    create_showtime makes sure one exists."""
    TicketType.objects.all().delete()
    showtime = make_showtime()

    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seat_ids_of(showtime)[:1])

    TicketType.objects.all().delete()  # and if the default is gone after all, nothing is for sale
    with pytest.raises(CategoryNotSold):
        hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seat_ids_of(showtime)[1:2])


def test_prices_must_fit_the_venues_currency_and_the_showtimes_hall(showtime):
    standard = default_category(hall=showtime.hall)
    other_hall = default_category(hall=HallFactory())
    adult = default_ticket_type()

    with pytest.raises(InvalidRequest):
        set_showtime_prices(showtime=showtime, prices={(standard, adult): Decimal("9.505")})
    with pytest.raises(InvalidRequest):
        set_showtime_prices(showtime=showtime, prices={(standard, adult): Decimal("-1")})
    with pytest.raises(InvalidRequest):
        set_showtime_prices(showtime=showtime, prices={(other_hall, adult): Decimal("9.50")})
    assert not ShowtimePrice.objects.exists()


def test_the_database_refuses_another_halls_category_for_a_seat_or_a_price(showtime):
    other = default_category(hall=HallFactory())
    seat = showtime.hall.seats.first()

    with pytest.raises(IntegrityError, match="not a category of hall"), transaction.atomic():
        type(seat).objects.filter(pk=seat.pk).update(category=other)
    with pytest.raises(IntegrityError, match="not of the hall of showtime"), transaction.atomic():
        ShowtimePrice.objects.create(showtime=showtime, category=other, ticket_type=default_ticket_type(), amount=1)
    with pytest.raises(IntegrityError, match="cannot move to another hall"), transaction.atomic():
        SeatCategory.objects.filter(pk=default_category(hall=showtime.hall).pk).update(hall=other.hall)


def test_recategorising_seats_moves_the_halls_plan_revision(showtime, premium):
    revision = Hall.objects.get(pk=showtime.hall_id).plan_revision
    standard = default_category(hall=showtime.hall)

    moved = recategorise_seats(hall=showtime.hall, seat_ids=seats_of(showtime, premium), category=standard)

    assert moved == 4
    assert not premium.seats.exists()
    assert Hall.objects.get(pk=showtime.hall_id).plan_revision > revision
    revision = Hall.objects.get(pk=showtime.hall_id).plan_revision
    assert recategorise_seats(hall=showtime.hall, seat_ids=seat_ids_of(showtime), category=standard) == 0
    assert Hall.objects.get(pk=showtime.hall_id).plan_revision == revision  # nothing changed, nothing moved


def test_recategorising_refuses_another_halls_category_or_seats(showtime):
    other_show = make_showtime()
    with pytest.raises(InvalidRequest):
        recategorise_seats(
            hall=showtime.hall, seat_ids=seat_ids_of(showtime), category=default_category(hall=other_show.hall)
        )
    with pytest.raises(InvalidRequest):
        recategorise_seats(
            hall=showtime.hall, seat_ids=seat_ids_of(other_show), category=default_category(hall=showtime.hall)
        )


def test_the_seat_generator_assigns_categories_by_rows(db):
    hall = HallFactory()
    standard = default_category(hall=hall)
    premium = SeatCategory.objects.create(
        hall=hall, name="Premium", colour="#aa3377", sort_order=1, default_price=Decimal("14.00")
    )
    generate_seats(hall=hall, rows=3, seats_per_row=2)

    generate_seats(hall=hall, rows=4, seats_per_row=2, row_categories={"C": premium, "D": premium})

    by_row = dict(hall.seats.values_list("row", "category"))
    assert by_row == {"A": standard.pk, "B": standard.pk, "C": premium.pk, "D": premium.pk}
    with pytest.raises(InvalidRequest):
        generate_seats(hall=hall, rows=2, seats_per_row=2, row_categories={"E": premium})
    with pytest.raises(InvalidRequest):
        generate_seats(hall=hall, rows=2, seats_per_row=2, row_categories={"A": default_category(hall=HallFactory())})


def test_confirming_refuses_a_category_the_showtime_stopped_selling_since_the_hold(showtime, premium, user):
    from booking.services.bookings import confirm_booking

    seat = seats_of(showtime, premium)[0]
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seat])
    standard = default_category(hall=showtime.hall)
    set_showtime_prices(showtime=showtime, prices={(standard, default_ticket_type()): Decimal("9.50")})

    with pytest.raises(CategoryNotSold) as refused:
        confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=[seat])

    assert refused.value.seat_ids == [seat]
    assert ShowSeat.objects.get(showtime=showtime, seat_id=seat).status == "held"
