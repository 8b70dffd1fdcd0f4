"""Seat categories, ticket types and showtime prices (issue 12's first slice).

  * every hall gets a "Standard" category (10.00 in its venue's currency) holding all its seats, and an
    "Adult" ticket type is created as the default, so existing halls and showtimes keep selling as before;
  * pricing.sql (booking/services/pricing.py) installs the one definition of what a showtime sells;
  * triggers: a seat's category is of the seat's own hall, a price's category of the showtime's hall
    (check_violation otherwise); a change to a seat's row, number or category bumps its hall's
    plan_revision (the seat map's cached plan); a change to categories, ticket types or prices tells the
    layout board ('*', as migration 0007's triggers do), whose ETags then move with the price list;
  * the hold function is reinstalled: it refuses a seat whose category the showtime does not sell.
"""

from decimal import Decimal

import booking.money
import django.db.models.deletion
from django.db import migrations, models

from booking.services.locking import install_seat_functions
from booking.services.pricing import install_pricing_functions

STANDARD = {"name": "Standard", "colour": "#3b82f6", "sort_order": 0, "default_price": Decimal("10.00")}


def categorise_existing_seats(apps, schema_editor):
    TicketType = apps.get_model("booking", "TicketType")
    Hall = apps.get_model("booking", "Hall")
    SeatCategory = apps.get_model("booking", "SeatCategory")
    Seat = apps.get_model("booking", "Seat")
    TicketType.objects.get_or_create(name="Adult", defaults={"is_default": True})
    for hall in Hall.objects.all():
        category = SeatCategory.objects.create(hall=hall, **STANDARD)
        Seat.objects.filter(hall=hall).update(category=category)
    # The seat rows' deferred foreign-key checks now, or the ALTER TABLE below finds them pending.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


TRIGGERS = """
CREATE FUNCTION boxoffice_seat_category_in_hall() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM booking_seatcategory c WHERE c.id = NEW.category_id AND c.hall_id = NEW.hall_id) THEN
        RAISE EXCEPTION 'seat category % is not a category of hall %', NEW.category_id, NEW.hall_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'seat_category_in_hall';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER boxoffice_seat_category_in_hall BEFORE INSERT OR UPDATE OF category_id, hall_id ON booking_seat
    FOR EACH ROW EXECUTE FUNCTION boxoffice_seat_category_in_hall();

CREATE FUNCTION boxoffice_price_category_in_hall() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM booking_seatcategory c JOIN booking_showtime st ON st.hall_id = c.hall_id
                   WHERE c.id = NEW.category_id AND st.id = NEW.showtime_id) THEN
        RAISE EXCEPTION 'seat category % is not of the hall of showtime %', NEW.category_id, NEW.showtime_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'showtimeprice_category_in_hall';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER boxoffice_price_category_in_hall BEFORE INSERT OR UPDATE OF category_id, showtime_id
    ON booking_showtimeprice FOR EACH ROW EXECUTE FUNCTION boxoffice_price_category_in_hall();

-- A category keeps its hall: its seats and prices were checked against it.
CREATE FUNCTION boxoffice_category_keeps_hall() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.hall_id <> OLD.hall_id THEN
        RAISE EXCEPTION 'a seat category cannot move to another hall'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'seatcategory_keeps_hall';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER boxoffice_category_keeps_hall BEFORE UPDATE OF hall_id ON booking_seatcategory
    FOR EACH ROW EXECUTE FUNCTION boxoffice_category_keeps_hall();

-- One statement-level trigger per statement, however many seats it changes (bulk re-categorisation).
CREATE FUNCTION boxoffice_seat_plan_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE booking_hall h SET plan_revision = h.plan_revision + 1
    WHERE h.id IN (SELECT n.hall_id FROM new_rows n JOIN old_rows o ON o.id = n.id
                   WHERE (n.row, n.number, n.category_id, n.hall_id)
                         IS DISTINCT FROM (o.row, o.number, o.category_id, o.hall_id)
                   UNION
                   SELECT o.hall_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.hall_id <> o.hall_id);
    RETURN NULL;
END $$;
CREATE TRIGGER boxoffice_seat_plan_changed AFTER UPDATE ON booking_seat
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION boxoffice_seat_plan_changed();

CREATE TRIGGER boxoffice_seatcategory_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON booking_seatcategory
    FOR EACH STATEMENT EXECUTE FUNCTION boxoffice_notify_layout_all();
CREATE TRIGGER boxoffice_tickettype_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON booking_tickettype
    FOR EACH STATEMENT EXECUTE FUNCTION boxoffice_notify_layout_all();
CREATE TRIGGER boxoffice_showtimeprice_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON booking_showtimeprice
    FOR EACH STATEMENT EXECUTE FUNCTION boxoffice_notify_layout_all();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS boxoffice_seat_category_in_hall ON booking_seat;
DROP TRIGGER IF EXISTS boxoffice_seat_plan_changed ON booking_seat;
DROP TRIGGER IF EXISTS boxoffice_price_category_in_hall ON booking_showtimeprice;
DROP TRIGGER IF EXISTS boxoffice_category_keeps_hall ON booking_seatcategory;
DROP TRIGGER IF EXISTS boxoffice_seatcategory_notify ON booking_seatcategory;
DROP TRIGGER IF EXISTS boxoffice_tickettype_notify ON booking_tickettype;
DROP TRIGGER IF EXISTS boxoffice_showtimeprice_notify ON booking_showtimeprice;
DROP FUNCTION IF EXISTS boxoffice_seat_category_in_hall();
DROP FUNCTION IF EXISTS boxoffice_price_category_in_hall();
DROP FUNCTION IF EXISTS boxoffice_category_keeps_hall();
DROP FUNCTION IF EXISTS boxoffice_seat_plan_changed();
DROP FUNCTION IF EXISTS boxoffice_pricing_json(bigint);
DROP FUNCTION IF EXISTS boxoffice_listed_prices(bigint);
DROP FUNCTION IF EXISTS boxoffice_showtime_prices(bigint);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0010_rate_count_in_seat_functions'),
    ]

    operations = [
        migrations.AddField(
            model_name='hall',
            name='plan_revision',
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='venue',
            name='currency',
            field=models.CharField(choices=booking.money.currency_choices, default='EUR', max_length=3),
        ),
        migrations.CreateModel(
            name='SeatCategory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=60)),
                ('colour', models.CharField(help_text="The seat map's colour, as #rrggbb.", max_length=7)),
                ('sort_order', models.PositiveSmallIntegerField(default=0)),
                ('default_price', models.DecimalField(decimal_places=2, help_text="In the venue's currency; used by showtimes without their own prices.", max_digits=10)),
                ('hall', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='categories', to='booking.hall')),
            ],
            options={
                'verbose_name_plural': 'seat categories',
                'ordering': ['hall', 'sort_order', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='seat',
            name='category',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='seats', to='booking.seatcategory'),
        ),
        migrations.CreateModel(
            name='TicketType',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=60, unique=True)),
                ('sort_order', models.PositiveSmallIntegerField(default=0)),
                ('is_default', models.BooleanField(default=False)),
            ],
            options={
                'ordering': ['sort_order', 'pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('is_default', True)), fields=('is_default',), name='tickettype_one_default')],
            },
        ),
        migrations.CreateModel(
            name='ShowtimePrice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.DecimalField(decimal_places=2, help_text="In the venue's currency.", max_digits=10)),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='booking.seatcategory')),
                ('showtime', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='prices', to='booking.showtime')),
                ('ticket_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='booking.tickettype')),
            ],
            options={
                'ordering': ['showtime', 'category__sort_order', 'ticket_type__sort_order'],
            },
        ),
        migrations.AddConstraint(
            model_name='seatcategory',
            constraint=models.UniqueConstraint(fields=('hall', 'name'), name='seatcategory_unique_name_per_hall'),
        ),
        migrations.AddConstraint(
            model_name='seatcategory',
            constraint=models.CheckConstraint(condition=models.Q(('colour__regex', '^#[0-9a-fA-F]{6}$')), name='seatcategory_colour_hex'),
        ),
        migrations.AddConstraint(
            model_name='seatcategory',
            constraint=models.CheckConstraint(condition=models.Q(('default_price__gte', 0)), name='seatcategory_default_price_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='showtimeprice',
            constraint=models.UniqueConstraint(fields=('showtime', 'category', 'ticket_type'), name='showtimeprice_unique_per_category_ticket'),
        ),
        migrations.AddConstraint(
            model_name='showtimeprice',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='showtimeprice_amount_not_negative'),
        ),
        migrations.RunPython(categorise_existing_seats, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='seat',
            name='category',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='seats', to='booking.seatcategory'),
        ),
        migrations.RunPython(install_pricing_functions, migrations.RunPython.noop),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
        # The hold function refuses a category the showtime does not sell (seat_writes.sql).
        migrations.RunPython(install_seat_functions, migrations.RunPython.noop),
    ]
