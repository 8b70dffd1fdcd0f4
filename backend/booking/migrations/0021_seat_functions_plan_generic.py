"""The seat functions the services call run with plan_cache_mode = force_generic_plan (seat_writes.sql): PL/pgSQL
kept planning their statements anew on every call, most of what a hold or a release cost PostgreSQL."""

from django.db import migrations

from booking.services.locking import install_seat_functions


class Migration(migrations.Migration):
    dependencies = [("booking", "0020_best_available_holds_its_block_in_one_statement")]

    operations = [migrations.RunPython(install_seat_functions, migrations.RunPython.noop)]
