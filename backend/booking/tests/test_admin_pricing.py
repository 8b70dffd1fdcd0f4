"""The admin's pricing pages: venue currency, seat categories, re-categorising seats, ticket types and a
showtime's price list. Every change goes through the pricing services; every refusal is a form error or
an admin message."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from booking.admin import parse_row_spec
from booking.models import Hall, Seat, SeatCategory, ShowSeat, Showtime, ShowtimePrice, TicketType
from booking.selectors.pricing import listed_prices, showtime_prices
from booking.services.pricing import default_category, default_ticket_type, recategorise_rows, set_showtime_prices
from booking.services.showtimes import generate_seats
from booking.tests.conftest import make_showtime
from booking.tests.factories import HallFactory, VenueFactory
from booking.tests.test_admin import _change_form, _inline_formset, _showtime_change_form


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _category(hall, name, *, sort_order=1, price="14.00", colour="#aa3377") -> SeatCategory:
    return SeatCategory.objects.create(
        hall=hall, name=name, colour=colour, sort_order=sort_order, default_price=Decimal(price)
    )


@pytest.fixture
def standard(showtime):
    return default_category(hall=showtime.hall)


@pytest.fixture
def premium(showtime):
    """A second category of the showtime's hall, holding no seats yet."""
    return _category(showtime.hall, "Premium")


@pytest.fixture
def child(db):
    return TicketType.objects.create(name="Child", sort_order=1)


@pytest.fixture
def adult(db):
    return default_ticket_type()


@pytest.fixture
def other_hall_category(db):
    """A category of another hall (with seats), of the same venue currency."""
    hall = HallFactory()
    generate_seats(hall=hall, rows=1, seats_per_row=2)
    return default_category(hall=hall)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _rows_of(hall, category) -> set[str]:
    return set(Seat.objects.filter(hall=hall, category=category).values_list("row", flat=True))


def _prices(showtime) -> set[tuple[int, int, Decimal]]:
    return {(p.category_id, p.ticket_type_id, p.amount) for p in showtime_prices(showtime_id=showtime.pk)}


# --- row specs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "rows"),
    [
        ("A-C, F", ["A", "B", "C", "F"]),
        ("y-ab", ["Y", "Z", "AA", "AB"]),
        (" a , a-b ,", ["A", "B"]),
        ("ZZ", ["ZZ"]),
        ("", []),
    ],
)
def test_parse_row_spec(spec, rows):
    assert parse_row_spec(spec) == rows


@pytest.mark.parametrize("spec", ["A-", "1", "A1", "C-A", "A--C", "A;B", "A-ZZZZ"])
def test_parse_row_spec_refuses_malformed_specs(spec):
    with pytest.raises(ValidationError):
        parse_row_spec(spec)


# --- venues: currency -------------------------------------------------------------------------------


def _venue_form(admin_client, venue, **changes) -> dict:
    return {**_change_form(admin_client.get(reverse("admin:booking_venue_change", args=[venue.pk]))), **changes}


def test_venue_currency_is_listed_and_changes_while_no_showtime_is_upcoming(admin_client, db):
    past = make_showtime(starts_in=-timedelta(hours=3))  # a show that has started: no longer upcoming
    venue = past.hall.venue
    url = reverse("admin:booking_venue_change", args=[venue.pk])

    listing = admin_client.get(reverse("admin:booking_venue_changelist"))
    response = admin_client.post(url, _venue_form(admin_client, venue, currency="USD"))

    assert "EUR" in listing.content.decode()
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    venue.refresh_from_db()
    assert venue.currency == "USD"


def test_changing_the_currency_of_a_venue_with_upcoming_showtimes_is_refused(admin_client, showtime):
    venue = showtime.hall.venue
    url = reverse("admin:booking_venue_change", args=[venue.pk])

    response = admin_client.post(url, _venue_form(admin_client, venue, currency="USD"))

    assert response.status_code == 200
    assert "upcoming showtimes" in str(response.context["adminform"].form.errors["currency"])
    venue.refresh_from_db()
    assert venue.currency == "EUR"


def test_other_venue_changes_are_allowed_with_upcoming_showtimes(admin_client, showtime):
    venue = showtime.hall.venue
    url = reverse("admin:booking_venue_change", args=[venue.pk])

    response = admin_client.post(url, _venue_form(admin_client, venue, name="Renamed"))

    assert response.status_code == 302
    venue.refresh_from_db()
    assert (venue.name, venue.currency) == ("Renamed", "EUR")


@pytest.mark.parametrize(("price", "allowed"), [("10.50", False), ("10.00", True)])
def test_a_currency_the_default_prices_do_not_fit_is_refused(admin_client, db, price, allowed):
    hall = HallFactory()
    _category(hall, "Premium", price=price)

    response = admin_client.post(
        reverse("admin:booking_venue_change", args=[hall.venue_id]),
        _venue_form(admin_client, hall.venue, currency="JPY"),
    )

    hall.venue.refresh_from_db()
    assert (hall.venue.currency == "JPY") is allowed
    if not allowed:
        assert "Premium" in str(response.context["adminform"].form.errors["currency"])


# --- halls: categories and the seat inline ----------------------------------------------------------


def _hall_url(hall) -> str:
    return reverse("admin:booking_hall_change", args=[hall.pk])


def _add_category_form(data: dict, **fields) -> dict:
    index = int(data["categories-TOTAL_FORMS"])
    data = {**data, "categories-TOTAL_FORMS": index + 1}
    data.update({f"categories-{index}-{name}": value for name, value in fields.items()})
    return data


def test_hall_page_edits_categories_with_a_colour_picker(admin_client, showtime, standard):
    response = admin_client.get(_hall_url(showtime.hall))

    categories = _inline_formset(response, SeatCategory)
    assert [form.instance for form in categories.forms] == [standard]
    assert f'type="color" name="categories-0-colour" value="{standard.colour}"' in response.content.decode()


def test_an_untouched_extra_category_row_is_ignored(admin_client, showtime, standard):
    """The colour picker always submits a colour (#000000 when it has none): an "add another" row left
    alone must still count as empty."""
    hall = showtime.hall
    response = admin_client.get(_hall_url(hall))
    empty = _inline_formset(response, SeatCategory).empty_form
    data = _add_category_form(_change_form(response), colour=empty["colour"].value() or "#000000", sort_order=0)

    response = admin_client.post(_hall_url(hall), data)

    assert response.status_code == 302, response.context and _inline_formset(response, SeatCategory).errors
    assert list(hall.categories.all()) == [standard]


def test_a_category_added_in_the_hall_inline_is_saved(admin_client, showtime):
    hall = showtime.hall
    data = _add_category_form(
        _change_form(admin_client.get(_hall_url(hall))),
        name="Premium",
        colour="#aa3377",
        sort_order=1,
        default_price="14.50",
    )

    response = admin_client.post(_hall_url(hall), data)

    assert response.status_code == 302, response.context and _inline_formset(response, SeatCategory).errors
    premium = hall.categories.get(name="Premium")
    assert (premium.colour, premium.sort_order, premium.default_price) == ("#aa3377", 1, Decimal("14.50"))


@pytest.mark.parametrize(("currency", "price"), [("EUR", "8.505"), ("JPY", "1500.50")])
def test_a_category_price_finer_than_the_currency_is_a_form_error(admin_client, db, currency, price):
    hall = HallFactory(venue=VenueFactory(currency=currency))
    generate_seats(hall=hall, rows=1, seats_per_row=1)
    data = _add_category_form(
        _change_form(admin_client.get(_hall_url(hall))), name="Premium", colour="#aa3377", default_price=price
    )

    response = admin_client.post(_hall_url(hall), data)

    assert response.status_code == 200
    errors = _inline_formset(response, SeatCategory).errors
    assert errors[-1]["default_price"], errors
    assert not hall.categories.filter(name="Premium").exists()


def test_a_new_halls_category_price_is_checked_against_the_chosen_venue(admin_client, db):
    venue = VenueFactory(currency="JPY")
    base = {"venue": venue.pk, "name": "Hall Y", "categories-TOTAL_FORMS": 1, "categories-INITIAL_FORMS": 0}
    category = {"categories-0-name": "Standard", "categories-0-colour": "#3b82f6", "categories-0-sort_order": 0}

    refused = admin_client.post(
        reverse("admin:booking_hall_add"), {**base, **category, "categories-0-default_price": "1500.50"}
    )
    assert refused.status_code == 200
    assert "JPY" in str(_inline_formset(refused, SeatCategory).errors[0]["default_price"])
    assert not Hall.objects.filter(name="Hall Y").exists()

    added = admin_client.post(
        reverse("admin:booking_hall_add"), {**base, **category, "categories-0-default_price": "1500"}
    )
    assert added.status_code == 302
    assert Hall.objects.get(name="Hall Y").categories.get().default_price == Decimal("1500")


def test_the_seat_inline_offers_only_the_halls_categories(
    admin_client, showtime, standard, premium, other_hall_category
):
    response = admin_client.get(_hall_url(showtime.hall))

    seats = _inline_formset(response, Seat)
    assert set(seats.forms[0].fields["category"].queryset) == {standard, premium}


def test_a_seat_cannot_be_put_in_another_halls_category_in_the_inline(admin_client, showtime, other_hall_category):
    hall = showtime.hall
    data = _change_form(admin_client.get(_hall_url(hall)))
    data["seats-0-category"] = other_hall_category.pk
    seat = Seat.objects.get(pk=data["seats-0-id"])

    response = admin_client.post(_hall_url(hall), data)

    assert response.status_code == 200
    assert _inline_formset(response, Seat).errors[0]["category"]
    seat.refresh_from_db()
    assert seat.category.hall_id == hall.pk


def test_a_seat_moved_to_another_category_in_the_inline(admin_client, showtime, premium):
    hall = showtime.hall
    data = _change_form(admin_client.get(_hall_url(hall)))
    data["seats-0-category"] = premium.pk

    response = admin_client.post(_hall_url(hall), data)

    assert response.status_code == 302
    assert Seat.objects.get(pk=data["seats-0-id"]).category == premium


@pytest.mark.parametrize(("currency", "refused"), [("USD", True), ("EUR", False)])
def test_moving_a_hall_with_upcoming_showtimes_to_a_venue_of_another_currency_is_refused(
    admin_client, showtime, currency, refused
):
    hall = showtime.hall
    target = VenueFactory(currency=currency)
    data = {**_change_form(admin_client.get(_hall_url(hall))), "venue": target.pk}

    response = admin_client.post(_hall_url(hall), data)

    hall.refresh_from_db()
    assert (hall.venue_id != target.pk) is refused
    if refused:
        assert "upcoming showtimes" in str(response.context["adminform"].form.errors["venue"])


# --- generate seats by category ---------------------------------------------------------------------


def _generate_url(hall) -> str:
    return reverse("admin:booking_hall_generate_seats", args=[hall.pk])


@pytest.fixture
def hall_with_categories(db):
    """An empty hall with Standard (its first), Premium and Love seat categories."""
    hall = HallFactory()
    return (
        hall,
        _category(hall, "Standard", sort_order=0),
        _category(hall, "Premium"),
        _category(hall, "Love", sort_order=2),
    )


def test_the_generator_has_a_rows_field_per_category(admin_client, hall_with_categories):
    hall, *categories = hall_with_categories

    form = admin_client.get(_generate_url(hall)).context["form"]

    assert [form.fields[f"category_{c.pk}"].label for c in categories] == [
        "Rows in Standard",
        "Rows in Premium",
        "Rows in Love",
    ]


def test_generate_seats_assigns_categories_by_rows(admin_client, hall_with_categories):
    hall, standard, premium, love = hall_with_categories

    response = admin_client.post(
        _generate_url(hall),
        {"rows": 6, "seats_per_row": 3, f"category_{premium.pk}": "A-B, f", f"category_{love.pk}": "D"},
    )

    assert response.status_code == 302, response.context and response.context["form"].errors
    assert hall.seats.count() == 18
    assert _rows_of(hall, premium) == {"A", "B", "F"}
    assert _rows_of(hall, love) == {"D"}
    assert _rows_of(hall, standard) == {"C", "E"}


def test_generate_seats_moves_the_existing_seats_of_named_rows(admin_client, showtime, premium):
    hall = showtime.hall  # rows A-C, 4 seats each

    response = admin_client.post(_generate_url(hall), {"rows": 4, "seats_per_row": 4, f"category_{premium.pk}": "A, D"})

    assert response.status_code == 302
    assert _rows_of(hall, premium) == {"A", "D"}
    assert ShowSeat.objects.filter(showtime=showtime).count() == 16


@pytest.mark.parametrize("spec", ["A-", "1", "C-A", "A-ZZZZ", "G", "A, G-H"])
def test_generate_seats_refuses_a_bad_row_spec(admin_client, hall_with_categories, spec):
    hall, _, premium, _ = hall_with_categories

    response = admin_client.post(_generate_url(hall), {"rows": 6, "seats_per_row": 3, f"category_{premium.pk}": spec})

    assert response.status_code == 200
    assert response.context["form"].errors[f"category_{premium.pk}"]
    assert not hall.seats.exists()


def test_generate_seats_refuses_a_row_in_two_categories(admin_client, hall_with_categories):
    hall, _, premium, love = hall_with_categories

    response = admin_client.post(
        _generate_url(hall),
        {"rows": 6, "seats_per_row": 3, f"category_{premium.pk}": "A-C", f"category_{love.pk}": "C-D"},
    )

    assert response.status_code == 200
    assert "Row C is already in Premium" in str(response.context["form"].errors[f"category_{love.pk}"])
    assert not hall.seats.exists()


# --- re-categorise rows (hall view) -----------------------------------------------------------------


def _recategorise_url(hall) -> str:
    return reverse("admin:booking_hall_recategorise_rows", args=[hall.pk])


def test_recategorise_rows_moves_every_seat_of_those_rows(admin_client, showtime, standard, premium):
    hall = showtime.hall
    revision = hall.plan_revision

    response = admin_client.post(_recategorise_url(hall), {"category": premium.pk, "rows": "a, C"}, follow=True)

    assert "Moved 8 seats of rows A, C to Premium." in _messages(response)
    assert _rows_of(hall, premium) == {"A", "C"}
    assert _rows_of(hall, standard) == {"B"}
    hall.refresh_from_db()
    assert hall.plan_revision > revision  # the seat map's cached plan is rebuilt


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"rows": "A"}, "category"),  # another hall's category (other_hall_category)
        ({"rows": "D"}, "rows"),  # the hall has rows A-C
        ({"rows": "A--C"}, "rows"),
        ({"rows": ""}, "rows"),
    ],
)
def test_recategorise_rows_refuses_bad_input(
    admin_client, showtime, standard, premium, other_hall_category, data, field
):
    hall = showtime.hall
    category = other_hall_category if field == "category" else premium

    response = admin_client.post(_recategorise_url(hall), {"category": category.pk, **data})

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert standard.seats.count() == hall.seats.count() == 12


# --- re-categorise selected seats (seat list action) ------------------------------------------------


def _move(admin_client, seat_ids, category, **extra):
    return admin_client.post(
        reverse("admin:booking_seat_changelist"),
        {"action": "move_to_category", "_selected_action": seat_ids, "category": category, **extra},
        follow=True,
    )


def test_move_selected_seats_to_a_category(admin_client, showtime, seats, standard, premium):
    response = _move(admin_client, seats[:2], premium.pk)

    assert f"Moved 2 seats of {showtime.hall} to Premium." in _messages(response)
    assert sorted(premium.seats.values_list("pk", flat=True)) == seats[:2]
    assert standard.seats.count() == len(seats) - 2


def test_move_every_seat_of_a_filtered_hall(admin_client, showtime, seats, premium, other_hall_category):
    url = reverse("admin:booking_seat_changelist") + f"?hall__id__exact={showtime.hall_id}"

    admin_client.post(
        url,
        {"action": "move_to_category", "_selected_action": seats[:1], "select_across": "1", "category": premium.pk},
    )

    assert premium.seats.count() == len(seats)
    assert other_hall_category.seats.count() == 2  # the other hall is not in the filtered list


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ("another_halls_category", "is not a category of"),
        ("several_halls", "in several halls"),
        ("no_category", "Choose the category"),
    ],
)
def test_moving_seats_refuses_with_a_message(
    admin_client, showtime, seats, standard, other_hall_category, problem, message
):
    selected, category = seats[:2], other_hall_category.pk
    if problem == "several_halls":
        selected = [*seats[:1], other_hall_category.seats.first().pk]
        category = standard.pk
    elif problem == "no_category":
        category = ""

    response = _move(admin_client, selected, category)

    assert response.status_code == 200
    assert [(m.level_tag, message in str(m)) for m in response.context["messages"]] == [("error", True)]
    assert standard.seats.count() == len(seats)
    assert other_hall_category.seats.count() == 2


def test_the_seat_list_filters_by_the_halls_categories(
    admin_client, showtime, seats, standard, premium, other_hall_category
):
    recategorise_rows(hall=showtime.hall, rows=["B"], category=premium)

    response = admin_client.get(
        reverse("admin:booking_seat_changelist"),
        {"hall__id__exact": showtime.hall_id, "category__id__exact": premium.pk},
    )

    assert {seat.row for seat in response.context["cl"].result_list} == {"B"}
    category_filter = next(spec for spec in response.context["cl"].filter_specs if spec.field_path == "category")
    assert {pk for pk, _ in category_filter.lookup_choices} == {standard.pk, premium.pk}


def test_a_seats_change_page_offers_only_its_halls_categories(
    admin_client, showtime, seats, standard, premium, other_hall_category
):
    response = admin_client.get(reverse("admin:booking_seat_change", args=[seats[0]]))

    assert set(response.context["adminform"].form.fields["category"].queryset) == {standard, premium}


# --- ticket types -----------------------------------------------------------------------------------


def _ticket_form(ticket_type, **changes) -> dict:
    data = {"name": ticket_type.name, "sort_order": ticket_type.sort_order, **changes}
    if data.pop("is_default", ticket_type.is_default):
        data["is_default"] = "on"
    return data


def test_ticket_type_list_shows_name_order_and_default(admin_client, adult, child):
    response = admin_client.get(reverse("admin:booking_tickettype_changelist"))

    assert list(response.context["cl"].result_list) == [adult, child]
    assert response.context["cl"].list_display[1:] == ["name", "sort_order", "is_default"]


def test_making_a_ticket_type_the_default_undefaults_the_previous_one(admin_client, adult, child):
    response = admin_client.post(
        reverse("admin:booking_tickettype_change", args=[child.pk]), _ticket_form(child, is_default=True)
    )

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert list(TicketType.objects.filter(is_default=True)) == [child]
    assert default_ticket_type() == child


def test_a_new_default_ticket_type_undefaults_the_previous_one(admin_client, adult):
    response = admin_client.post(
        reverse("admin:booking_tickettype_add"), {"name": "Member", "sort_order": 3, "is_default": "on"}
    )

    assert response.status_code == 302
    assert list(TicketType.objects.filter(is_default=True).values_list("name", flat=True)) == ["Member"]


def test_the_default_ticket_type_cannot_be_unset(admin_client, adult):
    response = admin_client.post(
        reverse("admin:booking_tickettype_change", args=[adult.pk]), _ticket_form(adult, is_default=False)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["is_default"]
    adult.refresh_from_db()
    assert adult.is_default


def test_the_default_ticket_type_cannot_be_deleted(admin_client, adult):
    url = reverse("admin:booking_tickettype_delete", args=[adult.pk])

    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    response = admin_client.post(
        reverse("admin:booking_tickettype_changelist"),
        {"action": "delete_selected", "_selected_action": [adult.pk], "post": "yes"},
        follow=True,
    )

    assert any("cannot be deleted" in message for message in _messages(response))
    assert TicketType.objects.filter(pk=adult.pk, is_default=True).exists()


def test_other_ticket_types_can_be_deleted(admin_client, adult, child):
    other = TicketType.objects.create(name="Senior", sort_order=2)

    admin_client.post(reverse("admin:booking_tickettype_delete", args=[child.pk]), {"post": "yes"})
    admin_client.post(
        reverse("admin:booking_tickettype_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )

    assert list(TicketType.objects.all()) == [adult]


# --- showtimes: the price list ----------------------------------------------------------------------


def _showtime_url(showtime) -> str:
    return reverse("admin:booking_showtime_change", args=[showtime.pk])


def _with_price(data: dict, **fields) -> dict:
    index = int(data["prices-TOTAL_FORMS"])
    data = {**data, "prices-TOTAL_FORMS": index + 1}
    data.update({f"prices-{index}-{name}": getattr(value, "pk", value) for name, value in fields.items()})
    return data


def test_showtime_page_shows_currency_price_inline_and_default_prices(
    admin_client, showtime, standard, premium, adult, other_hall_category
):
    response = admin_client.get(_showtime_url(showtime))

    content = response.content.decode()
    assert "EUR - Euro" in content
    assert "Default prices: no price list of its own." in content
    assert "<li>Standard: Adult €10.00</li>" in content
    assert "<li>Premium: Adult €14.00</li>" in content
    prices = _inline_formset(response, ShowtimePrice)
    assert set(prices.form.base_fields["category"].queryset) == {standard, premium}
    assert "In EUR" in prices.form.base_fields["amount"].help_text


def test_the_add_page_has_no_price_list(admin_client, db):
    response = admin_client.get(reverse("admin:booking_showtime_add"))
    assert response.context["inline_admin_formsets"] == []


def test_a_price_added_in_the_admin_is_what_the_showtime_sells(admin_client, showtime, standard, premium, child):
    data = _with_price(
        _showtime_change_form(admin_client, showtime), category=standard, ticket_type=child, amount="7.50"
    )

    response = admin_client.post(_showtime_url(showtime), data)

    assert response.status_code == 302, response.context and _inline_formset(response, ShowtimePrice).errors
    assert _prices(showtime) == {(standard.pk, child.pk, Decimal("7.50"))}  # Premium is no longer for sale
    assert set(listed_prices(showtime_id=showtime.pk)) == {standard.pk}
    page = admin_client.get(_showtime_url(showtime)).content.decode()
    assert "Its own price list." in page
    assert "<li>Standard: Child €7.50</li>" in page
    assert "<li>Premium: not sold</li>" in page


def test_changing_and_deleting_price_lines(admin_client, showtime, standard, premium, adult, child):
    set_showtime_prices(
        showtime=showtime, prices={(standard, adult): Decimal("9.00"), (premium, adult): Decimal("12.00")}
    )
    data = _showtime_change_form(admin_client, showtime)
    lines = {data[f"prices-{i}-category"]: i for i in range(int(data["prices-TOTAL_FORMS"]))}
    data[f"prices-{lines[standard.pk]}-amount"] = "9.50"
    data[f"prices-{lines[premium.pk]}-DELETE"] = "on"

    response = admin_client.post(_showtime_url(showtime), data)

    assert response.status_code == 302
    assert _prices(showtime) == {(standard.pk, adult.pk, Decimal("9.50"))}


def test_deleting_every_line_returns_to_default_prices(admin_client, showtime, standard, adult):
    set_showtime_prices(showtime=showtime, prices={(standard, adult): Decimal("9.00")})
    data = {**_showtime_change_form(admin_client, showtime), "prices-0-DELETE": "on"}

    admin_client.post(_showtime_url(showtime), data)

    assert not ShowtimePrice.objects.filter(showtime=showtime).exists()
    assert _prices(showtime) == {(standard.pk, adult.pk, Decimal("10.00"))}


def test_saving_a_showtime_leaves_an_unchanged_price_list_alone(admin_client, showtime, standard, adult):
    set_showtime_prices(showtime=showtime, prices={(standard, adult): Decimal("9.00")})
    line = ShowtimePrice.objects.get(showtime=showtime)
    new_start = (showtime.starts_at + timedelta(hours=5)).replace(microsecond=0)

    response = admin_client.post(
        _showtime_url(showtime), _showtime_change_form(admin_client, showtime, starts_at=new_start)
    )

    assert response.status_code == 302
    assert Showtime.objects.get(pk=showtime.pk).starts_at == new_start
    assert list(ShowtimePrice.objects.filter(showtime=showtime).values_list("pk", "amount")) == [
        (line.pk, Decimal("9.00"))
    ]


@pytest.mark.parametrize(("currency", "amount"), [("EUR", "8.505"), ("JPY", "1500.50"), ("EUR", "-1.00")])
def test_a_price_that_is_not_one_in_the_venues_currency_is_a_form_error(admin_client, db, currency, amount):
    showtime = make_showtime(hall=HallFactory(venue=VenueFactory(currency=currency)))
    data = _with_price(
        _showtime_change_form(admin_client, showtime),
        category=default_category(hall=showtime.hall),
        ticket_type=default_ticket_type(),
        amount=amount,
    )

    response = admin_client.post(_showtime_url(showtime), data)

    assert response.status_code == 200
    assert _inline_formset(response, ShowtimePrice).errors[0]
    assert not ShowtimePrice.objects.filter(showtime=showtime).exists()


def test_a_price_for_another_halls_category_is_a_form_error(admin_client, showtime, adult, other_hall_category):
    data = _with_price(
        _showtime_change_form(admin_client, showtime), category=other_hall_category, ticket_type=adult, amount="9.00"
    )

    response = admin_client.post(_showtime_url(showtime), data)

    assert response.status_code == 200
    assert _inline_formset(response, ShowtimePrice).errors[0]["category"]
    assert not ShowtimePrice.objects.filter(showtime=showtime).exists()


def test_the_same_category_and_ticket_type_twice_is_a_form_error(admin_client, showtime, standard, adult):
    data = _showtime_change_form(admin_client, showtime)
    data = _with_price(data, category=standard, ticket_type=adult, amount="9.00")
    data = _with_price(data, category=standard, ticket_type=adult, amount="8.00")

    response = admin_client.post(_showtime_url(showtime), data)

    assert response.status_code == 200
    assert _inline_formset(response, ShowtimePrice).non_form_errors()
    assert not ShowtimePrice.objects.filter(showtime=showtime).exists()


def test_venue_currency_choices_come_from_money(admin_client, db):
    form = admin_client.get(reverse("admin:booking_venue_add")).context["adminform"].form
    codes = {code for code, _ in form.fields["currency"].choices}
    assert {"EUR", "USD", "JPY"} <= codes
    assert "KWD" not in codes  # three-decimal currencies are not offered (booking/money.py)


def test_the_seat_inline_reads_the_halls_categories_once_not_once_per_seat(admin_client, django_assert_max_num_queries):
    hall = HallFactory()
    generate_seats(hall=hall, rows=10, seats_per_row=10)
    url = reverse("admin:booking_hall_change", args=[hall.pk])

    with django_assert_max_num_queries(30):  # 100 seat rows: one category query each would be 100+
        response = admin_client.get(url)

    assert response.status_code == 200
