"""The one exception handler of the booking API: domain errors (booking.exceptions), DRF's errors and a
lost database become the one error shape, `{"detail": str, "code": str, "seat_ids"?, "errors"?}`.
Errors raised before a view runs (unknown paths, CSRF, bad hosts, crashes, sign-in lockouts) get the
same shape from http_infra/errors.py."""

import logging

from django.db import InterfaceError, OperationalError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from booking.exceptions import BookingError, DatabaseUnavailable

logger = logging.getLogger(__name__)

# SQLSTATEs of a connection that is gone or refused: class 08, and the server shutting down or starting.
_CONNECTION_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def _is_connection_failure(exc) -> bool:
    """A database error that says "no database right now", not "this query was wrong"."""
    if not isinstance(exc, (OperationalError, InterfaceError)):
        return False
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    # psycopg reports a refused or dropped connection without any server SQLSTATE.
    return sqlstate is None or sqlstate.startswith(_CONNECTION_SQLSTATES)


def _first_error(errors) -> tuple[str, str, str]:
    """(field path, message, code) of the first error in a DRF error tree."""
    if isinstance(errors, dict):
        for field, value in errors.items():
            path, message, code = _first_error(value)
            return (f"{field}.{path}" if path else str(field)), message, code
    if isinstance(errors, list) and errors:
        return _first_error(errors[0])
    return "", str(errors), getattr(errors, "code", "invalid")


def _plain(errors):
    """An error tree with ErrorDetail objects turned into plain strings."""
    if isinstance(errors, dict):
        return {str(key): _plain(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [_plain(item) for item in errors]
    return str(errors)


def api_exception_handler(exc, context):
    if _is_connection_failure(exc):
        logger.error("database unavailable: %s", exc)  # an outage is worth an error line, once per request
        exc = DatabaseUnavailable()
    if isinstance(exc, BookingError):
        set_rollback()  # keep DRF's guarantee: an error response commits nothing
        body = {"detail": exc.detail, "code": exc.code}
        if exc.seat_ids is not None:
            body["seat_ids"] = exc.seat_ids
        if exc.errors:
            body["errors"] = exc.errors
        if exc.extra:
            body.update(exc.extra)
        response = Response(body, status=exc.status_code)
        if exc.retry_after is not None:
            response["Retry-After"] = str(exc.retry_after)
        if exc.status_code == status.HTTP_401_UNAUTHORIZED:
            response["WWW-Authenticate"] = 'Token realm="api"'  # a 401 must name a scheme (RFC 9110)
        return response

    response = drf_exception_handler(exc, context)  # also calls set_rollback()
    if response is None:
        return None  # an unexpected error: a real 500, logged by Django

    if isinstance(exc, exceptions.ValidationError):
        path, message, code = _first_error(exc.detail)
        detail = f"{path}: {message}" if path and path != "non_field_errors" else message
        errors = _plain(exc.detail) if isinstance(exc.detail, dict) else {"non_field_errors": _plain(exc.detail)}
        response.data = {"detail": detail, "code": code, "errors": errors}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"detail": str(detail), "code": code}
    return response
