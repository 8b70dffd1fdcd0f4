"""Input serializers: the seat selection's short way for plainly valid bodies agrees with DRF's whole way."""

from django.conf import settings as django_settings
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from booking.api.serializers import MAX_ID, LeanInputSerializer, SeatSelectionSerializer, _plainly_valid_selection

# Values around every boundary the rules have: 0, 1, MAX_ID, past it, bools (ints in Python), floats,
# strings of digits, None, containers.
ids = st.one_of(
    st.integers(min_value=-3, max_value=5),
    st.sampled_from([MAX_ID - 1, MAX_ID, MAX_ID + 1, 2**64]),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-2, max_value=5),
    st.sampled_from(["1", "", None]),
)
id_lists = st.one_of(
    st.lists(ids, max_size=django_settings.MAX_SEATS_PER_HOLD + 2),
    st.lists(st.integers(min_value=1, max_value=4), max_size=django_settings.MAX_SEATS_PER_HOLD + 2),
    ids,
    st.dictionaries(st.text(max_size=2), ids, max_size=2),
)
bodies = st.fixed_dictionaries(
    {}, optional={"show_id": ids, "seat_id": ids, "seat_ids": id_lists, "extra": ids}
) | st.one_of(st.lists(ids, max_size=2), ids)


def _whole_way(data):
    """What DRF's own validation (the fields, their validators, validate_seat_ids, validate) makes of it."""
    serializer = SeatSelectionSerializer(data=data)
    try:
        return LeanInputSerializer.run_validation(serializer, data)
    except serializers.ValidationError:
        return "invalid"


@settings(max_examples=400, deadline=None)
@given(bodies)
@example({"show_id": 1, "seat_id": 2})
@example({"show_id": 1, "seat_ids": [2, 3]})
@example({"show_id": True, "seat_ids": [2]})
@example({"show_id": 1, "seat_ids": [2, 2]})
@example({"show_id": 1, "seat_ids": [MAX_ID + 1]})
@example({"show_id": 1, "seat_id": 2, "seat_ids": [3]})
def test_the_short_way_answers_only_what_the_whole_way_would(data):
    plain = _plainly_valid_selection(data)
    if plain is not None:
        assert plain == _whole_way(data)


def test_the_short_way_takes_the_common_bodies():
    """It must actually be taken (else it saves nothing): a hold of one seat, or of a few."""
    assert _plainly_valid_selection({"show_id": 7, "seat_id": 3}) == {"show_id": 7, "seat_ids": [3]}
    assert _plainly_valid_selection({"show_id": 7, "seat_ids": [3, 1]}) == {"show_id": 7, "seat_ids": [3, 1]}
    serializer = SeatSelectionSerializer(data={"show_id": 7, "seat_ids": [3, 1], "note": "x"})
    assert serializer.is_valid()
    assert serializer.validated_data == {"show_id": 7, "seat_ids": [3, 1]}
