"""Bad input gets a kind answer and loses nothing: forged buttons, odd updates, stale state."""

from __future__ import annotations

import pytest

from tests.bot_harness import RIBERAS_DEL_BRAVO, BotUnderTest, press, say


@pytest.mark.parametrize(
    "data",
    [
        "ref:accept:999",
        "v:9",
        "v:-1",
        "c:not_a_category",
        "p:12",
        "y:consent:2",
        "l:fr",
        "m:" + "x" * 61,
        "k:ü",
        "",
    ],
)
async def test_forged_button_data_gets_the_menu(bot: BotUnderTest, data: str) -> None:
    chat = bot.chat()
    await say(chat, "/start", replies=2)
    await chat.forge_callback_query(data)
    [reply] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert "Buscar ayuda cerca" in reply.button_texts
    assert "Perdón, algo falló" not in (reply.text or "")


async def test_an_old_consent_button_does_not_create_a_case(bot: BotUnderTest) -> None:
    chat = bot.chat()
    await say(chat, "/start", replies=2)
    await chat.forge_callback_query("y:consent:1")
    [reply] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert "ya no está activo" in (reply.text or "")
    [status] = await say(chat, "/estado")
    assert "No tienes solicitudes" in (status.text or "")


async def test_a_sticker_gets_a_kind_explanation(bot: BotUnderTest) -> None:
    chat = bot.chat()
    await chat.send_message(
        sticker={
            "file_id": "x",
            "file_unique_id": "y",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    )
    [reply] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert "Soy un bot y solo puedo leer texto y ubicaciones" in (reply.text or "")


async def test_a_live_location_update_is_used_like_a_shared_location(bot: BotUnderTest) -> None:
    chat = bot.chat()
    await say(chat, "/start", replies=2)
    await press(chat, "m:search")
    await press(chat, "c:legal_aid")
    sent = await chat.send_location(31.70, -106.40)
    [first] = await chat.wait_for_bot_messages(count=1, timeout=10)
    await chat.edit_location(sent, *RIBERAS_DEL_BRAVO)
    [second] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert "Asesoría legal" in (first.text or "") and "Asesoría legal" in (second.text or "")


async def test_unusual_updates_do_not_stop_the_bot(bot: BotUnderTest) -> None:
    chat = bot.chat()
    user = {"id": 1001, "is_bot": False, "first_name": "Ana"}
    group = {"id": -100123, "type": "supergroup", "title": "Grupo"}
    bot.emulator.push_update(
        {  # a button of an inline message: no chat, no message
            "update_id": 999_001,
            "callback_query": {
                "id": "77",
                "from": user,
                "chat_instance": "1",
                "inline_message_id": "abc",
                "data": "m:search",
            },
        }
    )
    bot.emulator.push_update(
        {  # the bot added to a group
            "update_id": 999_002,
            "message": {"message_id": 5, "date": 1, "chat": group, "from": user, "text": "hola"},
        }
    )
    bot.emulator.push_update(
        {  # the member blocked the bot
            "update_id": 999_003,
            "my_chat_member": {
                "chat": {"id": 1001, "type": "private", "first_name": "Ana"},
                "from": user,
                "date": 1,
                "old_chat_member": {
                    "status": "member",
                    "user": {"id": 123456789, "is_bot": True, "first_name": "Juntos"},
                },
                "new_chat_member": {
                    "status": "kicked",
                    "until_date": 0,
                    "user": {"id": 123456789, "is_bot": True, "first_name": "Juntos"},
                },
            },
        }
    )
    welcome, _menu = await say(chat, "/start", replies=2)
    assert "Hola, soy Juntos" in (welcome.text or "")
    group_messages = [
        c for c in bot.emulator.calls("sendMessage") if c.params.get("chat_id") == -100123
    ]
    assert group_messages == [], "the member assistant only talks in private chats"


async def test_unknown_commands_say_so_and_point_to_the_help(bot: BotUnderTest) -> None:
    chat = bot.chat()
    [reply] = await say(chat, "/hackear")
    assert (reply.text or "").startswith("Soy un bot y no conozco ese comando.")
    assert "/ayuda" in (reply.text or "")
    assert "Buscar ayuda cerca" in reply.button_texts


async def test_a_very_long_message_is_answered(bot: BotUnderTest) -> None:
    chat = bot.chat()
    [reply] = await say(chat, "hola " * 800)
    assert reply.text


async def test_english_command_aliases_work(bot: BotUnderTest) -> None:
    chat = bot.chat(user_id=4004, language_code="en")
    [reply] = await say(chat, "/privacy")
    assert reply.text is not None and reply.text.startswith("I don't keep what you write")


async def test_cancel_keeps_the_language_and_shows_the_menu(bot: BotUnderTest) -> None:
    chat = bot.chat()
    await say(chat, "/start", replies=2)
    await press(chat, "m:lang")
    await press(chat, "l:en")
    [reply] = await say(chat, "/cancelar")
    assert reply.text is not None and reply.text.startswith("Okay, I stopped.")
