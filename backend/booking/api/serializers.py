"""Input validation of the API (the output shapes are in shapes.py). Views stay thin; services stay HTTP-free."""

import copy
from datetime import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from rest_framework import serializers

from booking.exceptions import InvalidRequest


def isoformat_utc(value: datetime) -> str:
    """ISO 8601 with a Z suffix, the form DRF renders datetimes in: how every datetime the API serves is
    written (the payloads below, the hall layout's pre-encoded JSON, and the renderer for the rest)."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class StrictIntegerField(serializers.IntegerField):
    """An integer that is a JSON number: "5", 5.0 and true are wrong types, not ids."""

    default_error_messages = {"invalid": "A whole number is required."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictStringMixin:
    """A string that is a JSON string: DRF's CharField would turn 12345678 or true into "12345678"/"True"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(StrictStringMixin, serializers.CharField):
    default_error_messages = {"invalid": "A string is required."}


class StrictRegexField(StrictStringMixin, serializers.RegexField):
    pass


class StrictEmailField(StrictStringMixin, serializers.EmailField):
    pass


MAX_ID = 2**63 - 1  # PostgreSQL bigint: larger ids cannot exist and would fail in the query


class LeanInputSerializer(serializers.Serializer):
    """An input serializer for the hot endpoints: DRF deep-copies every declared field for every
    instance (a tenth of a hold's CPU). Validating with a field never changes it, so a shallow copy per
    instance (to bind it to this serializer) is enough. Only for flat serializers of plain fields."""

    def get_fields(self):
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}


class SeatSelectionSerializer(LeanInputSerializer):
    """`{show_id, seat_id}` or `{show_id, seat_ids: [...]}`: exactly one of the two. Unknown keys are ignored."""

    show_id = StrictIntegerField(min_value=1, max_value=MAX_ID)
    seat_id = StrictIntegerField(min_value=1, max_value=MAX_ID, required=False)
    seat_ids = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=MAX_ID), required=False, allow_empty=False
    )

    def validate_seat_ids(self, value):
        if len(value) > settings.MAX_SEATS_PER_HOLD:
            raise serializers.ValidationError(
                f"At most {settings.MAX_SEATS_PER_HOLD} seats per request.", code="too_many_seats"
            )
        if len(set(value)) != len(value):
            raise serializers.ValidationError("Each seat may appear only once.", code="duplicate_seats")
        return value

    def validate(self, attrs):
        has_one, has_many = "seat_id" in attrs, "seat_ids" in attrs
        if has_one == has_many:
            raise serializers.ValidationError("Send exactly one of seat_id or seat_ids.", code="seat_id_or_seat_ids")
        attrs["seat_ids"] = [attrs.pop("seat_id")] if has_one else attrs["seat_ids"]
        return attrs

    def run_validation(self, data=serializers.empty):
        # Every hold, booking and release passes through here: a body that is plainly valid is taken
        # as it is, without DRF's walk over fields and validators (a tenth of a hold's CPU in the web
        # tier). Anything else, every error included, goes the whole way; a property test checks that
        # both ways agree wherever the short one answers.
        plain = _plainly_valid_selection(data)
        return plain if plain is not None else super().run_validation(data)


def _is_id(value) -> bool:
    return type(value) is int and 1 <= value <= MAX_ID


def _plainly_valid_selection(data) -> dict | None:
    """What SeatSelectionSerializer makes of `data` when it is a valid selection of the common shape (ids
    that are plain ints in range, no duplicates, within the per-request limit); None for anything else."""
    if not isinstance(data, dict) or not _is_id(data.get("show_id")):
        return None
    if "seat_ids" in data:
        seat_ids = data["seat_ids"]
        if (
            "seat_id" in data
            or type(seat_ids) is not list
            or not 0 < len(seat_ids) <= settings.MAX_SEATS_PER_HOLD
            or not all(_is_id(seat) for seat in seat_ids)
            or len(set(seat_ids)) != len(seat_ids)
        ):
            return None
        return {"show_id": data["show_id"], "seat_ids": list(seat_ids)}
    return {"show_id": data["show_id"], "seat_ids": [data["seat_id"]]} if _is_id(data.get("seat_id")) else None


class OrderSeatSerializer(serializers.Serializer):
    seat_id = StrictIntegerField(min_value=1, max_value=MAX_ID)
    ticket_type_id = StrictIntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="A ticket type the showtime sells for the seat's category; omitted: the category's listed price.",
    )


class OrderCreateSerializer(serializers.Serializer):
    show_id = StrictIntegerField(min_value=1, max_value=MAX_ID)
    seats = serializers.ListField(
        child=OrderSeatSerializer(),
        min_length=1,
        max_length=settings.MAX_SEATS_PER_HOLD,
        help_text="Seats you hold for this showtime, each once.",
    )

    def validate_seats(self, value):
        if len({seat["seat_id"] for seat in value}) != len(value):
            raise serializers.ValidationError("Each seat may appear only once.", code="duplicate_seats")
        return value


class CardSerializer(serializers.Serializer):
    """What the test provider's card form sends (never stored, never logged)."""

    number = StrictRegexField(
        r"^[0-9][0-9 -]{10,22}[0-9]$", help_text="12 to 19 digits; spaces and dashes are ignored."
    )
    expiry = StrictRegexField(r"^(0[1-9]|1[0-2])/[0-9]{2}$", help_text="MM/YY")
    cvc = StrictRegexField(r"^[0-9]{3,4}$")

    def validate_number(self, value):
        digits = value.replace(" ", "").replace("-", "")
        if not 12 <= len(digits) <= 19:
            raise serializers.ValidationError("A card number has 12 to 19 digits.")
        return digits


class PaySerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=["card", "box_office"])
    card = CardSerializer(required=False, help_text="Required for `card`.")

    def validate(self, attrs):
        if attrs["method"] == "card" and "card" not in attrs:
            raise serializers.ValidationError({"card": ["Required to pay by card."]}, code="required")
        return attrs


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false only: "true", 1 and "yes" are refused."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class BestAvailableSerializer(serializers.Serializer):
    show_id = StrictIntegerField(min_value=1, max_value=MAX_ID)
    quantity = StrictIntegerField(min_value=1, max_value=settings.MAX_SEATS_PER_HOLD, help_text="The party's size.")
    category = StrictIntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="Only seats of this category (an id of the layout's)."
    )
    accessible = StrictBooleanField(
        required=False,
        default=False,
        help_text="Wheelchair spaces and their companion seats (a block with at least one wheelchair space); "
        "otherwise they are left out.",
    )


class CancelSerializer(serializers.Serializer):
    seat_ids = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        min_length=1,
        max_length=settings.MAX_SEATS_PER_HOLD,
        help_text="Some of the booking's seats; omitted: all of them.",
    )


class RegisterSerializer(serializers.Serializer):
    username = StrictRegexField(
        r"^[\w.@+-]+\Z", max_length=150, error_messages={"invalid": "Letters, digits and @/./+/-/_ only."}
    )
    # The length and "not all digits" are stated here (and so in the schema); the rest of the strength
    # rules (not common, not like the username) cannot be, and answer 400 from register_user.
    password = StrictCharField(
        min_length=settings.PASSWORD_MIN_LENGTH,
        max_length=128,
        trim_whitespace=False,
        # NumericPasswordValidator's rule, stated where the schema can see it (`pattern`).
        validators=[RegexValidator(r"\D", "This password is entirely numeric.", code="invalid")],
        help_text=f"{settings.PASSWORD_MIN_LENGTH} to 128 characters; not a common password, not all digits, "
        "not similar to the username or e-mail (400 `invalid` otherwise).",
    )
    email = StrictEmailField(required=False, allow_blank=True, default="")


class LoginSerializer(serializers.Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=128, trim_whitespace=False)


def validated_input(serializer_class, request) -> dict:
    """The request's JSON object validated by `serializer_class`; anything else is a 400."""
    if not isinstance(request.data, dict):
        raise InvalidRequest("Send a JSON object.")
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
