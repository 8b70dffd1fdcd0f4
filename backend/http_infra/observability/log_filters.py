"""Logging filters named in settings.LOGGING."""

import logging


class ClientFault(logging.Filter):
    """For `django.security.*`: a bad Host header or a similar SuspiciousOperation is the client's
    mistake, answered 400. It stays one warning line; Django would log it as an ERROR with a full
    traceback, so anyone could fill the log (and page whoever watches it) with one bad header."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.getMessage()} ({record.exc_info[0].__name__})"
            record.args = None
        record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
