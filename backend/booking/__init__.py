"""The booking app: venues, halls, seats, movies, showtimes, each seat's state per showtime, bookings.
Writes in services/, reads in selectors/, HTTP endpoints in api/ (DESIGN.md, "Where things are")."""
