"""Every write Boxoffice makes: one keyword-only function per use case, each owning its transaction and
locks (the lock order is in locking.py; the seat functions' SQL in seat_writes.sql). No HTTP here, no
reads for display (those are selectors), and nothing else writes seats, bookings or schedules."""
