"""The key format of JUNTOS_SECRET_KEY, and what several keys mean (storage/crypto.py)."""

from __future__ import annotations

import base64
import os
import secrets

import pytest
from cryptography.fernet import Fernet

from storage import crypto
from storage.crypto import HashPurpose, KeyConfigError, Keyring, UndecryptableError

OLD = crypto.generate_key()
NEW = crypto.generate_key()


def problem_with(text: str) -> str:
    with pytest.raises(KeyConfigError) as raised:
        crypto.parse_keys(text)
    return str(raised.value)


def test_generated_keys_are_32_random_bytes_of_url_safe_base64() -> None:
    keys = {crypto.generate_key() for _ in range(2000)}
    assert len(keys) == 2000
    for key in keys:  # a random key is never mistaken for a hand-made one
        assert crypto.parse_keys(key) == [key]
        assert len(base64.urlsafe_b64decode(key + "=")) == 32


def test_keys_made_by_the_usual_tools_are_accepted() -> None:
    created_by_earlier_releases = secrets.token_urlsafe(48)  # var/secret.key until now
    fernet = Fernet.generate_key().decode()  # padded with "="
    openssl = base64.b64encode(os.urandom(32)).decode()  # `openssl rand -base64 32`: "+" "/"
    assert crypto.parse_keys(f"{created_by_earlier_releases}, {fernet},{openssl}") == [
        created_by_earlier_releases,
        fernet,
        openssl,
    ]


def test_a_short_key_is_named_with_its_size_and_the_fix() -> None:
    short = base64.urlsafe_b64encode(os.urandom(12)).decode()
    assert problem_with(f"{NEW},{short}") == (
        "JUNTOS_SECRET_KEY: key 2 is 12 bytes; need at least 32 random bytes "
        "(43 characters of URL-safe base64). Generate one with `juntos keys generate`."
    )
    assert "key 1 is 6 bytes" in problem_with("password")  # 8 characters of base64


@pytest.mark.parametrize(
    ("key", "says"),
    [
        # A hex key (as `openssl rand -hex 32` prints): only 16 different characters.
        (
            "570112eb336f38d5948a3e552fb8cf72fff9c75c7fb38b8454b44b2e9447d8a8",
            "different characters, so it is not random",
        ),
        ("mi-clave-super-secreta-para-juntos-de-2024x", "looks typed by hand"),
        ("correcthorsebatterystapleandmorewordsthatgo", "looks typed by hand"),
        ("Abc1" * 11, "uses only 4 different characters"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq", "looks typed by hand"),
        ("A" * 43, "uses only 1 different characters"),
        ("clave con espacios y acentos: ñandú ñandú ñandú", "is not URL-safe base64"),
    ],
)
def test_a_key_that_is_not_random_is_refused(key: str, says: str) -> None:
    message = problem_with(key)
    assert message.startswith("JUNTOS_SECRET_KEY: key 1 ")
    assert says in message
    assert message.endswith("Generate one with `juntos keys generate`.")
    assert key not in message  # a key is never printed


def test_empty_and_repeated_keys_are_refused() -> None:
    assert "JUNTOS_SECRET_KEY is empty" in problem_with("  ")
    assert "key 2 is empty" in problem_with(f"{NEW},,{OLD}")
    assert "key 2 is empty" in problem_with(f"{NEW},")
    assert "key 2 repeats key 1" in problem_with(f"{NEW},{NEW}")


def test_the_source_of_the_keys_is_named() -> None:
    with pytest.raises(KeyConfigError, match=r"^/srv/secrets/secret.key: key 1 is 3 bytes"):
        crypto.parse_keys("abcd", source="/srv/secrets/secret.key")


def test_the_first_key_encrypts_and_every_key_decrypts() -> None:
    before = Keyring([OLD]).encrypt("Lupita (alias)")
    both = Keyring([NEW, OLD])
    assert both.decrypt(before) == "Lupita (alias)"
    assert both.open(before) == ("Lupita (alias)", False)
    after = both.encrypt("Lupita (alias)")
    assert both.open(after) == ("Lupita (alias)", True)
    assert Keyring([NEW]).decrypt(after) == "Lupita (alias)"
    with pytest.raises(UndecryptableError, match="any of the 1 configured key"):
        Keyring([NEW]).decrypt(before)
    with pytest.raises(UndecryptableError):
        Keyring([OLD]).decrypt(after)


def test_lookups_try_the_hash_under_every_key_primary_first() -> None:
    both = Keyring([NEW, OLD])
    hashes = both.keyed_hashes(HashPurpose.CHAT, "chat:1001")
    assert hashes == [
        Keyring([NEW]).keyed_hash(HashPurpose.CHAT, "chat:1001"),
        Keyring([OLD]).keyed_hash(HashPurpose.CHAT, "chat:1001"),
    ]
    assert both.keyed_hash(HashPurpose.CHAT, "chat:1001") == hashes[0]


def test_each_purpose_hashes_under_its_own_key() -> None:
    ring = Keyring([NEW])
    same_input = "user:1001"
    assert ring.keyed_hash(HashPurpose.CHAT, same_input) != ring.keyed_hash(
        HashPurpose.BOT_STATE, same_input
    )


def test_hashes_and_tokens_of_the_first_release_are_still_found() -> None:
    """Data written before keys could rotate (one key, same derivation) reads as before."""
    import hashlib
    import hmac

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    legacy = secrets.token_urlsafe(48)

    def derive(info: bytes) -> bytes:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info)
        return hkdf.derive(legacy.encode())

    old_fernet = Fernet(base64.urlsafe_b64encode(derive(b"juntos/fernet")))
    old_hash = hmac.new(derive(b"juntos/hmac"), b"chat:1001", hashlib.sha256).hexdigest()
    ring = Keyring([legacy])
    assert ring.decrypt(old_fernet.encrypt(b"1001").decode()) == "1001"
    assert ring.keyed_hash(HashPurpose.CHAT, "chat:1001") == old_hash
