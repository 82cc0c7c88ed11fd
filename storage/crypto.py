"""Encryption at rest (Fernet) and keyed hashing (HMAC-SHA256) for identifiers.

Both keys derive from one secret (JUNTOS_SECRET_KEY) with HKDF, so rotating the secret is one
setting. Member chat ids are stored encrypted (to message them back) and looked up by HMAC.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


@dataclass(frozen=True)
class Secrets:
    fernet: Fernet
    hmac_key: bytes

    @classmethod
    def from_secret(cls, secret: str) -> Secrets:
        if len(secret) < 16:
            raise ValueError("JUNTOS_SECRET_KEY must be at least 16 characters")
        raw = secret.encode()
        fernet_key = base64.urlsafe_b64encode(_derive(raw, b"juntos/fernet"))
        return cls(fernet=Fernet(fernet_key), hmac_key=_derive(raw, b"juntos/hmac"))

    def encrypt(self, text: str) -> str:
        return self.fernet.encrypt(text.encode()).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self.fernet.decrypt(token.encode("ascii")).decode()
        except InvalidToken as exc:
            raise ValueError(
                "stored value cannot be decrypted with this JUNTOS_SECRET_KEY"
            ) from exc

    def keyed_hash(self, value: str) -> str:
        return hmac.new(self.hmac_key, value.encode(), hashlib.sha256).hexdigest()


_current: Secrets | None = None


def configure(secret: str) -> Secrets:
    """Install the process's secrets (done once by the composition root, or by tests)."""
    global _current
    _current = Secrets.from_secret(secret)
    return _current


def current() -> Secrets:
    if _current is None:
        raise RuntimeError("storage.crypto.configure(secret) was not called")
    return _current
