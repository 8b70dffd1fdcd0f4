"""Orders and payment (issue 12's second slice): Order, OrderLine, Refund, PaymentEvent and
Showtime.box_office_payment.

Every earlier booking becomes a box-office order of the same reference with a line per seat at today's
listed price, so that every booked seat is on a line of a paid or box-office order (the money invariant);
the seat functions are reinstalled: confirming records its box-office order in the same statement, and
boxoffice_settle_order books a paid order.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from booking.services.locking import install_seat_functions
from booking.services.pricing import install_pricing_functions

# Every booking made before orders existed becomes a box-office order of the same reference, a line per
# seat at its category's listed price today (pricing.sql): every booked seat has its order line.
ORDERS_FOR_EARLIER_BOOKINGS = """
INSERT INTO booking_order (reference, user_id, showtime_id, status, currency, total, created_at, expires_at,
                           method, provider, attempts, amount_paid, amount_refunded, booking_id)
SELECT b.reference, b.user_id, b.showtime_id, 'box_office', v.currency, 0, b.created_at, b.created_at,
       'box_office', '', 0, 0, 0, b.id
FROM booking_booking b
JOIN booking_showtime st ON st.id = b.showtime_id
JOIN booking_hall h ON h.id = st.hall_id
JOIN booking_venue v ON v.id = h.venue_id;

INSERT INTO booking_orderline (order_id, seat_id, category_id, ticket_type_id, amount)
SELECT o.id, se.id, se.category_id,
       COALESCE(lp.ticket_type_id, (SELECT t.id FROM booking_tickettype t ORDER BY t.is_default DESC, t.id LIMIT 1)),
       COALESCE(lp.amount, 0)
FROM booking_order o
JOIN booking_bookingseat bs ON bs.booking_id = o.booking_id
JOIN booking_showseat ss ON ss.id = bs.show_seat_id
JOIN booking_seat se ON se.id = ss.seat_id
LEFT JOIN LATERAL boxoffice_listed_prices(o.showtime_id) lp ON lp.category_id = se.category_id;

UPDATE booking_order o SET total = COALESCE((SELECT sum(l.amount) FROM booking_orderline l WHERE l.order_id = o.id), 0);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0011_categories_and_prices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='showtime',
            name='box_office_payment',
            field=models.BooleanField(default=True, help_text='Allow paying at the box office on arrival.'),
        ),
        migrations.CreateModel(
            name='Order',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reference', models.CharField(max_length=16, unique=True)),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('processing', 'Processing'), ('paid', 'Paid'), ('box_office', 'Box Office'), ('expired', 'Expired'), ('abandoned', 'Abandoned'), ('refunded', 'Refunded')], default='pending', max_length=10)),
                ('currency', models.CharField(max_length=3)),
                ('total', models.DecimalField(decimal_places=2, max_digits=10)),
                ('created_at', models.DateTimeField()),
                ('expires_at', models.DateTimeField()),
                ('method', models.CharField(blank=True, choices=[('card', 'Card'), ('box_office', 'Box Office')], max_length=10)),
                ('provider', models.CharField(blank=True, max_length=40)),
                ('provider_payment_id', models.CharField(blank=True, max_length=255, null=True)),
                ('attempts', models.PositiveIntegerField(default=0)),
                ('amount_paid', models.DecimalField(decimal_places=2, default=0, max_digits=10)),
                ('amount_refunded', models.DecimalField(decimal_places=2, default=0, max_digits=10)),
                ('paid_at', models.DateTimeField(blank=True, null=True)),
                ('booking', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='order', to='booking.booking')),
                ('showtime', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='orders', to='booking.showtime')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='orders', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='OrderLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=10)),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='booking.seatcategory')),
                ('order', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='booking.order')),
                ('seat', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='booking.seat')),
                ('ticket_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='booking.tickettype')),
            ],
        ),
        migrations.CreateModel(
            name='PaymentEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('provider', models.CharField(max_length=40)),
                ('event_id', models.CharField(max_length=255)),
                ('kind', models.CharField(max_length=60)),
                ('received_at', models.DateTimeField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('provider', 'event_id'), name='paymentevent_unique_event')],
            },
        ),
        migrations.CreateModel(
            name='Refund',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=10)),
                ('provider_refund_id', models.CharField(max_length=255)),
                ('reason', models.CharField(max_length=200)),
                ('created_at', models.DateTimeField()),
                ('order', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='refunds', to='booking.order')),
            ],
            options={
                'ordering': ['-created_at'],
            },
        ),
        migrations.AddIndex(
            model_name='order',
            index=models.Index(fields=['user', '-created_at'], name='order_user_created_idx'),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(('total__gte', 0)), name='order_total_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(('amount_paid__gte', 0), ('amount_paid__lte', models.F('total')), ('amount_refunded__gte', 0), ('amount_refunded__lte', models.F('amount_paid'))), name='order_refund_within_payment'),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(models.Q(('booking__isnull', False), ('status__in', ['paid', 'box_office'])), models.Q(models.Q(('status__in', ['paid', 'box_office']), _negated=True), ('booking__isnull', True)), _connector='OR'), models.Q(models.Q(('status', 'paid'), _negated=True), ('amount_paid', models.F('total')), _connector='OR'), models.Q(models.Q(('status', 'refunded'), _negated=True), ('amount_refunded', models.F('amount_paid')), _connector='OR')), name='order_status_fields'),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.UniqueConstraint(condition=models.Q(('provider_payment_id__isnull', False)), fields=('provider', 'provider_payment_id'), name='order_unique_provider_payment'),
        ),
        migrations.AddConstraint(
            model_name='orderline',
            constraint=models.UniqueConstraint(fields=('order', 'seat'), name='orderline_unique_seat_per_order'),
        ),
        migrations.AddConstraint(
            model_name='orderline',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='orderline_amount_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='refund',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='refund_amount_positive'),
        ),
        migrations.RunSQL(ORDERS_FOR_EARLIER_BOOKINGS, migrations.RunSQL.noop),
        # boxoffice_unsold_seats (pricing.sql), which both the hold and the confirm function use; confirming
        # records its box-office order; boxoffice_settle_order books a paid order (seat_writes.sql).
        migrations.RunPython(install_pricing_functions, migrations.RunPython.noop),
        migrations.RunPython(install_seat_functions, migrations.RunPython.noop),
    ]
