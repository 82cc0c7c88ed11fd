"""The member's conversation: which flow state they are in, and the one place that changes it.

An input goes to the current flow's table when the flow takes its kind; otherwise (or when the
row says so) to the idle table, which may start another flow. The step's answer is checked
against its row and stored, with the flow data, in PTB `user_data` (persisted, encrypted).

A flow entered from the search results (asking to be contacted, /borrar) goes back to them
when it ends, so their buttons keep working; any other flow ends at idle.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from telegram import Update

from bot.context import JuntosContext
from bot.flows import contact, forget, idle, search
from bot.flows.inputs import Input, Kind
from bot.flows.machine import END, IDLE, IDLE_TABLE, STAY, Flow, Transition, Turn
from bot.handlers.common import hide_reply_keyboard, translator, user_data
from bot.state import Conversation, FlowData, load_conversation, save_conversation

log = logging.getLogger(__name__)

#: Every flow, the idle table first.
FLOWS: tuple[Flow, ...] = (idle.FLOW, search.FLOW, contact.FLOW, forget.FLOW)
_STATES: dict[str, StrEnum] = {s.value: s for f in FLOWS for s in f.states}
_FLOW_OF: dict[StrEnum, Flow] = {s: f for f in FLOWS for s in f.states}


def state_named(value: str | None) -> StrEnum | None:
    """The state a persisted value names (None: no such state, e.g. from an older version)."""
    return _STATES.get(value) if value is not None else None


def route(state: StrEnum, kind: Kind) -> Transition:
    """The table row for this input where the member is (total: every pair has one)."""
    flow = _FLOW_OF[state]
    if flow is not idle.FLOW:
        try:
            event = flow.events(kind.value)
        except ValueError:  # not an input this flow takes
            event = None
        if event is not None and flow.table[(state, event)] is not IDLE_TABLE:
            return flow.table[(state, event)]
    return idle.TABLE[(IDLE, kind)]


def current(context: JuntosContext) -> tuple[StrEnum, FlowData]:
    """Where the member is and what the flows know (anything unreadable reads as idle)."""
    conversation = load_conversation(user_data(context))
    state = state_named(conversation.state)
    if state is None:
        return IDLE, FlowData()
    return state, conversation.data


async def handle(update: Update, context: JuntosContext, given: Input) -> None:
    """Run the step the tables name for this input, then store where the member is."""
    store = user_data(context)  # a step may drop it (/borrar): then nothing is written back
    conversation = load_conversation(store)
    before = state_named(conversation.state)
    if before is None:  # an older or damaged state: start afresh rather than guess
        conversation, before = Conversation(), IDLE
    transition = route(before, given.kind)
    turn = Turn(update, context, translator(update, context), conversation.data, given, before)
    where = await transition.step(turn)
    if turn.notes:  # no step said them: on their own (taking the location keyboard away)
        await hide_reply_keyboard(update, turn.with_notes("").strip())
    if where not in transition.to:
        raise RuntimeError(
            f"step {transition.name} led to {where} from {before}; its row says {transition.to}"
        )
    if where is STAY:
        where = before
    elif where is END:
        where = state_named(conversation.back) or IDLE
    save_conversation(
        store,
        Conversation(
            state=where.value, back=_back(before, where, conversation.back), data=turn.data
        ),
    )
    log.debug("conversation: %s --%s--> %s", before.value, given.kind.value, where.value)


def reset(context: JuntosContext) -> None:
    """Leave any flow and forget what the flows knew (/start, /cancelar, /salir)."""
    save_conversation(user_data(context), Conversation())


def _back(before: StrEnum, after: StrEnum, back: str | None) -> str | None:
    """Where the flow `after` belongs to goes back when it ends (see the module docstring)."""
    if after is IDLE or _FLOW_OF[after] is search.FLOW:
        return None
    if before is search.State.RESULTS:
        return before.value
    return back
