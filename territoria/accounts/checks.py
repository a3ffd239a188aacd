"""Startup warnings about the sign-in settings, written to the service's log.

No mail server in production is logged as a warning at every start rather than made a system check: a
purely public portal needs no e-mail, and `territoria check --deploy` must answer "no issues" on it. The
password-reset page itself tells people to ask an administrator.
"""

from __future__ import annotations

import logging

from django.conf import settings

log = logging.getLogger("territoria.accounts")


def missing_mail_server() -> str | None:
    if settings.PASSWORD_RESET_BY_EMAIL:
        return None
    return (
        "TERRITORIA_EMAIL_HOST is not set: no e-mail is sent, so people cannot reset a forgotten password "
        "themselves (the reset page tells them to ask an administrator); see docs/admin/authentication.md"
    )


def warn_at_startup() -> None:
    message = missing_mail_server()
    if message:
        log.warning(message)
