"""Logs and error reports: what settings.py calls to set up LOGGING and Sentry.

Logs go to stderr, the twelve-factor way: the process manager (systemd, Docker, a platform)
collects them, and nothing here knows files or rotation. In production each line is one JSON
object (python-json-logger), for a log store to search; when developing, a line to read. Every
line written while a request is handled carries its id and, once it read public content, the
database alias it read from (config/request_context.py).
"""

import logging

from django.core.exceptions import ImproperlyConfigured

from config import request_context

LOG_FORMATS = ("json", "text")

# Record attributes python-json-logger leaves out of the JSON besides the standard ones:
# Django hands its log calls the request (django.request) or the socket (django.server), whose
# text says nothing the message does not, and the time the dev server formatted itself.
UNLOGGED_EXTRAS = ("request", "server_time")


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `db_alias` to each record written while a request is handled."""

    def filter(self, record):
        for name, value in [
            ("request_id", request_context.current_request_id()),
            ("db_alias", request_context.current_read_alias()),
        ]:
            if value is not None and not hasattr(record, name):
                setattr(record, name, value)
        return True


def logging_config(*, level, log_format):
    """The LOGGING dictConfig: every logger, Django's included, writes to stderr through one
    handler, at `level` and upwards, as JSON or as text."""
    level = level.strip().upper()
    if level not in logging.getLevelNamesMapping():
        raise ImproperlyConfigured(
            f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {level!r}."
        )
    if log_format not in LOG_FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {log_format!r}.")
    from pythonjsonlogger.core import RESERVED_ATTRS

    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": RequestContextFilter}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                # An aware datetime, written in ISO 8601 (UTC).
                "timestamp": "time",
                "reserved_attrs": [*RESERVED_ATTRS, *UNLOGGED_EXTRAS],
            },
            "text": {
                "()": "logging.Formatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(db_alias)s] "
                "%(message)s",
                "defaults": {"request_id": "-", "db_alias": "-"},
            },
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "filters": ["request_context"],
                "formatter": log_format,
            },
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # Django's own loggers write through the one handler above too, rather than its
            # defaults: a console handler only with DEBUG on, and mail to ADMINS.
            "django": {"handlers": [], "level": "NOTSET", "propagate": True},
            "django.server": {"handlers": [], "level": "NOTSET", "propagate": True},
            # django-axes announces its version at INFO in every process, every command.
            "axes.apps": {"level": "WARNING"},
        },
    }


def init_sentry(*, dsn, environment, traces_sample_rate):
    """Send errors (a request's unhandled exception, an ERROR log line) to Sentry at `dsn`,
    tagged with the request's id and database alias, without cookies, Authorization headers
    or user details (send_default_pii=False)."""
    try:
        import sentry_sdk
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError as error:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed. Install it with "
            "pip install 'healthcms[sentry]' (or pip install 'sentry-sdk[django]>=2,<3'), "
            "or unset SENTRY_DSN."
        ) from error
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        environment=environment or None,
        traces_sample_rate=sample_rate(traces_sample_rate),
        before_send=with_request_context,
    )


def sample_rate(value):
    try:
        rate = float(value or "0")
    except ValueError:
        rate = -1
    if not 0 <= rate <= 1:
        raise ImproperlyConfigured(
            f"SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1, not {value!r}."
        )
    return rate


def with_request_context(event, hint):
    """Sentry's before_send: the request id and read alias as tags, to find the log lines."""
    tags = event.setdefault("tags", {})
    for name, value in [
        ("request_id", request_context.current_request_id()),
        ("db_alias", request_context.current_read_alias()),
    ]:
        if value is not None:
            tags[name] = value
    return event
