"""The Django admin: every page loads, and the custom views and actions go through the services."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.models import Booking, Hall, LayoutVersion, Seat, ShowSeat, Showtime
from booking.services.bookings import confirm_booking
from booking.services.holds import hold_seats
from booking.services.pricing import default_category, default_ticket_type
from booking.services.showtimes import create_showtime
from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.factories import HallFactory, MovieFactory, UserFactory, VenueFactory
from booking.tests.invariants import assert_booking_invariants


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _split(when) -> dict:
    """The admin's split date/time widget values for a datetime (the site runs in UTC)."""
    return {"0": when.strftime("%Y-%m-%d"), "1": when.strftime("%H:%M:%S")}


def _showtime_form(*, hall, movie, starts_at, ends_at=None, hold_ttl_seconds="", box_office_payment=True) -> dict:
    start, end = _split(starts_at), _split(ends_at) if ends_at else {"0": "", "1": ""}
    return {
        **({"box_office_payment": "on"} if box_office_payment else {}),  # a browser omits an unticked box
        "hall": hall.pk,
        "movie": movie.pk,
        "starts_at_0": start["0"],
        "starts_at_1": start["1"],
        "ends_at_0": end["0"],
        "ends_at_1": end["1"],
        "hold_ttl_seconds": hold_ttl_seconds,
    }


def _inline_formset(response, model):
    """The change page's inline formset of that model."""
    return next(inline.formset for inline in response.context["inline_admin_formsets"] if inline.formset.model is model)


def _inline_data(response) -> dict:
    """The POST data the change page's inlines would submit unchanged (management forms included)."""
    data = {}
    forms = []
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.extend(formset.forms)
        for name, field in formset.management_form.fields.items():
            data[f"{formset.prefix}-{name}"] = formset.management_form.initial.get(name, field.initial)
    return {**data, **_form_data(forms)}


def _form_data(forms) -> dict:
    data = {}
    for form in forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = getattr(value, "pk", value)
    return data


def _change_form(response) -> dict:
    """The POST data a change page would submit unchanged (main form and inlines; not for split
    date/time widgets, see _showtime_change_form)."""
    return {**_form_data([response.context["adminform"].form]), **_inline_data(response)}


def _showtime_change_form(client, showtime, **changes) -> dict:
    """The showtime change page's POST data: `_showtime_form` with `changes`, and its price inline as is."""
    response = client.get(reverse("admin:booking_showtime_change", args=[showtime.pk]))
    fields = {"hall": showtime.hall, "movie": showtime.movie, "starts_at": showtime.starts_at, **changes}
    form = _showtime_form(**fields)
    del form["hall"]  # read-only on the change form
    return {**form, **_inline_data(response)}


def _layout_version(showtime) -> int:
    return sum(LayoutVersion.objects.filter(showtime=showtime).values_list("version", flat=True))


@pytest.fixture
def booked(showtime, seats):
    """A booking of two seats and a live hold of a third, made through the services."""
    user = UserFactory()
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:3])
    return confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=seats[:2]).booking


# --- every page loads -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["venue", "hall", "seat", "movie", "showtime", "showseat", "booking", "tickettype"])
def test_changelist_loads(model, admin_client, booked):
    response = admin_client.get(reverse(f"admin:booking_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", ["venue", "hall", "movie", "showtime", "tickettype"])
def test_add_page_loads(model, admin_client, db):
    assert admin_client.get(reverse(f"admin:booking_{model}_add")).status_code == 200


@pytest.mark.parametrize("model", ["showseat", "booking", "seat"])
def test_seat_state_and_bookings_cannot_be_added_by_hand(model, admin_client, db):
    assert admin_client.get(reverse(f"admin:booking_{model}_add")).status_code == 403


def test_change_pages_load(admin_client, showtime, seats, booked):
    hall = showtime.hall
    show_seat = ShowSeat.objects.get(showtime=showtime, seat_id=seats[0])
    pages = [
        reverse("admin:booking_venue_change", args=[hall.venue_id]),
        reverse("admin:booking_hall_change", args=[hall.pk]),
        reverse("admin:booking_movie_change", args=[showtime.movie_id]),
        reverse("admin:booking_showtime_change", args=[showtime.pk]),
        reverse("admin:booking_showseat_change", args=[show_seat.pk]),
        reverse("admin:booking_booking_change", args=[booked.pk]),
        reverse("admin:booking_hall_generate_seats", args=[hall.pk]),
        reverse("admin:booking_hall_recategorise_rows", args=[hall.pk]),
        reverse("admin:booking_hall_plan", args=[hall.pk]),
        reverse("admin:booking_seat_change", args=[seats[0]]),
        reverse("admin:booking_tickettype_change", args=[default_ticket_type().pk]),
    ]
    for page in pages:
        assert admin_client.get(page).status_code == 200, page


def test_hall_change_page_shows_the_seat_inline_and_generate_link(admin_client, showtime, seats):
    response = admin_client.get(reverse("admin:booking_hall_change", args=[showtime.hall_id]))

    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("admin:booking_hall_generate_seats", args=[showtime.hall_id]) in content
    formset = _inline_formset(response, Seat)
    assert formset.total_form_count() == len(seats)


def test_hall_plan_is_previewed_then_saved(admin_client, db):
    hall = HallFactory()
    default_category(hall=hall)
    url = reverse("admin:booking_hall_plan", args=[hall.pk])
    plan = "A: @+_SSSS_+@\nB: SSS_SSSS_SSS"

    preview = admin_client.post(url, {"plan": plan, "preview": "Preview"})

    assert preview.status_code == 200
    assert "Preview: 18 seats" in preview.content.decode()
    assert "2 wheelchair spaces" in preview.content.decode()
    assert not hall.seats.exists()  # a preview changes nothing

    saved = admin_client.post(url, {"plan": plan, "save": "Save"})

    assert saved.status_code == 302
    assert hall.seats.count() == 18
    assert admin_client.get(url).context["form"].initial["plan"] == plan.replace("_", ".")


def test_hall_plan_errors_name_the_line(admin_client, db):
    hall = HallFactory()
    default_category(hall=hall)
    response = admin_client.post(reverse("admin:booking_hall_plan", args=[hall.pk]), {"plan": "A: SQ", "save": "1"})
    assert response.status_code == 200
    assert "Line 1: &#x27;Q&#x27; is not a category letter" in response.content.decode()
    assert not hall.seats.exists()


def test_admin_requires_staff(client, db):
    response = client.get(reverse("admin:booking_showtime_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


# --- generate seats ---------------------------------------------------------------------------------


def test_generate_seats_adds_rows_times_seats(admin_client, db):
    hall = HallFactory()
    url = reverse("admin:booking_hall_generate_seats", args=[hall.pk])

    response = admin_client.post(url, {"rows": 3, "seats_per_row": 5})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:booking_hall_change", args=[hall.pk])
    assert hall.seats.count() == 15
    assert sorted(set(hall.seats.values_list("row", flat=True))) == ["A", "B", "C"]
    assert sorted(set(hall.seats.values_list("number", flat=True))) == [1, 2, 3, 4, 5]


def test_generate_seats_keeps_existing_seats_and_extends_upcoming_showtimes(admin_client, db):
    showtime = make_showtime(rows=2, seats_per_row=2)
    hall = showtime.hall
    version = _layout_version(showtime)

    admin_client.post(reverse("admin:booking_hall_generate_seats", args=[hall.pk]), {"rows": 3, "seats_per_row": 3})

    assert hall.seats.count() == 9
    assert ShowSeat.objects.filter(showtime=showtime).count() == 9
    assert ShowSeat.objects.filter(showtime=showtime, status="available").count() == 9
    assert _layout_version(showtime) > version
    assert_booking_invariants()


@pytest.mark.parametrize(
    "data",
    [
        {"rows": 0, "seats_per_row": 5},
        {"rows": 2, "seats_per_row": 1000},
        {"rows": 703, "seats_per_row": 1},
        {"rows": "", "seats_per_row": ""},
        {"rows": "two", "seats_per_row": 3},
    ],
)
def test_generate_seats_rejects_bad_input(data, admin_client, db):
    hall = HallFactory()

    response = admin_client.post(reverse("admin:booking_hall_generate_seats", args=[hall.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not hall.seats.exists()


def test_generate_seats_for_unknown_hall_redirects_to_the_list(admin_client, db):
    response = admin_client.get(reverse("admin:booking_hall_generate_seats", args=[999_999_999]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:booking_hall_changelist")


# --- showtimes --------------------------------------------------------------------------------------


def test_add_showtime_creates_one_show_seat_per_seat(admin_client, db):
    hall = HallFactory()
    category = default_category(hall=hall)
    Seat.objects.bulk_create(
        [Seat(hall=hall, row=row, number=n, column=n, category=category) for row in "AB" for n in (1, 2, 3)]
    )
    movie = MovieFactory(duration_minutes=95)
    starts_at = (timezone.now() + timedelta(days=2)).replace(microsecond=0)

    response = admin_client.post(
        reverse("admin:booking_showtime_add"), _showtime_form(hall=hall, movie=movie, starts_at=starts_at)
    )

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    showtime = Showtime.objects.get(hall=hall)
    assert showtime.starts_at == starts_at
    assert showtime.ends_at == starts_at + timedelta(minutes=95)
    assert showtime.hold_ttl_seconds is None
    assert sorted(ShowSeat.objects.filter(showtime=showtime).values_list("seat_id", flat=True)) == sorted(
        hall.seats.values_list("pk", flat=True)
    )
    assert ShowSeat.objects.filter(showtime=showtime).exclude(status="available").count() == 0
    assert LayoutVersion.objects.filter(showtime=showtime).count() == LayoutVersion.SLOTS
    assert response["Location"] == reverse("admin:booking_showtime_changelist")


def test_add_showtime_with_explicit_end_and_hold_ttl(admin_client, db):
    hall = HallFactory()
    Seat.objects.create(hall=hall, row="A", number=1, column=1, category=default_category(hall=hall))
    movie = MovieFactory(duration_minutes=95)
    starts_at = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    ends_at = starts_at + timedelta(hours=3)

    response = admin_client.post(
        reverse("admin:booking_showtime_add"),
        _showtime_form(hall=hall, movie=movie, starts_at=starts_at, ends_at=ends_at, hold_ttl_seconds=60),
    )

    assert response.status_code == 302
    showtime = Showtime.objects.get(hall=hall)
    assert showtime.ends_at == ends_at
    assert showtime.hold_ttl_seconds == 60
    assert ShowSeat.objects.filter(showtime=showtime).count() == 1


def test_add_overlapping_showtime_is_a_form_error(admin_client, showtime):
    movie = MovieFactory(duration_minutes=60)
    starts_at = showtime.starts_at + timedelta(minutes=30)
    count = Showtime.objects.count()

    response = admin_client.post(
        reverse("admin:booking_showtime_add"),
        _showtime_form(hall=showtime.hall, movie=movie, starts_at=starts_at),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert any("already has a showtime" in error for error in errors), errors
    assert Showtime.objects.count() == count


def test_add_showtime_ending_before_it_starts_is_a_form_error(admin_client, db):
    hall = HallFactory()
    starts_at = timezone.now() + timedelta(days=2)

    response = admin_client.post(
        reverse("admin:booking_showtime_add"),
        _showtime_form(hall=hall, movie=MovieFactory(), starts_at=starts_at, ends_at=starts_at - timedelta(hours=1)),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Showtime.objects.filter(hall=hall).exists()


def test_add_showtime_with_zero_hold_ttl_is_a_form_error(admin_client, db):
    hall = HallFactory()
    Seat.objects.create(hall=hall, row="A", number=1, column=1, category=default_category(hall=hall))

    response = admin_client.post(
        reverse("admin:booking_showtime_add"),
        _showtime_form(
            hall=hall, movie=MovieFactory(), starts_at=timezone.now() + timedelta(days=2), hold_ttl_seconds=0
        ),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Showtime.objects.filter(hall=hall).exists()


@pytest.mark.parametrize("starts_in", [-timedelta(hours=1), timedelta(days=3650)])
def test_admin_refuses_a_new_showtime_outside_the_calendar_as_the_api_does(admin_client, db, starts_in):
    hall = HallFactory()
    Seat.objects.create(hall=hall, row="A", number=1, column=1, category=default_category(hall=hall))

    response = admin_client.post(
        reverse("admin:booking_showtime_add"),
        _showtime_form(hall=hall, movie=MovieFactory(), starts_at=timezone.now() + starts_in),
    )

    assert response.status_code == 200
    assert "starts_at" in response.context["adminform"].form.errors
    assert not Showtime.objects.filter(hall=hall).exists()


def test_add_back_to_back_showtime_is_allowed(admin_client, db):
    hall = HallFactory()
    Seat.objects.create(hall=hall, row="A", number=1, column=1, category=default_category(hall=hall))
    starts_at = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    first = create_showtime(hall=hall, movie=MovieFactory(), starts_at=starts_at)

    response = admin_client.post(
        reverse("admin:booking_showtime_add"),
        _showtime_form(hall=hall, movie=MovieFactory(), starts_at=first.ends_at),
    )

    assert response.status_code == 302
    assert Showtime.objects.filter(hall=hall).count() == 2


def test_same_time_in_another_hall_is_allowed(admin_client, showtime):
    other_hall = HallFactory(venue=showtime.hall.venue)
    Seat.objects.create(hall=other_hall, row="A", number=1, column=1, category=default_category(hall=other_hall))

    response = admin_client.post(
        reverse("admin:booking_showtime_add"),
        _showtime_form(hall=other_hall, movie=MovieFactory(), starts_at=showtime.starts_at),
    )

    assert response.status_code == 302
    assert Showtime.objects.filter(hall=other_hall).count() == 1


def test_change_showtime_to_overlap_another_is_a_form_error(admin_client, showtime):
    later = make_showtime(starts_in=timedelta(days=3), hall=showtime.hall)
    new_start = showtime.starts_at + timedelta(minutes=10)
    form = _showtime_change_form(admin_client, later, starts_at=new_start)

    response = admin_client.post(reverse("admin:booking_showtime_change", args=[later.pk]), form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    later.refresh_from_db()
    assert later.starts_at > showtime.ends_at


def test_change_showtime_time(admin_client, showtime):
    new_start = (showtime.starts_at + timedelta(days=1)).replace(microsecond=0)
    form = _showtime_change_form(admin_client, showtime, starts_at=new_start)

    response = admin_client.post(reverse("admin:booking_showtime_change", args=[showtime.pk]), form)

    assert response.status_code == 302
    showtime.refresh_from_db()
    assert showtime.starts_at == new_start
    assert showtime.ends_at == new_start + timedelta(minutes=showtime.movie.duration_minutes)


def test_showtime_changelist_counts(admin_client, showtime, seats, booked):
    # One more hold that has run out (the sweeper has not tidied it): a free seat, as on the seat map.
    hold_seats(user=UserFactory(), showtime_id=showtime.pk, seat_ids=[seats[5]])
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[5]).update(
        held_until=timezone.now() - timedelta(seconds=1)
    )

    response = admin_client.get(reverse("admin:booking_showtime_changelist"))

    row = next(obj for obj in response.context["cl"].result_list if obj.pk == showtime.pk)
    assert (row.seats_booked, row.seats_held, row.seats_available, row.seats_total) == (2, 1, 9, 12)


# --- show seats: release holds ----------------------------------------------------------------------


def test_release_selected_holds(admin_client, showtime, seats):
    holder, other = UserFactory(), UserFactory()
    hold_seats(user=holder, showtime_id=showtime.pk, seat_ids=seats[:2])
    hold_seats(user=other, showtime_id=showtime.pk, seat_ids=[seats[2]])
    confirm_booking(user=other, showtime_id=showtime.pk, seat_ids=[seats[2]])
    hold_seats(user=other, showtime_id=showtime.pk, seat_ids=[seats[3]])
    selected = ShowSeat.objects.filter(showtime=showtime, seat_id__in=[*seats[:3], seats[5]])
    version = _layout_version(showtime)

    response = admin_client.post(
        reverse("admin:booking_showseat_changelist"),
        {"action": "release_selected_holds", "_selected_action": list(selected.values_list("pk", flat=True))},
        follow=True,
    )

    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert "Released 2 holds." in messages
    statuses = dict(ShowSeat.objects.filter(showtime=showtime).values_list("seat_id", "status"))
    assert statuses[seats[0]] == statuses[seats[1]] == "available"
    assert statuses[seats[2]] == "booked"  # a booking is never undone by releasing holds
    assert statuses[seats[3]] == "held"  # not selected
    assert ShowSeat.objects.get(showtime=showtime, seat_id=seats[0]).held_by_id is None
    assert _layout_version(showtime) > version
    assert_booking_invariants()


def test_release_selected_holds_across_showtimes(admin_client, showtime, seats):
    other_show = make_showtime(starts_in=timedelta(days=2), hall=showtime.hall)
    user = UserFactory()
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    hold_seats(user=user, showtime_id=other_show.pk, seat_ids=[seats[0]])

    admin_client.post(
        reverse("admin:booking_showseat_changelist"),
        {
            "action": "release_selected_holds",
            "_selected_action": list(ShowSeat.objects.filter(status="held").values_list("pk", flat=True)),
        },
    )

    assert not ShowSeat.objects.filter(status="held").exists()
    assert_booking_invariants()


def test_showseat_changelist_filters_by_status(admin_client, showtime, booked):
    response = admin_client.get(reverse("admin:booking_showseat_changelist"), {"status__exact": "booked"})
    assert {obj.status for obj in response.context["cl"].result_list} == {"booked"}
    assert len(response.context["cl"].result_list) == 2


# --- bookings ---------------------------------------------------------------------------------------


def test_booking_search_by_reference(admin_client, showtime, seats, booked):
    other_user = UserFactory()
    hold_seats(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[5]])
    other = confirm_booking(user=other_user, showtime_id=showtime.pk, seat_ids=[seats[5]]).booking

    response = admin_client.get(reverse("admin:booking_booking_changelist"), {"q": booked.reference})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [booked]
    assert booked.reference in response.content.decode()
    assert other.reference not in response.content.decode()


def test_booking_search_by_username(admin_client, booked):
    response = admin_client.get(reverse("admin:booking_booking_changelist"), {"q": booked.user.username})
    assert list(response.context["cl"].result_list) == [booked]


def test_booking_change_page_lists_its_seats(admin_client, booked):
    response = admin_client.get(reverse("admin:booking_booking_change", args=[booked.pk]))
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.total_form_count() == 2
    assert Booking.objects.get(pk=booked.pk).lines.count() == 2


def test_venue_change_page_lists_its_halls(admin_client, db):
    venue = VenueFactory()
    HallFactory.create_batch(2, venue=venue)
    response = admin_client.get(reverse("admin:booking_venue_change", args=[venue.pk]))
    assert response.context["inline_admin_formsets"][0].formset.total_form_count() == 2
    assert Hall.objects.filter(venue=venue).count() == 2


def test_seat_ids_helper_matches_hall(showtime):
    assert len(seat_ids_of(showtime)) == showtime.hall.seats.count()


# --- deleting -----------------------------------------------------------------------------------------


def test_deleting_a_booking_in_the_admin_never_strands_its_seats(admin_client, showtime, seats, booked):
    """Either the admin may not delete bookings, or deleting one frees its seats: never "booked" with no booking."""
    admin_client.post(reverse("admin:booking_booking_delete", args=[booked.pk]), {"post": "yes"})

    assert_booking_invariants()
    if not Booking.objects.filter(pk=booked.pk).exists():
        assert ShowSeat.objects.filter(showtime=showtime, seat_id__in=seats[:2], status="booked").count() == 0


def test_bulk_deleting_bookings_in_the_admin_never_strands_their_seats(admin_client, showtime, seats, booked):
    admin_client.post(
        reverse("admin:booking_booking_changelist"),
        {"action": "delete_selected", "_selected_action": [booked.pk], "post": "yes"},
    )

    assert_booking_invariants()


def test_a_showtime_with_bookings_cannot_be_deleted(admin_client, showtime, booked):
    response = admin_client.post(reverse("admin:booking_showtime_delete", args=[showtime.pk]), {"post": "yes"})

    assert response.status_code in (200, 403)
    assert Showtime.objects.filter(pk=showtime.pk).exists()
    assert Booking.objects.filter(pk=booked.pk).exists()
    assert_booking_invariants()


def test_seat_added_through_the_hall_inline_reaches_upcoming_showtimes(admin_client, showtime, seats):
    """Like generate_seats: a hall's upcoming showtimes get its new seats, however they were added."""
    url = reverse("admin:booking_hall_change", args=[showtime.hall_id])
    data = _change_form(admin_client.get(url))
    index = int(data["seats-TOTAL_FORMS"])
    data.update(
        {
            "seats-TOTAL_FORMS": index + 1,
            f"seats-{index}-row": "Z",
            f"seats-{index}-number": 1,
            f"seats-{index}-category": showtime.hall.categories.get().pk,
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context and _inline_formset(response, Seat).errors
    new_seat = Seat.objects.get(hall=showtime.hall, row="Z", number=1)
    assert ShowSeat.objects.filter(showtime=showtime, seat=new_seat).exists()


def test_a_seats_history_is_visible_per_showtime_and_seat(admin_client, showtime, seats, user):
    from booking.services.holds import hold_seats, release_holds

    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    release_holds(user=user, showtime_id=showtime.pk, seat_ids=[seats[0]])
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seats[1]])

    seat_list = admin_client.get(reverse("admin:booking_showseat_changelist"))
    assert f"showtime__id__exact={showtime.pk}&amp;seat__id__exact={seats[0]}" in seat_list.content.decode()
    history = admin_client.get(
        reverse("admin:booking_seatevent_changelist"),
        {"showtime__id__exact": showtime.pk, "seat__id__exact": seats[0]},
    )
    assert history.status_code == 200
    shown = [event.event for event in history.context["cl"].result_list]
    assert shown == ["released", "held"]  # newest first, only that seat
