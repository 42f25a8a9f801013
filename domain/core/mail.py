"""Outgoing e-mail over SMTP (aiosmtplib), configured from the environment (settings.py).

Only jobs send mail (never a request or a transaction): the caller records what it is
about to send first, then sends, then records the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import cache
from typing import Any

import aiosmtplib
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from printing.invoice_context import day, money
from settings import REPO, Settings

MAIL_TEMPLATES = REPO / "templates" / "mail"

TIMEOUT_S = 30.0
TLS_PORT = 465  # implicit TLS; other ports use STARTTLS when the server offers it
# What a send may fail with: the server's refusals, timeouts, the network.
MAIL_ERRORS = (aiosmtplib.SMTPException, OSError, TimeoutError)


def smtp_configured(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def mail_message(
    *, sender: str, to: str, subject: str, body: str, reply_to: str = ""
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(body)  # UTF-8 text; the diacritics travel as they are
    return message


async def mail_send(settings: Settings, message: EmailMessage) -> None:
    """Send one message; an SMTP or network failure raises (aiosmtplib.SMTPException,
    OSError), for the caller to record."""
    await aiosmtplib.send(
        message,
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_user or None,
        password=settings.smtp_password or None,
        use_tls=settings.smtp_port == TLS_PORT,
        timeout=TIMEOUT_S,
    )


@cache
def _templates() -> Environment:
    # Plain-text mail: nothing to escape; a missing value is an error, not a blank.
    return Environment(
        loader=FileSystemLoader(MAIL_TEMPLATES),
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_mail(template: str, context: Mapping[str, Any]) -> str:
    """A mail body from templates/mail/, with the printed documents' number and date forms."""
    return _templates().get_template(template).render(money=money, day=day, **context)
