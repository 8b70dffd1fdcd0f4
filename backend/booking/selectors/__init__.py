"""Selectors: every read Boxoffice makes of its database, split by job (`schedule`, `layout`, `audit`).
A selector takes keyword arguments and returns model instances, dataclasses or plain Python values
(datetimes stay datetimes); it writes nothing and knows nothing of HTTP: no request, no status code, no
header, no encoded JSON. Writes belong to `booking/services/`; the wire format (ETags, JSON bytes, how a
datetime is written) to `booking/api/`, which imports selectors, never the other way round. Import the
submodule you need (`from booking.selectors.schedule import upcoming_showtimes`); this file exports nothing.
"""
