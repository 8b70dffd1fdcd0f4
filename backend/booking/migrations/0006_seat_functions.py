"""Hold, confirm and release as PL/pgSQL functions (booking/services/seat_writes.sql): one round trip each."""

from django.db import migrations

from booking.services.locking import install_seat_functions

DROP = """
DROP FUNCTION IF EXISTS boxoffice_confirm_booking(
    bigint, bigint, bigint[], timestamptz, text, text, text, integer, text, integer, timestamptz);
DROP FUNCTION IF EXISTS boxoffice_hold_seats(
    bigint, bigint, bigint[], timestamptz, integer, integer, text, integer, text, integer, timestamptz);
DROP FUNCTION IF EXISTS boxoffice_count_hit(text, timestamptz);
DROP FUNCTION IF EXISTS boxoffice_confirm_booking(bigint, bigint, bigint[], timestamptz, text, text, text, integer);
DROP FUNCTION IF EXISTS boxoffice_release_holds(bigint, bigint, bigint[], timestamptz, text);
DROP FUNCTION IF EXISTS boxoffice_hold_seats(bigint, bigint, bigint[], timestamptz, integer, integer, text, integer);
DROP FUNCTION IF EXISTS boxoffice_change_seats(
    bigint[], text, bigint, timestamptz, text, bigint, timestamptz, timestamptz, bigint);
DROP FUNCTION IF EXISTS boxoffice_is_live_hold(text, timestamptz, timestamptz);
"""


def drop_seat_functions(apps, schema_editor):
    schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("booking", "0005_username_unique_case_insensitive")]

    operations = [migrations.RunPython(install_seat_functions, drop_seat_functions)]
