"""Forget me (/borrar): one confirmation, then everything Juntos keeps about the member goes
(domain/services/members.forget_member, the conversation, the shared location in memory).

Entry: `start`.
"""

from __future__ import annotations

from enum import StrEnum

from bot import keyboards, texts
from bot.flows.inputs import Kind
from bot.flows.machine import END, IDLE, Flow, Transition, Turn, go
from bot.handlers.common import chat_data, say, show_menu, user_data
from bot.state import FlowData
from domain.services.members import forget_member


class State(StrEnum):
    CONFIRM = "forget.confirm"


MEANING = {State.CONFIRM: "asked to confirm deleting everything"}


class Event(StrEnum):
    DELETE_YES = Kind.DELETE_YES
    DELETE_NO = Kind.DELETE_NO
    SAID_YES = Kind.SAID_YES
    SAID_NO = Kind.SAID_NO


async def start(turn: Turn) -> StrEnum:
    """Ask to confirm, saying what will be deleted."""
    await say(turn.update, texts.delete_prompt(turn.t), keyboards.confirm(turn.t, "delete"))
    return State.CONFIRM


async def forget_everything(turn: Turn) -> StrEnum:
    """Delete the member's data, their conversation and what this process remembers."""
    chat_id = turn.chat_id
    assert chat_id is not None
    services = turn.services
    await forget_member(chat_id, services.uow(), services.clock, services.notifier, services.relay)
    turn.forget_shared_point()
    context = turn.context
    user_data(context).clear()
    chat_data(context).clear()
    user = turn.update.effective_user
    if user is not None:
        context.application.drop_user_data(user.id)
    context.application.drop_chat_data(chat_id)
    turn.data = FlowData()
    await say(turn.update, texts.deleted(turn.t))
    return IDLE


async def keep_everything(turn: Turn) -> StrEnum:
    """The member changed their mind: nothing is deleted."""
    await show_menu(turn.update, turn.t, texts.delete_kept(turn.t))
    return END


CONFIRM = State.CONFIRM

TABLE: dict[tuple[State, Event], Transition] = {
    (CONFIRM, Event.DELETE_YES): go(forget_everything, IDLE),
    (CONFIRM, Event.SAID_YES): go(forget_everything, IDLE),
    (CONFIRM, Event.DELETE_NO): go(keep_everything, END),
    (CONFIRM, Event.SAID_NO): go(keep_everything, END),
}

FLOW = Flow(
    name="forget",
    summary="/borrar → confirm → everything about the member deleted",
    states=State,
    meaning=MEANING,
    events=Event,
    table=TABLE,
)
