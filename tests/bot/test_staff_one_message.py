"""Staff write it in one message: Rasa's staff intents fill what they can, the flow asks the
rest, and nothing is saved without a confirmation card (the real trained model)."""

from __future__ import annotations

import pytest

from tests.bot.test_staff_side import SENDER_ORG, buttons_with, guided_referral, join
from tests.bot_harness import BotUnderTest, press, say

pytestmark = pytest.mark.rasa


async def test_a_referral_in_one_sentence_asks_only_for_what_is_missing(
    bot_with_rasa: BotUnderTest,
) -> None:
    sender = await join(bot_with_rasa, SENDER_ORG, 3001, "Rosa")
    [alias] = await say(sender, "referí a una joven de 16 años a apoyo psicológico")
    assert "alias" in (alias.text or "")
    [gender] = await say(sender, "Lupita")
    assert "Género" in (gender.text or ""), "the age came from the sentence"
    [municipality] = await press(sender, "rf:gender:female")
    [where] = await press(sender, "rf:muni:0")
    assert buttons_with(where, "rf:dest:"), "the need came from the sentence: destinations next"


async def test_a_follow_up_and_a_question_in_one_sentence(bot_with_rasa: BotUnderTest) -> None:
    sender = await join(bot_with_rasa, SENDER_ORG, 3001, "Rosa")
    receiver_name, _card = await guided_referral(sender)
    receiver = await join(bot_with_rasa, receiver_name, 3002, "Tere")
    await press(sender, "rf:do:confirm")
    [new] = await receiver.wait_for_bot_messages(count=1, timeout=10)
    await press(receiver, buttons_with(new, "sr:a:")[0][1])
    await sender.wait_for_bot_messages(count=1, timeout=10)

    [card] = await say(receiver, "seguimiento CASO-0001: ya asistió a su primera sesión")
    assert "Seguimiento de CASO-0001" in (card.text or "")
    assert "Nota: ya asistió a su primera sesión" in (card.text or "")
    [saved] = await press(receiver, "ff:do:save")
    assert saved.text == "Guardé el seguimiento de CASO-0001."

    [status] = await say(sender, "como va el CASO-0001?")
    assert (status.text or "").startswith("CASO-0001 · Lupita")
    assert "ya asistió a su primera sesión" in (status.text or "")
