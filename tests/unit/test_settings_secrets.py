"""Secrets in the settings never show when the settings are printed, logged or dumped."""

from __future__ import annotations

from juntos.settings import Settings, reveal
from tests.conftest import TEST_SECRET


def test_tokens_and_keys_are_hidden_in_every_rendering() -> None:
    settings = Settings(
        telegram_bot_token="123456:bot-token-value",
        rasa_token="rasa-token-value",
        juntos_secret_key=TEST_SECRET,
    )
    for shown in (str(settings), repr(settings), settings.model_dump_json(), f"{settings!s}"):
        for secret in ("bot-token-value", "rasa-token-value", TEST_SECRET):
            assert secret not in shown
    assert reveal(settings.telegram_bot_token) == "123456:bot-token-value"
    assert reveal(settings.rasa_token) == "rasa-token-value"
    assert settings.secret_keys() == [TEST_SECRET]
    assert reveal(None) is None
