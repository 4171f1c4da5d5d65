"""Connector secrets, encrypted at rest with a key derived from ``JXCFLOW_SECRET_KEY``.

Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``); the Fernet key is HKDF-SHA256 of
the settings' secret key with a purpose label, so the same setting never serves two uses
with one key. A secret is returned in clear once, by the call that creates it, and only
decrypted again in the worker at the moment it signs or authenticates.
"""

from __future__ import annotations

import base64
import secrets as _random

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from connectors.errors import InvalidConnector

_PURPOSE = b"jxcflow connector secrets v1"


class SecretBox:
    """Encrypts and decrypts connector secrets with one key."""

    def __init__(self, secret_key: str) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                       info=_PURPOSE).derive(secret_key.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, plain: str) -> str:
        """The encrypted form stored in the database."""
        return self._fernet.encrypt(plain.encode()).decode()

    def open(self, sealed: str) -> str:
        """The clear secret.

        Raises:
            InvalidConnector: the stored secret was made with another key.
        """
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as exc:
            raise InvalidConnector(reason="its secret cannot be decrypted with this key",
                                   reason_zh="密钥无法用当前主密钥解密") from exc

    def __repr__(self) -> str:
        return "SecretBox(<hidden>)"


def new_webhook_secret() -> str:
    """A fresh Standard Webhooks secret: ``whsec_`` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(_random.token_bytes(32)).decode()


__all__ = ["SecretBox", "new_webhook_secret"]
