"""Who is writing: a linked staff member or coordinator, or a member.

Looked up by the keyed hash of the chat id and kept for a short while (bot/staff/cache.py).
"""

from __future__ import annotations

from telegram import Update

from bot.context import JuntosContext, services_of
from domain.people import StaffMember
from domain.services.staff import staff_for_chat


async def current_staff(update: Update, context: JuntosContext) -> StaffMember | None:
    """The active staff identity of this private chat, or None (members, groups)."""
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        return None
    cache = context.bot_data.staff
    known, staff = cache.get(chat.id)
    if known:
        return staff
    services = services_of(context)
    staff = await staff_for_chat(chat.id, services.uow())
    cache.put(chat.id, staff)
    return staff
