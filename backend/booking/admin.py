from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from booking.exceptions import BookingError, InvalidRequest
from booking.models import Booking, BookingSeat, Hall, Movie, Seat, SeatEvent, ShowSeat, Showtime, Venue
from booking.selectors.schedule import hall_is_busy, with_seat_counts
from booking.services.holds import release_holds_by_admin
from booking.services.showtimes import (
    add_new_seats_to_upcoming_showtimes,
    checked_schedule,
    create_showtime,
    generate_seats,
    reschedule_showtime,
)


class HallInline(admin.TabularInline):
    model = Hall
    extra = 0


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "city"]
    search_fields = ["name", "city"]
    inlines = [HallInline]


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0
    ordering = ["row", "number"]


class GenerateSeatsForm(forms.Form):
    rows = forms.IntegerField(min_value=1, max_value=702, help_text="Rows A, B, C, ...")
    seats_per_row = forms.IntegerField(min_value=1, max_value=999)


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ["name", "venue", "seat_count"]
    list_filter = ["venue"]
    search_fields = ["name", "venue__name"]
    inlines = [SeatInline]
    change_form_template = "admin/booking/hall/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("venue").annotate(num_seats=Count("seats"))

    @admin.display(description="Seats", ordering="num_seats")
    def seat_count(self, hall):
        return hall.num_seats

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Seats added in the inline must reach upcoming showtimes, as generated ones do.
        add_new_seats_to_upcoming_showtimes(hall=form.instance)

    def get_urls(self):
        custom = [
            path(
                "<int:hall_id>/generate-seats/",
                self.admin_site.admin_view(self.generate_seats_view),
                name="booking_hall_generate_seats",
            )
        ]
        return custom + super().get_urls()

    def generate_seats_view(self, request, hall_id):
        hall = self.get_object(request, str(hall_id))
        if hall is None or not self.has_change_permission(request, hall):
            return redirect("admin:booking_hall_changelist")
        form = GenerateSeatsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                added = generate_seats(hall=hall, **form.cleaned_data)
            except BookingError as exc:
                form.add_error(None, exc.detail)
            else:
                self.message_user(request, f"Added {added} seats to {hall}.", messages.SUCCESS)
                return redirect(reverse("admin:booking_hall_change", args=[hall.pk]))
        context = {**self.admin_site.each_context(request), "hall": hall, "form": form, "title": "Generate seats"}
        return render(request, "admin/booking/hall/generate_seats.html", context)


@admin.register(Movie)
class MovieAdmin(admin.ModelAdmin):
    list_display = ["title", "duration_minutes"]
    search_fields = ["title"]


class ShowtimeForm(forms.ModelForm):
    class Meta:
        model = Showtime
        fields = ["hall", "movie", "starts_at", "ends_at", "hold_ttl_seconds"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ends_at"].required = False
        self.fields["ends_at"].help_text = "Leave empty to use the movie's running time."

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at, movie = cleaned.get("starts_at"), cleaned.get("ends_at"), cleaned.get("movie")
        if not (starts_at and movie):
            return cleaned
        # The service's rule (future start, sane calendar, default end), checked here so the form reports
        # it per field; the default end is filled before model validation checks the no-overlap constraint.
        try:
            ends_at = cleaned["ends_at"] = checked_schedule(
                starts_at=starts_at, ends_at=ends_at, movie=movie, is_new=self.instance.pk is None
            )
        except InvalidRequest as exc:
            for field, messages in (exc.errors or {"__all__": [exc.detail]}).items():
                self.add_error(field if field != "__all__" else None, messages)
            return cleaned
        hall = cleaned.get("hall") or getattr(self.instance, "hall", None)
        if (
            hall
            and starts_at
            and ends_at
            and hall_is_busy(hall_id=hall.pk, starts_at=starts_at, ends_at=ends_at, ignore_showtime_id=self.instance.pk)
        ):
            raise forms.ValidationError("This hall already has a showtime at that time.")
        return cleaned


@admin.register(Showtime)
class ShowtimeAdmin(admin.ModelAdmin):
    form = ShowtimeForm
    list_display = ["movie", "hall", "starts_at", "ends_at", "booked", "held", "available", "capacity"]
    list_filter = ["hall__venue", "hall", "movie"]
    date_hierarchy = "starts_at"
    search_fields = ["movie__title", "hall__name"]
    list_select_related = ["movie", "hall__venue"]

    def get_queryset(self, request):
        # The seat map's counts: an expired hold is a free seat, swept or not.
        return with_seat_counts(super().get_queryset(request), now=timezone.now())

    @admin.display(description="Booked", ordering="seats_booked")
    def booked(self, showtime):
        return showtime.seats_booked

    @admin.display(description="Held", ordering="seats_held")
    def held(self, showtime):
        return showtime.seats_held

    @admin.display(description="Available", ordering="seats_available")
    def available(self, showtime):
        return showtime.seats_available

    @admin.display(description="Seats", ordering="seats_total")
    def capacity(self, showtime):
        return showtime.seats_total

    def get_readonly_fields(self, request, obj=None):
        # Moving a showtime to another hall would orphan its seat rows.
        return ["hall"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:  # through the service, like a new showtime: the schedule's rules and the layout board
            reschedule_showtime(
                showtime=obj,
                movie=obj.movie,
                starts_at=obj.starts_at,
                ends_at=obj.ends_at,
                hold_ttl_seconds=obj.hold_ttl_seconds,
            )
            return
        created = create_showtime(
            hall=obj.hall,
            movie=obj.movie,
            starts_at=obj.starts_at,
            ends_at=obj.ends_at,
            hold_ttl_seconds=obj.hold_ttl_seconds,
        )
        obj.pk = created.pk


@admin.register(ShowSeat)
class ShowSeatAdmin(admin.ModelAdmin):
    list_display = ["showtime", "seat", "status", "held_by", "held_until", "booked_at", "history"]
    list_filter = ["status", "showtime__hall"]
    search_fields = ["showtime__movie__title", "held_by__username"]
    list_select_related = ["showtime__movie", "showtime__hall", "seat", "held_by"]
    actions = ["release_selected_holds"]
    # Seat state changes only through the services (locks, version bumps); the admin looks and releases.
    readonly_fields = ["showtime", "seat", "status", "held_by", "held_until", "booked_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="History")
    def history(self, show_seat):
        url = reverse("admin:booking_seatevent_changelist")
        return format_html(
            '<a href="{}?showtime__id__exact={}&amp;seat__id__exact={}">events</a>',
            url,
            show_seat.showtime_id,
            show_seat.seat_id,
        )

    @admin.action(description="Release selected holds")
    def release_selected_holds(self, request, queryset):
        try:
            released = release_holds_by_admin(
                staff_user=request.user, show_seat_ids=list(queryset.values_list("pk", flat=True))
            )
        except BookingError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
            return
        self.message_user(request, f"Released {released} holds.", messages.SUCCESS)


class BookingSeatInline(admin.TabularInline):
    model = BookingSeat
    extra = 0
    can_delete = False
    readonly_fields = ["show_seat"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["reference", "user", "showtime", "created_at"]
    search_fields = ["reference", "user__username", "user__email"]
    list_filter = ["showtime__hall__venue"]
    list_select_related = ["user", "showtime__movie", "showtime__hall"]
    readonly_fields = ["reference", "showtime", "user", "idempotency_key", "created_at"]
    inlines = [BookingSeatInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting a booking would strand its seats as booked-by-nobody; bookings are a ledger.
        return False


@admin.register(SeatEvent)
class SeatEventAdmin(admin.ModelAdmin):
    """A seat's history, per showtime and seat: answers "who had seat C7 at 20:01?"."""

    list_display = ["at", "showtime", "seat", "event", "user", "actor", "held_until"]
    list_filter = ["event", ("showtime", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "actor__username", "seat__row"]
    list_select_related = ["showtime__movie", "showtime__hall", "seat", "user", "actor"]
    date_hierarchy = "at"
    readonly_fields = ["showtime", "seat", "event", "user", "actor", "held_until", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
