"""Encryption at rest (Fernet) and keyed hashing (HMAC-SHA256), under keys that can rotate.

JUNTOS_SECRET_KEY holds one or more keys separated by commas. The first key (the primary)
encrypts and hashes; every key decrypts (MultiFernet) and every key's hash is looked up, so
the database stays readable while `juntos keys rotate` moves every row to the primary key.

A key is URL-safe base64 (standard base64 and missing padding are accepted too) of at least
32 random bytes: what `juntos keys generate` prints, `secrets.token_urlsafe(32)`,
`Fernet.generate_key()` or `openssl rand -base64 32`. Each key's text is the input of HKDF,
which derives one Fernet key and one HMAC key per purpose; a purpose's keyed hashes cannot be
joined to another purpose's without the key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import itertools
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

#: The least a key must decode to.
MIN_KEY_BYTES = 32
MIN_KEY_CHARACTERS = 43
#: A random base64 key of 32 bytes (43 characters) has fewer than 17 different characters
#: with probability ~2e-12; a hexadecimal or hand-typed one almost always does.
MIN_DISTINCT_CHARACTERS = 17
#: A run this long that repeats, or that counts up or down (`abcdefgh`, `12345678`), is typed.
PATTERN_LENGTH = 8
GENERATE_HINT = "Generate one with `juntos keys generate`."
_BASE64 = re.compile(r"[A-Za-z0-9_+/-]+={0,2}")


class HashPurpose(Enum):
    """What a keyed hash identifies; each purpose has its own HMAC key (HKDF info)."""

    #: Telegram chat ids of members and staff. The info string is the first release's, so
    #: hashes stored before keys could rotate are still found.
    CHAT = b"juntos/hmac"
    #: python-telegram-bot persistence rows (storage/persistence.py).
    BOT_STATE = b"juntos/hmac/bot-state"


_FERNET_INFO = b"juntos/fernet"


class KeyConfigError(ValueError):
    """A configured key is unusable; the message names the key and what to do."""


class UndecryptableError(ValueError):
    """A stored value decrypts with none of the configured keys."""


def generate_key() -> str:
    """A new key: 32 random bytes, URL-safe base64 without padding (43 characters)."""
    return secrets.token_urlsafe(MIN_KEY_BYTES)


def parse_keys(text: str, source: str = "JUNTOS_SECRET_KEY") -> list[str]:
    """The comma-separated keys in `text`, primary first; raise KeyConfigError if any is bad.

    Error messages never contain a key, only its position and what is wrong with it.
    """
    parts = [part.strip() for part in text.split(",")]
    if parts == [""]:
        raise KeyConfigError(f"{source} is empty; it needs at least one key. {GENERATE_HINT}")
    keys: list[str] = []
    for number, key in enumerate(parts, start=1):
        problem = key_problem(key)
        if problem is not None:
            raise KeyConfigError(f"{source}: key {number} {problem}. {GENERATE_HINT}")
        if key in keys:
            raise KeyConfigError(
                f"{source}: key {number} repeats key {keys.index(key) + 1}; list each key once."
            )
        keys.append(key)
    return keys


def key_problem(key: str) -> str | None:
    """What is wrong with one key (a phrase to follow 'key N'), or None when it is fine."""
    if not key:
        return "is empty (two commas in a row, or one at the end?)"
    if not _BASE64.fullmatch(key):
        return "is not URL-safe base64 (letters, digits, '-' and '_' only)"
    size = len(key.rstrip("=")) * 3 // 4
    if size < MIN_KEY_BYTES:
        return (
            f"is {size} bytes; need at least {MIN_KEY_BYTES} random bytes "
            f"({MIN_KEY_CHARACTERS} characters of URL-safe base64)"
        )
    if len(key.rstrip("=")) % 4 == 1 or len(_decode(key)) != size:
        return "is not valid base64 (its length is off by one character?)"
    text = key.rstrip("=")
    distinct = len(set(text))
    if distinct < MIN_DISTINCT_CHARACTERS:
        return (
            f"uses only {distinct} different characters, so it is not random "
            f"(a hexadecimal or hand-typed key?); need at least {MIN_KEY_BYTES} random bytes"
        )
    if not (re.search("[a-z]", text) and re.search("[A-Z]", text)) or _has_pattern(text):
        return (
            "looks typed by hand (a phrase, a repeated or counting sequence), so it is not "
            f"random; need at least {MIN_KEY_BYTES} random bytes"
        )
    return None


def _decode(key: str) -> bytes:
    text = key.rstrip("=").replace("+", "-").replace("/", "_")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return b""


def _has_pattern(text: str) -> bool:
    n = PATTERN_LENGTH
    chunks = [text[i : i + n] for i in range(len(text) - n + 1)]
    if len(set(chunks)) < len(chunks):
        return True
    for chunk in chunks:
        steps = {ord(b) - ord(a) for a, b in itertools.pairwise(chunk)}
        if steps in ({1}, {-1}):
            return True
    return False


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


@dataclass(frozen=True)
class _Key:
    fernet: Fernet
    hmac_keys: dict[HashPurpose, bytes]

    @classmethod
    def from_text(cls, key: str) -> _Key:
        raw = key.encode()
        fernet = Fernet(base64.urlsafe_b64encode(_derive(raw, _FERNET_INFO)))
        return cls(fernet, {purpose: _derive(raw, purpose.value) for purpose in HashPurpose})

    def keyed_hash(self, purpose: HashPurpose, value: str) -> str:
        return hmac.new(self.hmac_keys[purpose], value.encode(), hashlib.sha256).hexdigest()


class Keyring:
    """The configured keys: the first encrypts and hashes, all decrypt and are looked up."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise KeyConfigError(f"no key configured. {GENERATE_HINT}")
        self._keys = [_Key.from_text(key) for key in keys]
        self._fernet = MultiFernet([key.fernet for key in self._keys])

    @property
    def size(self) -> int:
        return len(self._keys)

    def primary_only(self) -> Keyring:
        """The same primary key without the others (what remains after a rotation)."""
        ring = Keyring.__new__(Keyring)
        ring._keys = self._keys[:1]
        ring._fernet = MultiFernet([self._keys[0].fernet])
        return ring

    def encrypt(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode()
        except InvalidToken as exc:
            raise UndecryptableError(
                f"a stored value cannot be decrypted with any of the {self.size} configured "
                "key(s): is a key missing from JUNTOS_SECRET_KEY?"
            ) from exc

    def open(self, token: str) -> tuple[str, bool]:
        """`token` decrypted, and whether the primary key alone decrypts it (already rotated)."""
        raw = token.encode("ascii")
        try:
            return self._keys[0].fernet.decrypt(raw).decode(), True
        except InvalidToken:
            pass
        return self.decrypt(token), False

    def is_primary(self, token: str) -> bool:
        """Whether the primary key alone decrypts `token` (already rotated)."""
        try:
            self._keys[0].fernet.decrypt(token.encode("ascii"))
        except InvalidToken:
            return False
        return True

    def keyed_hash(self, purpose: HashPurpose, value: str) -> str:
        """The hash stored for new rows: under the primary key."""
        return self._keys[0].keyed_hash(purpose, value)

    def keyed_hashes(self, purpose: HashPurpose, value: str) -> list[str]:
        """The hash under every key, primary first: a row is found whatever key it is under."""
        found: list[str] = []
        for key in self._keys:
            digest = key.keyed_hash(purpose, value)
            if digest not in found:
                found.append(digest)
        return found


_current: Keyring | None = None


def configure(keys: str | Sequence[str], source: str = "JUNTOS_SECRET_KEY") -> Keyring:
    """Install the process's keys (done once by the composition root, or by tests).

    A string is parsed as JUNTOS_SECRET_KEY is (comma-separated, each key checked).
    """
    global _current
    parsed = parse_keys(keys, source) if isinstance(keys, str) else list(keys)
    for number, key in enumerate(parsed, start=1):
        problem = key_problem(key)
        if problem is not None:
            raise KeyConfigError(f"{source}: key {number} {problem}. {GENERATE_HINT}")
    _current = Keyring(parsed)
    return _current


def current() -> Keyring:
    if _current is None:
        raise RuntimeError("storage.crypto.configure(keys) was not called")
    return _current
