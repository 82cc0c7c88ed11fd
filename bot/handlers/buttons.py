"""Every inline button lands here: its data is parsed once, validated, and dispatched."""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.error import BadRequest

from bot import callbacks as cb
from bot.context import JuntosContext
from bot.handlers import contact, crisis, privacy, search, start


async def press_button(update: Update, context: JuntosContext) -> None:
    """Answer the button press, then act on what the (untrusted) data says."""
    query = update.callback_query
    if query is None:
        return
    with contextlib.suppress(BadRequest):  # too old to answer: still act on it
        await query.answer()
    action = cb.parse(query.data)
    match action:
        case cb.MenuChoice(cb.Menu.SEARCH):
            await search.begin_search(update, context)
        case cb.MenuChoice(cb.Menu.DANGER):
            await crisis.send_crisis_reply(update, context, crisis.UNSPECIFIED_DANGER)
        case cb.MenuChoice(cb.Menu.ABOUT):
            await start.about(update, context)
        case cb.MenuChoice(cb.Menu.LANGUAGE):
            await start.ask_language(update, context)
        case cb.MenuChoice(cb.Menu.HOME):
            await start.cancel(update, context)
        case cb.PickCategory(category, for_contact):
            await search.pick_category(update, context, category, for_contact)
        case cb.PickPlace(index):
            await search.pick_place(update, context, index)
        case cb.ShowMap(index):
            await search.show_map(update, context, index)
        case cb.AskContact(index):
            await contact.ask_contact(update, context, index)
        case cb.ResultsAction(result_action):
            await search.results_action(update, context, result_action)
        case cb.PickAge(bracket):
            await search.pick_age(update, context, bracket)
        case cb.PickLanguage(locale):
            await start.set_language(update, context, locale)
        case cb.Confirm("consent", yes):
            await contact.answer_consent(update, context, yes)
        case cb.Confirm("delete", yes):
            await privacy.answer_delete(update, context, yes)
        case _:
            await contact.stale(update, context)
