"""Encryption at rest of the SPV secrets (OAuth client secret, access and refresh tokens).

The key is derived from the application secret (`SECRET`) with HKDF-SHA256, so a database
dump alone does not give anyone the right to upload invoices in the company's name. The
values are Fernet tokens (`cryptography`: AES-128-CBC with HMAC-SHA256, a random IV each
time, authenticated before anything is decrypted), stored as `f1.<token>`; the prefix lets
a later format read old values. A changed `SECRET` makes stored values unreadable:
`SecretUnreadable` then asks for the connection to be authorised again.
"""

from __future__ import annotations

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from domain.core.errors import Conflict

PREFIX = "f1."


class SecretUnreadable(Conflict):
    """A stored secret does not authenticate under the current app secret."""


@cache
def _fernet(app_secret: str) -> Fernet:
    if not app_secret:
        raise RuntimeError("the application SECRET is empty: nothing can be encrypted")
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"catastif/efactura/secrets/f1"
    ).derive(app_secret.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(plain: str, app_secret: str) -> str:
    """`plain` encrypted and authenticated under `app_secret`; "" stays "" (no secret)."""
    if plain == "":
        return ""
    return PREFIX + _fernet(app_secret).encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt(stored: str, app_secret: str) -> str:
    """The text `encrypt` stored; raises SecretUnreadable when it was tampered with, was
    written under another SECRET, or is not ours at all."""
    if stored == "":
        return ""
    try:
        if not stored.startswith(PREFIX):
            raise InvalidToken
        return _fernet(app_secret).decrypt(stored[len(PREFIX) :].encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise SecretUnreadable(
            "EFACTURA_SECRET_UNREADABLE",
            "Datele de conectare la SPV nu mai pot fi citite (cheia aplicației SECRET s-a "
            "schimbat sau datele au fost alterate). Autorizați din nou conexiunea SPV.",
            "The stored SPV credentials cannot be read (the SECRET changed or the data was "
            "altered). Authorise the SPV connection again.",
        ) from exc
