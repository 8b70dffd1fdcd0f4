"""The hold's seat snapshot and the companion rule (seat_writes.sql) become PL/pgSQL, which keeps its plan for the
session: as SQL functions that are not inlined they were planned on every hold (pgbench, hold + release pairs on
distinct seats, paired with the code before migration 0015: 952 / 1,060 pairs/s)."""

from django.db import migrations

from booking.services.locking import install_seat_functions


class Migration(migrations.Migration):
    dependencies = [("booking", "0016_best_available_idempotency")]

    operations = [migrations.RunPython(install_seat_functions, migrations.RunPython.noop)]
