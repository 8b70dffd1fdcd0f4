"""boxoffice_lock_segments (seat_writes.sql) also returns the showtime's no-single-seat switch: a process that
remembers a showtime as under the rule sends its holds to the segment locks first, and learns there when the
rule has been turned off."""

from django.db import migrations

from booking.services.locking import install_seat_functions


class Migration(migrations.Migration):
    dependencies = [("booking", "0017_seat_snapshot_plpgsql")]

    operations = [migrations.RunPython(install_seat_functions, migrations.RunPython.noop)]
