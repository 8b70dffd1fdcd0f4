"""Drop the single-column indexes that a composite index already starts with: ShowSeat.showtime (the
unique (showtime, seat) index), SeatEvent.showtime and SeatEvent.user (the history indexes). Every seat
write inserts into every index of both tables, so each one dropped is one insert fewer per write.

Only the indexes go: Django's AlterField would also drop and re-add (and so re-validate, under lock) the
foreign keys, which a large history table should not pay for.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEXES = {  # name -> (table, column), as migration 0001/0003 created them
    "booking_showseat_showtime_id_7d62e265": ("booking_showseat", "showtime_id"),
    "booking_seatevent_showtime_id_765fba81": ("booking_seatevent", "showtime_id"),
    "booking_seatevent_user_id_76ffe95e": ("booking_seatevent", "user_id"),
}

DROP = "".join(f'DROP INDEX IF EXISTS "{name}";\n' for name in INDEXES)
CREATE = "".join(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}");\n' for name, (table, column) in INDEXES.items())


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0008_no_notify_per_seat_write"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(DROP, CREATE)],
            state_operations=[
                migrations.AlterField(
                    model_name="seatevent",
                    name="showtime",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="seat_events",
                        to="booking.showtime",
                    ),
                ),
                migrations.AlterField(
                    model_name="seatevent",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="showseat",
                    name="showtime",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="show_seats",
                        to="booking.showtime",
                    ),
                ),
            ],
        )
    ]
