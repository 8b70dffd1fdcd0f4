"""boxoffice_lock_segments (seat_writes.sql) plans its segment lock for the seats asked for on every call:
without statistics, the cached generic plan joined every seat of the showtime first (~5 ms a call in a
1,000-seat hall)."""

from django.db import migrations

from booking.services.locking import install_seat_functions


class Migration(migrations.Migration):
    dependencies = [("booking", "0018_lock_segments_reports_the_switch")]

    operations = [migrations.RunPython(install_seat_functions, migrations.RunPython.noop)]
