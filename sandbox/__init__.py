"""A local, Telegram-compatible Bot API server with a web chat page: Juntos without Telegram.

The same emulator is the sandbox people try in a browser (`juntos sandbox`, `make run` without
a token) and the fake Bot API server of the bot's tests. It listens on loopback only, keeps
everything in memory, and is never imported by the production packages.

Test API (all calls on the event loop that started the emulator)::

    from sandbox import BotApiEmulator
    from sandbox.ptb import polling

    async with BotApiEmulator(token="123456:TEST", port=0) as emu:   # port 0: a free port
        app = (ApplicationBuilder().token(emu.token).base_url(emu.base_url)
               .base_file_url(emu.base_file_url).build())
        async with polling(app):          # like run_polling: post_init ... post_shutdown
            chat = emu.private_chat(user_id=1001, first_name="Ana", language_code="es")
            await chat.send_text("/start")            # a user message (+ bot_command entity)
            [welcome] = await chat.wait_for_bot_messages(count=1, timeout=5.0)
            assert "Juntos" in welcome.text and "help:near" in welcome.callback_data
            query_id = await chat.press("help:near")  # callback_data, or else button text
            await chat.wait_for_callback_answer(query_id)
            await chat.tap_reply_button("Compartir ubicación", latitude=31.69, longitude=-106.42)
            await chat.send_location(31.63, -106.33)
            await chat.wait_until(lambda: welcome.deleted)   # any condition, re-checked on change
            chat.visible_messages()   # the screen: both sides, deleted gone, edits applied

Messages are `StoredMessage` live views: `.text`, `.entities`, `.buttons`, `.button_texts`,
`.callback_data`, `.reply_keyboard`, `.location`, `.venue`, `.photo`, `.document`, `.edited`,
`.deleted`, `.raw` (the Telegram Message dict). `chat.reply_keyboard` is the keyboard on screen,
`chat.chat_action` the last action, `chat.callback_answers` the answers to button presses.

Untrusted and odd input: `chat.forge_callback_query("ref:accept:999")`,
`chat.send_message(sticker={...})` (no text), `chat.edit_location(message, lat, lon)` (an
`edited_message` live location), `emu.push_update({...})` (any update, even malformed).

Failures and rules: `emu.inject_failure("sendMessage", 429, retry_after=1, times=1)` or
`emu.inject_failure("sendMessage", 502)` returns a `Fault` (`.hits`); `chat.block()` makes
sends fail with 403; `BotApiEmulator(clock=...)` drives the 48 h delete window;
`emu.calls("setMyCommands")` lists the requests answered (method, decoded params, status).

Stop the bot before the emulator; `emu.stop()` releases pending long polls at once. Set
`NO_PROXY=127.0.0.1,localhost` (httpx honours proxies).

Other sites: without `token=` the emulator makes a random one per run (`emu.token`; print it
only through `masked_token`). Every route refuses a `Host` other than its loopback address and
port (DNS rebinding), and the Bot API and page API refuse requests a browser marks as coming
from another site (`Origin`, `Sec-Fetch-Site`): see `sandbox/guard.py`.
"""

from sandbox.chat import PrivateChat
from sandbox.emulator import ApiCall, BotApiEmulator, masked_token, new_token
from sandbox.faults import Fault
from sandbox.personas import PERSONAS, PRESET_PLACES, Persona, Place
from sandbox.store import CallbackAnswer, StoredMessage

__all__ = [
    "PERSONAS",
    "PRESET_PLACES",
    "ApiCall",
    "BotApiEmulator",
    "CallbackAnswer",
    "Fault",
    "Persona",
    "Place",
    "PrivateChat",
    "StoredMessage",
    "masked_token",
    "new_token",
]
