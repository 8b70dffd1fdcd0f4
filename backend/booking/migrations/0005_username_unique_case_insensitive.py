"""Usernames are unique ignoring case: `QA_ALICE` cannot register next to `qa_alice`, nor `Admin` next to
`admin` (an impersonation risk on bookings and in support). auth.User is Django's model, so the rule is
an index of ours on its table; UPPER() is what Django's `username__iexact` compares, so sign-in
(booking.backends.CaseInsensitiveModelBackend) uses the same index."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("booking", "0004_rate_counter"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE UNIQUE INDEX auth_user_username_upper_uniq ON auth_user (UPPER(username))",
            reverse_sql="DROP INDEX auth_user_username_upper_uniq",
        ),
    ]
