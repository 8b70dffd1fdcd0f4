"""NOTIFY boxoffice_layout on every change a seat map depends on (booking/layout_board.py listens).

A layout version bump names its showtime; a change to showtimes, movies, halls, venues or a showtime's
seat rows (added or removed, not their state: that always bumps the version) says '*'. PostgreSQL sends
the notifications at commit, once per distinct payload per transaction, and never for a rollback.
"""

from django.db import migrations

INSTALL = """
CREATE FUNCTION boxoffice_notify_layout_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('boxoffice_layout', NEW.showtime_id::text);
    RETURN NULL;
END $$;

CREATE FUNCTION boxoffice_notify_layout_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('boxoffice_layout', '*');
    RETURN NULL;
END $$;

CREATE TRIGGER boxoffice_layout_version_notify AFTER INSERT OR UPDATE ON booking_layoutversion
    FOR EACH ROW EXECUTE FUNCTION boxoffice_notify_layout_version();
CREATE TRIGGER boxoffice_showtime_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON booking_showtime
    FOR EACH STATEMENT EXECUTE FUNCTION boxoffice_notify_layout_all();
CREATE TRIGGER boxoffice_movie_notify AFTER UPDATE OR DELETE OR TRUNCATE ON booking_movie
    FOR EACH STATEMENT EXECUTE FUNCTION boxoffice_notify_layout_all();
CREATE TRIGGER boxoffice_hall_notify AFTER UPDATE OR DELETE OR TRUNCATE ON booking_hall
    FOR EACH STATEMENT EXECUTE FUNCTION boxoffice_notify_layout_all();
CREATE TRIGGER boxoffice_venue_notify AFTER UPDATE OR DELETE OR TRUNCATE ON booking_venue
    FOR EACH STATEMENT EXECUTE FUNCTION boxoffice_notify_layout_all();
CREATE TRIGGER boxoffice_showseat_rows_notify AFTER INSERT OR DELETE OR TRUNCATE ON booking_showseat
    FOR EACH STATEMENT EXECUTE FUNCTION boxoffice_notify_layout_all();
"""

DROP = """
DROP TRIGGER IF EXISTS boxoffice_layout_version_notify ON booking_layoutversion;
DROP TRIGGER IF EXISTS boxoffice_showtime_notify ON booking_showtime;
DROP TRIGGER IF EXISTS boxoffice_movie_notify ON booking_movie;
DROP TRIGGER IF EXISTS boxoffice_hall_notify ON booking_hall;
DROP TRIGGER IF EXISTS boxoffice_venue_notify ON booking_venue;
DROP TRIGGER IF EXISTS boxoffice_showseat_rows_notify ON booking_showseat;
DROP FUNCTION IF EXISTS boxoffice_notify_layout_version();
DROP FUNCTION IF EXISTS boxoffice_notify_layout_all();
"""


class Migration(migrations.Migration):
    dependencies = [("booking", "0006_seat_functions")]

    operations = [migrations.RunSQL(INSTALL, DROP)]
