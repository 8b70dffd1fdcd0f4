"""Hall geometry and the no-single-seat rule (issue 13):

  * a seat gets its place in the hall plan (`column`), the run of adjacent seats it belongs to (`segment`)
    and its kind (standard, wheelchair space, companion seat); existing seats stand where their number
    says, each row one segment;
  * the plan-revision trigger also watches those columns (the seat map's cached plan carries them);
  * a hall gets the focal point best available ranks by, a showtime the no-single-seat switch, a venue
    its time zone;
  * the seat functions are reinstalled: the hold function hands a showtime under the rule to the service's
    segment-locking path (services/holds.py) and refuses a companion seat on its own.
"""

from decimal import Decimal

import booking.models
from django.db import migrations, models

from booking.services.locking import install_seat_functions

PLAN_TRIGGER = """
CREATE OR REPLACE FUNCTION boxoffice_seat_plan_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE booking_hall h SET plan_revision = h.plan_revision + 1
    WHERE h.id IN (SELECT n.hall_id FROM new_rows n JOIN old_rows o ON o.id = n.id
                   WHERE (n.row, n.number, n.column, n.segment, n.kind, n.category_id, n.hall_id)
                         IS DISTINCT FROM (o.row, o.number, o.column, o.segment, o.kind, o.category_id, o.hall_id)
                   UNION
                   SELECT o.hall_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.hall_id <> o.hall_id);
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("booking", "0014_unsold_seats_short_path")]

    operations = [
        migrations.AddField(
            model_name="seat",
            name="column",
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.RunSQL('UPDATE booking_seat SET "column" = number', migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="seat",
            name="column",
            field=models.PositiveSmallIntegerField(),
        ),
        migrations.AddField(
            model_name="seat",
            name="segment",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="seat",
            name="kind",
            field=models.CharField(
                choices=[
                    ("standard", "Standard"),
                    ("wheelchair", "wheelchair space"),
                    ("companion", "companion seat"),
                ],
                default="standard",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="seat",
            constraint=models.UniqueConstraint(fields=("hall", "row", "column"), name="seat_unique_column"),
        ),
        migrations.AddConstraint(
            model_name="seat",
            constraint=models.CheckConstraint(
                condition=models.Q(column__gte=1, segment__gte=1), name="seat_column_segment_positive"
            ),
        ),
        migrations.AddIndex(
            model_name="seat",
            index=models.Index(fields=["hall", "row", "segment"], name="seat_segment_idx"),
        ),
        migrations.AddField(
            model_name="hall",
            name="focus_across",
            field=models.DecimalField(decimal_places=2, default=Decimal("0.50"), max_digits=3),
        ),
        migrations.AddField(
            model_name="hall",
            name="focus_depth",
            field=models.DecimalField(decimal_places=2, default=Decimal("0.67"), max_digits=3),
        ),
        migrations.AddConstraint(
            model_name="hall",
            constraint=models.CheckConstraint(
                condition=models.Q(focus_across__gte=0, focus_across__lte=1, focus_depth__gte=0, focus_depth__lte=1),
                name="hall_focus_in_plan",
            ),
        ),
        migrations.AddField(
            model_name="showtime",
            name="prevent_orphans",
            field=models.BooleanField(
                default=False,
                help_text="Refuse holds that would leave a single free seat stranded in its row segment.",
            ),
        ),
        migrations.AddField(
            model_name="venue",
            name="time_zone",
            field=models.CharField(default="UTC", max_length=64, validators=[booking.models.validate_time_zone]),
        ),
        migrations.RunSQL(PLAN_TRIGGER, migrations.RunSQL.noop),
        migrations.RunPython(install_seat_functions, migrations.RunPython.noop),
    ]
