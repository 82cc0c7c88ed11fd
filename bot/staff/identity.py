"""Who is writing: a linked staff member or coordinator, or a member.

Looked up by the keyed hash of the chat id on every update from staff, so a revocation (made
by an operator's `juntos staff revoke`, another process) takes effect at the person's next
update. Only "not staff" is kept for a short while (bot/staff/cache.py): members are most of
the traffic, and a link made by another process may wait CACHE_SECONDS to be seen.
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
    if known and staff is None:
        return None
    services = services_of(context)
    staff = await staff_for_chat(chat.id, services.uow())
    if staff is None:
        cache.put(chat.id, None)
    else:
        cache.forget(chat.id)
    return staff
