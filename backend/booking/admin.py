import re
from collections import Counter, defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from booking.exceptions import BookingError, InvalidRequest
from booking.models import (
    Booking,
    BookingSeat,
    Hall,
    Movie,
    Order,
    OrderLine,
    Refund,
    Seat,
    SeatCategory,
    SeatEvent,
    ShowSeat,
    Showtime,
    ShowtimePrice,
    TicketType,
    Venue,
)
from booking.money import display, fits_currency, minor_units
from booking.selectors.orders import with_revenue
from booking.selectors.pricing import showtime_prices
from booking.selectors.schedule import hall_is_busy, with_seat_counts
from booking.services.cancellations import cancel_booking_by_staff
from booking.services.hall_plans import parse_plan, plan_text, replace_hall_plan, sold_upcoming
from booking.services.holds import release_holds_by_admin
from booking.services.pricing import recategorise_rows, recategorise_seats, save_ticket_type, set_showtime_prices
from booking.services.refunds import send_owed_refunds
from booking.services.showtimes import (
    add_new_seats_to_upcoming_showtimes,
    checked_schedule,
    create_showtime,
    generate_seats,
    reschedule_showtime,
    row_label,
)

# --- row specs ("A-C, F") ---------------------------------------------------------------------------

MAX_ROWS = 702  # A..ZZ, generate_seats' limit
_ROW_PART = re.compile(r"\s*([A-Za-z]+)\s*(?:-\s*([A-Za-z]+)\s*)?")


def row_index(label: str) -> int:
    """A -> 0, Z -> 25, AA -> 26: the inverse of showtimes.row_label."""
    index = 0
    for letter in label.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def parse_row_spec(spec: str) -> list[str]:
    """The row labels of a spec such as "A-C, F" (rows and inclusive ranges of spreadsheet-style row
    labels, comma-separated, any case), in order, without repeats. ValidationError when malformed."""
    labels: dict[str, None] = {}
    for part in spec.split(","):
        if not part.strip():
            continue  # a stray or trailing comma is harmless
        match = _ROW_PART.fullmatch(part)
        if match is None:
            raise ValidationError(f"{part.strip()!r} is not a row or a range of rows (such as A-C).")
        first, last = match[1].upper(), (match[2] or match[1]).upper()
        start, end = row_index(first), row_index(last)
        if end < start:
            raise ValidationError(f"The range {first}-{last} runs backwards.")
        if end - start >= MAX_ROWS:  # before expanding it: "A-ZZZZZZ" is a typo, not a million rows
            raise ValidationError(f"The range {first}-{last} is longer than any hall.")
        labels.update(dict.fromkeys(row_label(index) for index in range(start, end + 1)))
    return list(labels)


def _listed(labels, limit: int = 10) -> str:
    labels = list(labels)
    return ", ".join(labels[:limit]) + (", ..." if len(labels) > limit else "")


def _has_upcoming_showtimes(**lookup) -> bool:
    return Showtime.objects.filter(starts_at__gt=timezone.now(), **lookup).exists()


class ColourInput(forms.TextInput):
    input_type = "color"  # the browser's colour picker; it submits "#rrggbb"


# --- venues -----------------------------------------------------------------------------------------


class HallInline(admin.TabularInline):
    model = Hall
    extra = 0


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = ["name", "city", "currency", "time_zone"]

    def clean_currency(self):
        currency = self.cleaned_data["currency"]
        venue = self.instance
        if venue.pk is None or "currency" not in self.changed_data:
            return currency
        # Prices are stored as bare amounts in the venue's currency: a new currency would silently
        # change what every upcoming showtime charges.
        if _has_upcoming_showtimes(hall__venue=venue):
            raise ValidationError(
                "This venue has upcoming showtimes priced in its current currency; "
                "its currency can change only when none are left."
            )
        misfits = [
            f"{category.hall.name} / {category.name}"
            for category in SeatCategory.objects.filter(hall__venue=venue).select_related("hall")
            if not fits_currency(category.default_price, currency)
        ]
        if misfits:
            raise ValidationError(
                f"Default prices not expressible in {currency} ({minor_units(currency)} decimals): {_listed(misfits)}."
            )
        return currency


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    form = VenueForm
    list_display = ["name", "city", "currency"]
    search_fields = ["name", "city"]
    inlines = [HallInline]


# --- halls: categories, seats, the seat generator ----------------------------------------------------


class HallForm(forms.ModelForm):
    class Meta:
        model = Hall
        fields = ["venue", "name", "focus_across", "focus_depth"]
        help_texts = {
            "focus_across": "Best available aims here: 0 = the left wall, 0.5 = the centre, 1 = the right wall.",
            "focus_depth": "0 = the front row, 1 = the back row (about two thirds back is the sweet spot).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("focus_across", "focus_depth"):  # empty: the model's default (the centre, two thirds back)
            self.fields[name].required = False

    def clean_focus_across(self):
        return self._focus("focus_across")

    def clean_focus_depth(self):
        return self._focus("focus_depth")

    def _focus(self, name):
        value = self.cleaned_data.get(name)
        return Hall._meta.get_field(name).default if value is None else value

    def clean_venue(self):
        venue = self.cleaned_data["venue"]
        hall = self.instance
        # Moving a hall to a venue of another currency re-denominates its prices, as changing the
        # venue's currency would (VenueForm).
        if (
            hall.pk is not None
            and venue.pk != hall.venue_id
            and venue.currency != hall.venue.currency
            and _has_upcoming_showtimes(hall=hall)
        ):
            raise ValidationError(
                f"This hall has upcoming showtimes priced in {hall.venue.currency}; "
                f"it cannot move to a venue selling in {venue.currency}."
            )
        return venue


class SeatCategoryFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        # The model's clean() checks the price against the hall's venue as stored; this checks it against
        # the venue being saved (a new hall, or one moving to another venue).
        hall = self.instance
        if hall.venue_id is None:
            return
        currency = hall.venue.currency
        for form in self.forms:
            price = form.cleaned_data.get("default_price") if form.cleaned_data else None
            if price is None or form.has_error("default_price") or self._should_delete_form(form):
                continue
            if not fits_currency(price, currency):
                form.add_error("default_price", f"Not a price in {currency} ({minor_units(currency)} decimals).")


class SeatCategoryForm(forms.ModelForm):
    # An initial value, or an untouched extra row would submit the picker's #000000 and count as filled in.
    colour = forms.CharField(initial="#3b82f6", max_length=7, widget=ColourInput)

    class Meta:
        model = SeatCategory
        fields = ["name", "colour", "sort_order", "default_price"]


class SeatCategoryInline(admin.TabularInline):
    model = SeatCategory
    form = SeatCategoryForm
    formset = SeatCategoryFormSet
    extra = 0
    fields = ["name", "colour", "sort_order", "default_price"]


class SeatForm(forms.ModelForm):
    class Meta:
        model = Seat
        fields = ["row", "number", "column", "segment", "kind", "category"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A seat added by hand stands where its number says, in its row's one segment, unless told otherwise.
        for name in ("column", "segment", "kind"):
            self.fields[name].required = False
        self.fields["column"].help_text = "Its place across the plan; empty: its number."

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("column") is None and cleaned.get("number") is not None:
            cleaned["column"] = self.instance.column = cleaned["number"]
        if cleaned.get("segment") is None:
            cleaned["segment"] = self.instance.segment = 1
        if not cleaned.get("kind"):
            cleaned["kind"] = self.instance.kind = Seat.Kind.STANDARD
        return cleaned


class SeatInline(admin.TabularInline):
    model = Seat
    form = SeatForm
    extra = 0
    ordering = ["row", "number"]
    fields = ["row", "number", "column", "segment", "kind", "category"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category")

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("formset", _SeatFormSet)
        formset = super().get_formset(request, obj, **kwargs)
        # A seat's category is one of its own hall's (a database trigger refuses any other).
        formset.form.base_fields["category"].queryset = (
            obj.categories.all() if obj is not None else SeatCategory.objects.none()
        )
        return formset


class _SeatFormSet(forms.BaseInlineFormSet):
    """Reads the hall's categories once for all its seat rows, not once per row (a hall has 1,000)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if "category" in form.fields:
            if not hasattr(self, "_category_choices"):
                self._category_choices = list(form.fields["category"].choices)
            form.fields["category"].choices = self._category_choices
        return form


class GenerateSeatsForm(forms.Form):
    rows = forms.IntegerField(min_value=1, max_value=MAX_ROWS, help_text="Rows A, B, C, ...")
    seats_per_row = forms.IntegerField(min_value=1, max_value=999)

    def __init__(self, *args, hall: Hall, **kwargs):
        super().__init__(*args, **kwargs)
        # One "rows" field per category of the hall; rows named in none get the hall's first category.
        self.category_fields = {}
        for category in hall.categories.all():
            name = f"category_{category.pk}"
            self.fields[name] = forms.CharField(
                required=False,
                label=f"Rows in {category.name}",
                help_text="Rows and ranges of rows, such as A-C, F. Existing seats of these rows move too.",
            )
            self.category_fields[name] = category

    def clean(self):
        cleaned = super().clean()
        rows = cleaned.get("rows")
        grid = {row_label(index) for index in range(rows)} if rows else None
        row_categories: dict[str, SeatCategory] = {}
        for name, category in self.category_fields.items():
            try:
                labels = parse_row_spec(cleaned.get(name) or "")
            except ValidationError as exc:
                self.add_error(name, exc)
                continue
            if grid is not None and (outside := [label for label in labels if label not in grid]):
                self.add_error(name, f"Not in a grid of {rows} rows (A-{row_label(rows - 1)}): {_listed(outside)}.")
                continue
            if clashes := [label for label in labels if label in row_categories]:
                self.add_error(
                    name, f"Row {clashes[0]} is already in {row_categories[clashes[0]].name}: a row has one category."
                )
                continue
            row_categories.update(dict.fromkeys(labels, category))
        cleaned["row_categories"] = row_categories
        return cleaned


class HallPlanForm(forms.Form):
    plan = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 24, "cols": 60, "style": "font-family: monospace"}),
        help_text="One line per row, front to back: <code>A: SSSS_SSSSSS_SSSS</code>. A letter is a seat of the "
        "category with that initial (or name one: <code>X = Premium</code>), <code>@</code> a wheelchair space, "
        "<code>+</code> a companion seat, <code>_</code> an aisle, <code>.</code> no seat.",
    )

    def __init__(self, *args, hall: Hall, **kwargs):
        super().__init__(*args, **kwargs)
        self.hall = hall

    def clean_plan(self):
        try:
            self.seats = parse_plan(hall=self.hall, text=self.cleaned_data["plan"])
        except BookingError as exc:
            raise ValidationError(exc.detail) from exc
        return self.cleaned_data["plan"]


def plan_preview(seats) -> list[dict]:
    """The parsed plan as rows of places for the admin's preview: each place a seat (its number, kind and
    category colour) or a gap."""
    rows: dict[str, dict[int, object]] = {}
    for seat in seats:
        rows.setdefault(seat.row, {})[seat.column] = seat
    width = max(seat.column for seat in seats)
    return [
        {"label": label, "places": [places.get(column) for column in range(1, width + 1)]}
        for label, places in rows.items()
    ]


class RecategoriseRowsForm(forms.Form):
    category = forms.ModelChoiceField(queryset=SeatCategory.objects.none(), help_text="Move the rows' seats here.")
    rows = forms.CharField(help_text="Rows and ranges of rows, such as A-C, F.")

    def __init__(self, *args, hall: Hall, **kwargs):
        super().__init__(*args, **kwargs)
        self.hall = hall
        self.fields["category"].queryset = hall.categories.all()

    def clean_rows(self):
        labels = parse_row_spec(self.cleaned_data["rows"])
        if not labels:
            raise ValidationError("Name at least one row.")
        existing = set(self.hall.seats.values_list("row", flat=True).distinct())
        if missing := [label for label in labels if label not in existing]:
            raise ValidationError(f"{self.hall} has no row {_listed(missing)}.")
        return labels


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    form = HallForm
    list_display = ["name", "venue", "seat_count"]
    list_filter = ["venue"]
    search_fields = ["name", "venue__name"]
    change_form_template = "admin/booking/hall/change_form.html"

    def get_inlines(self, request, obj):
        # A new hall has no categories yet, so no seat could be given one: categories first, then
        # generate seats (or add them here) on the saved hall.
        return [SeatCategoryInline, SeatInline] if obj is not None else [SeatCategoryInline]

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
            ),
            path(
                "<int:hall_id>/recategorise-rows/",
                self.admin_site.admin_view(self.recategorise_rows_view),
                name="booking_hall_recategorise_rows",
            ),
            path(
                "<int:hall_id>/plan/",
                self.admin_site.admin_view(self.plan_view),
                name="booking_hall_plan",
            ),
        ]
        return custom + super().get_urls()

    def generate_seats_view(self, request, hall_id):
        hall = self.get_object(request, str(hall_id))
        if hall is None or not self.has_change_permission(request, hall):
            return redirect("admin:booking_hall_changelist")
        form = GenerateSeatsForm(request.POST or None, hall=hall)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                added = generate_seats(
                    hall=hall,
                    rows=data["rows"],
                    seats_per_row=data["seats_per_row"],
                    row_categories=data["row_categories"],
                )
            except BookingError as exc:
                form.add_error(None, exc.detail)
            else:
                self.message_user(request, f"Added {added} seats to {hall}.", messages.SUCCESS)
                return redirect(reverse("admin:booking_hall_change", args=[hall.pk]))
        context = {**self.admin_site.each_context(request), "hall": hall, "form": form, "title": "Generate seats"}
        return render(request, "admin/booking/hall/generate_seats.html", context)

    def plan_view(self, request, hall_id):
        """Replace the hall's seats with a plan: "Preview" shows it drawn with its counts, "Save" applies it."""
        hall = self.get_object(request, str(hall_id))
        if hall is None or not self.has_change_permission(request, hall):
            return redirect("admin:booking_hall_changelist")
        form = HallPlanForm(request.POST or None, hall=hall, initial={"plan": plan_text(hall=hall)})
        preview = None
        if request.method == "POST" and form.is_valid():
            if "save" in request.POST:
                try:
                    change = replace_hall_plan(hall=hall, text=form.cleaned_data["plan"])
                except BookingError as exc:
                    form.add_error(None, exc.detail)
                else:
                    self.message_user(
                        request,
                        f"{hall} now has {change.seats} seats: {change.added} added, {change.changed} moved or "
                        f"changed, {change.removed} removed.",
                        messages.SUCCESS,
                    )
                    return redirect(reverse("admin:booking_hall_change", args=[hall.pk]))
            preview = {
                "rows": plan_preview(form.seats),
                "seats": len(form.seats),
                "kinds": dict(Counter(seat.kind for seat in form.seats)),
                "categories": sorted(Counter(seat.category.name for seat in form.seats).items()),
            }
        context = {
            **self.admin_site.each_context(request),
            "hall": hall,
            "form": form,
            "preview": preview,
            "sold": sold_upcoming(hall=hall),
            "title": "Hall plan",
        }
        return render(request, "admin/booking/hall/plan.html", context)

    def recategorise_rows_view(self, request, hall_id):
        hall = self.get_object(request, str(hall_id))
        if hall is None or not self.has_change_permission(request, hall):
            return redirect("admin:booking_hall_changelist")
        form = RecategoriseRowsForm(request.POST or None, hall=hall)
        if request.method == "POST" and form.is_valid():
            category, rows = form.cleaned_data["category"], form.cleaned_data["rows"]
            try:
                moved = recategorise_rows(hall=hall, rows=rows, category=category)
            except BookingError as exc:
                form.add_error(None, exc.detail)
            else:
                self.message_user(
                    request, f"Moved {moved} seats of rows {_listed(rows)} to {category}.", messages.SUCCESS
                )
                return redirect(reverse("admin:booking_hall_change", args=[hall.pk]))
        context = {
            **self.admin_site.each_context(request),
            "hall": hall,
            "form": form,
            "title": "Re-categorise rows",
        }
        return render(request, "admin/booking/hall/recategorise_rows.html", context)


# --- seats: bulk re-categorisation -------------------------------------------------------------------


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.hall} / {obj.name}"  # category names repeat from hall to hall


class CategoryListFilter(admin.RelatedFieldListFilter):
    """The category filter, labelled with its hall, and only the filtered hall's categories when one is."""

    def field_choices(self, field, request, model_admin):
        categories = SeatCategory.objects.select_related("hall__venue")
        hall_id = request.GET.get("hall__id__exact", "")
        if hall_id.isdigit():
            categories = categories.filter(hall_id=hall_id)
        return [(category.pk, f"{category.hall} / {category.name}") for category in categories]


class SeatActionForm(ActionForm):
    category = CategoryChoiceField(
        queryset=SeatCategory.objects.select_related("hall__venue"), required=False, label="Category:"
    )


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    """Seats across halls, to re-categorise many at once (filter by hall and row, select, move)."""

    list_display = ["__str__", "hall", "row", "number", "category"]
    list_filter = ["hall__venue", "hall", ("category", CategoryListFilter), "row"]
    search_fields = ["hall__name", "row"]
    list_select_related = ["hall__venue", "category"]
    ordering = ["hall", "row", "number"]
    list_per_page = 200
    action_form = SeatActionForm
    actions = ["move_to_category"]
    fields = ["hall", "row", "number", "category"]
    readonly_fields = ["hall"]

    def has_add_permission(self, request):
        # New seats come through the hall (inline or generator), which also gives upcoming showtimes them.
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            form.base_fields["category"].queryset = obj.hall.categories.all()
        return form

    @admin.action(description="Move selected seats to the chosen category")
    def move_to_category(self, request, queryset):
        try:
            category = self.action_form.base_fields["category"].clean(request.POST.get("category"))
        except ValidationError:
            category = None
        if category is None:
            self.message_user(request, "Choose the category to move the seats to.", messages.ERROR)
            return
        halls = list(Hall.objects.filter(pk__in=queryset.values("hall_id")).select_related("venue")[:2])
        if len(halls) > 1:
            self.message_user(
                request, "The selected seats are in several halls: filter the list by hall first.", messages.ERROR
            )
            return
        if not halls:
            return
        try:
            moved = recategorise_seats(hall=halls[0], seat_ids=queryset.values_list("pk", flat=True), category=category)
        except BookingError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
            return
        self.message_user(request, f"Moved {moved} seats of {halls[0]} to {category.name}.", messages.SUCCESS)


# --- movies and showtimes ----------------------------------------------------------------------------


@admin.register(Movie)
class MovieAdmin(admin.ModelAdmin):
    list_display = ["title", "duration_minutes"]
    search_fields = ["title"]


class ShowtimeForm(forms.ModelForm):
    class Meta:
        model = Showtime
        fields = ["hall", "movie", "starts_at", "ends_at", "hold_ttl_seconds", "box_office_payment", "prevent_orphans"]

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


class ShowtimePriceInline(admin.TabularInline):
    model = ShowtimePrice
    extra = 0
    fields = ["category", "ticket_type", "amount"]
    verbose_name = "price"
    verbose_name_plural = "prices (none: every category at its default price, for the default ticket type)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category", "ticket_type")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:  # only on a saved showtime (ShowtimeAdmin.get_inlines)
            fields = formset.form.base_fields
            fields["category"].queryset = obj.hall.categories.all()
            currency = obj.hall.venue.currency
            fields["amount"].help_text = f"In {currency}, the venue's currency ({minor_units(currency)} decimals)."
        return formset


@admin.register(Showtime)
class ShowtimeAdmin(admin.ModelAdmin):
    form = ShowtimeForm
    list_display = ["movie", "hall", "starts_at", "ends_at", "booked", "held", "available", "capacity", "revenue"]
    list_filter = ["hall__venue", "hall", "movie"]
    date_hierarchy = "starts_at"
    search_fields = ["movie__title", "hall__name"]
    list_select_related = ["movie", "hall__venue"]

    def get_queryset(self, request):
        # The seat map's counts: an expired hold is a free seat, swept or not.
        return with_revenue(with_seat_counts(super().get_queryset(request), now=timezone.now()))

    def get_inlines(self, request, obj):
        # Prices need the hall's categories: a new showtime gets its price list once it is saved.
        return [ShowtimePriceInline] if obj is not None else []

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

    @admin.display(description="Revenue", ordering="revenue")
    def revenue(self, showtime):
        return display(showtime.revenue, showtime.hall.venue.currency)

    @admin.display(description="Currency")
    def currency(self, showtime):
        return showtime.hall.venue.get_currency_display()

    @admin.display(description="Sells")
    def sells(self, showtime):
        """What the showtime sells, as pricing.sql has it: per category, each ticket type and its price."""
        currency = showtime.hall.venue.currency
        ticket_types = {ticket_type.pk: ticket_type for ticket_type in TicketType.objects.all()}
        sold = defaultdict(list)
        for price in showtime_prices(showtime_id=showtime.pk):
            ticket_type = ticket_types[price.ticket_type_id]
            sold[price.category_id].append((ticket_type.sort_order, ticket_type.pk, ticket_type.name, price.amount))
        lines = [
            (
                category.name,
                ", ".join(f"{name} {display(amount, currency)}" for *_, name, amount in sorted(sold[category.pk]))
                or "not sold",
            )
            for category in showtime.hall.categories.all()
        ]
        source = (
            "Its own price list."
            if ShowtimePrice.objects.filter(showtime=showtime).exists()
            else "Default prices: no price list of its own."
        )
        return format_html("<p>{}</p><ul>{}</ul>", source, format_html_join("", "<li>{}: {}</li>", lines))

    def get_fields(self, request, obj=None):
        if obj is None:
            return super().get_fields(request, obj)
        return [
            "hall",
            "currency",
            "movie",
            "starts_at",
            "ends_at",
            "hold_ttl_seconds",
            "box_office_payment",
            "prevent_orphans",
            "sells",
        ]

    def get_readonly_fields(self, request, obj=None):
        # Moving a showtime to another hall would orphan its seat rows (and its prices' categories).
        return ["hall", "currency", "sells"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:  # through the service, like a new showtime: the schedule's rules and the layout board
            reschedule_showtime(
                showtime=obj,
                movie=obj.movie,
                starts_at=obj.starts_at,
                ends_at=obj.ends_at,
                hold_ttl_seconds=obj.hold_ttl_seconds,
                box_office_payment=obj.box_office_payment,
                prevent_orphans=obj.prevent_orphans,
            )
            return
        created = create_showtime(
            hall=obj.hall,
            movie=obj.movie,
            starts_at=obj.starts_at,
            ends_at=obj.ends_at,
            hold_ttl_seconds=obj.hold_ttl_seconds,
            box_office_payment=obj.box_office_payment,
            prevent_orphans=obj.prevent_orphans,
        )
        obj.pk = created.pk

    def save_formset(self, request, form, formset, change):
        if formset.model is not ShowtimePrice:
            super().save_formset(request, form, formset, change)
            return
        # The price list is replaced through the service, as a whole, and only when it changed (every
        # write moves the showtime's layout ETag). save(commit=False) only records what changed, for the
        # admin's history.
        formset.save(commit=False)
        if not formset.has_changed():
            return
        deleted = formset.deleted_forms
        prices = {
            (f.cleaned_data["category"], f.cleaned_data["ticket_type"]): f.cleaned_data["amount"]
            for f in formset.forms
            if f.cleaned_data and f not in deleted
        }
        set_showtime_prices(showtime=form.instance, prices=prices)


# --- ticket types ------------------------------------------------------------------------------------


class TicketTypeForm(forms.ModelForm):
    class Meta:
        model = TicketType
        fields = ["name", "sort_order", "is_default"]

    def clean_is_default(self):
        is_default = self.cleaned_data["is_default"]
        if (
            not is_default
            and self.instance.pk
            and TicketType.objects.filter(pk=self.instance.pk, is_default=True).exists()
        ):
            raise ValidationError(
                "A booking without a choice sells the default ticket type: make another one the default instead."
            )
        return is_default

    def _get_validation_exclusions(self):
        # The model's "one default" check would refuse every new default while the old one is still set;
        # TicketTypeAdmin.save_model un-defaults the old one in the same transaction instead.
        return {*super()._get_validation_exclusions(), "is_default"}


@admin.register(TicketType)
class TicketTypeAdmin(admin.ModelAdmin):
    form = TicketTypeForm
    list_display = ["name", "sort_order", "is_default"]

    def save_model(self, request, obj, form, change):
        save_ticket_type(ticket_type=obj)

    def has_delete_permission(self, request, obj=None):
        # The default is what every booking without a choice sells.
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_default)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _, name, description = actions["delete_selected"]
            actions[name] = (TicketTypeAdmin.delete_selected_except_default, name, description)
        return actions

    def delete_selected_except_default(self, request, queryset):
        if default := queryset.filter(is_default=True).first():
            self.message_user(
                request,
                f"{default} is the default ticket type and cannot be deleted: make another one the default first.",
                messages.ERROR,
            )
            return None
        return delete_selected(self, request, queryset)


# --- seat state, bookings, history -------------------------------------------------------------------


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
    readonly_fields = ["show_seat", "cancelled_at"]

    def has_add_permission(self, request, obj=None):
        return False


class CancelActionForm(ActionForm):
    reason = forms.CharField(required=False, max_length=150, label="Reason:")


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["reference", "user", "showtime", "created_at"]
    search_fields = ["reference", "user__username", "user__email"]
    list_filter = ["showtime__hall__venue"]
    list_select_related = ["user", "showtime__movie", "showtime__hall"]
    readonly_fields = ["reference", "showtime", "user", "idempotency_key", "created_at"]
    inlines = [BookingSeatInline]
    action_form = CancelActionForm
    actions = ["cancel_selected"]

    @admin.action(description="Cancel the selected bookings (seats back on sale, what was paid refunded)")
    def cancel_selected(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(request, "Give a reason for the cancellation.", messages.ERROR)
            return
        seats, refunded = 0, 0
        for booking in queryset:
            try:
                result = cancel_booking_by_staff(staff_user=request.user, booking=booking, reason=reason)
            except BookingError as exc:
                self.message_user(request, f"{booking}: {exc.detail}", messages.ERROR)
                continue
            seats, refunded = seats + len(result.seat_ids), refunded + result.refund
        self.message_user(request, f"Cancelled {seats} seats; refunded {refunded} in total.", messages.SUCCESS)

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


# --- orders -------------------------------------------------------------------------------------------------


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = readonly_fields = ["seat", "category", "ticket_type", "amount"]

    def has_add_permission(self, request, obj=None):
        return False


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = readonly_fields = ["amount", "reason", "provider_refund_id", "by", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders and their money, as the services left them: a ledger to read, never to edit."""

    list_display = ["reference", "user", "showtime", "status", "total_shown", "paid_shown", "refunded_shown", "method"]
    list_filter = ["status", "method", "showtime__hall__venue"]
    search_fields = ["reference", "user__username", "provider_payment_id"]
    list_select_related = ["user", "showtime__movie", "showtime__hall"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "reference",
        "user",
        "showtime",
        "status",
        "currency",
        "total",
        "amount_paid",
        "amount_refunded",
        "method",
        "provider",
        "provider_payment_id",
        "attempts",
        "created_at",
        "expires_at",
        "paid_at",
        "booking",
    ]
    inlines = [OrderLineInline, RefundInline]

    @admin.display(description="Total", ordering="total")
    def total_shown(self, order):
        return display(order.total, order.currency)

    @admin.display(description="Paid", ordering="amount_paid")
    def paid_shown(self, order):
        return display(order.amount_paid, order.currency)

    @admin.display(description="Refunded", ordering="amount_refunded")
    def refunded_shown(self, order):
        return display(order.amount_refunded, order.currency)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OwedFilter(admin.SimpleListFilter):
    title = "provider"
    parameter_name = "owed"

    def lookups(self, request, model_admin):
        return [("yes", "Owed (not confirmed by the provider)"), ("no", "Sent")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(provider_refund_id="")
        if self.value() == "no":
            return queryset.exclude(provider_refund_id="")
        return queryset


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    """Refunds as recorded; one whose provider could not be reached is owed until sent again."""

    list_display = ["created_at", "order", "amount", "reason", "provider_refund_id", "by"]
    list_filter = [OwedFilter]
    search_fields = ["order__reference", "provider_refund_id"]
    list_select_related = ["order", "by"]
    readonly_fields = ["order", "amount", "reason", "provider_refund_id", "by", "created_at"]
    actions = ["send_owed"]

    @admin.action(description="Send every owed refund to the provider again")
    def send_owed(self, request, queryset):
        self.message_user(request, f"Sent {send_owed_refunds()} owed refunds.", messages.SUCCESS)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
