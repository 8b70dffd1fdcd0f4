"""The hold and confirm functions count the request in its rate-limit window themselves
(`boxoffice_count_hit`, booking/services/seat_writes.sql): a seat write and its rate-limit counter are one
round trip instead of two, and a hot seat's loser costs one.

The two functions gain three trailing parameters with defaults, so the old signatures are dropped first
(CREATE OR REPLACE would add an overload beside them).
"""

from django.db import migrations

from booking.services.locking import install_seat_functions

DROP_OLD = """
DROP FUNCTION IF EXISTS boxoffice_hold_seats(bigint, bigint, bigint[], timestamptz, integer, integer, text, integer);
DROP FUNCTION IF EXISTS boxoffice_confirm_booking(bigint, bigint, bigint[], timestamptz, text, text, text, integer);
"""

class Migration(migrations.Migration):
    dependencies = [("booking", "0009_drop_covered_indexes")]

    operations = [
        migrations.RunSQL(DROP_OLD, migrations.RunSQL.noop),
        # Going back needs nothing: the new parameters have defaults, so the functions answer the code of
        # 0009 as they did (uncounted). Migration 0006's reverse drops them with the rest.
        migrations.RunPython(install_seat_functions, migrations.RunPython.noop),
    ]
