"""boxoffice_hold_block (seat_writes.sql): best available locks its block's segments, checks they are as it read
them and holds the block in one statement (it took two, each repeating the snapshot and the user's lock); the
segment lock it shares with boxoffice_lock_segments is boxoffice_lock_segment_rows."""

from django.db import migrations

from booking.services.locking import install_seat_functions


class Migration(migrations.Migration):
    dependencies = [("booking", "0019_lock_segments_planned_per_call")]

    operations = [migrations.RunPython(install_seat_functions, migrations.RunPython.noop)]
