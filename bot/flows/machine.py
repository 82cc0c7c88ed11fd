"""What every flow table is made of: a turn, a transition, and the two answers they share.

A flow is a module with a `State` enum, an `Event` enum (the input kinds it takes, by the
values of `bot/flows/inputs.Kind`) and ONE table mapping each (state, event) pair to a
transition: the step to run and the states it may lead to. A step validates its input, calls
at most one domain service, renders with `bot/texts.py` and the keyboards, and returns where
the member is now: one of the states its row names. Only `bot/flows/conversation.py` stores it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from telegram import Update

from bot import texts
from bot.context import JuntosContext, Services, services_of
from bot.flows.inputs import Input
from bot.handlers.common import forget_shared_point, search_point, show_menu
from bot.i18n import Translator
from bot.state import IDLE as IDLE_VALUE
from bot.state import FlowData
from domain.geo import Point


class Idle(StrEnum):
    """Between flows: the member sees the menu."""

    IDLE = IDLE_VALUE


IDLE = Idle.IDLE


class Then(StrEnum):
    """Where a step may lead that is no flow's own state."""

    STAY = "stay"  # where the member was (an answer that changes nothing)
    END = "end"  # the flow is over: back to the search results it was entered from, else idle


STAY = Then.STAY
END = Then.END


@dataclass
class Turn:
    """One input being handled: who, in which language, what the flows know, what came in."""

    update: Update
    context: JuntosContext
    t: Translator
    data: FlowData
    input: Input
    #: Where the member was when the input came (a flow's state, or IDLE).
    state: StrEnum
    #: Notes for the next message this turn sends ("Busco cerca de ..."): one message per
    #: reply. `bot/flows/conversation.py` sends what no step took.
    notes: list[str] = field(default_factory=list)

    def with_notes(self, text: str) -> str:
        """`text` after the notes waiting to be sent (which are then taken)."""
        notes, self.notes = self.notes, []
        return "\n\n".join([*notes, text])

    @property
    def chat_id(self) -> int | None:
        chat = self.update.effective_chat
        return chat.id if chat is not None else None

    def search_point(self) -> Point | None:
        """Where to search from: the typed place, or the location shared recently."""
        return search_point(self.update, self.context, self.data)

    def forget_shared_point(self) -> None:
        forget_shared_point(self.update, self.context)

    @property
    def services(self) -> Services:
        return services_of(self.context)


Step = Callable[[Turn], Awaitable[StrEnum]]


@dataclass(frozen=True)
class Transition:
    step: Step
    #: Where the step may lead (its return value is checked against these).
    to: tuple[StrEnum, ...]

    @property
    def name(self) -> str:
        return self.step.__name__


def go(step: Step, *to: StrEnum) -> Transition:
    return Transition(step, to)


async def not_now(turn: Turn) -> StrEnum:
    """A button that does not fit where the member is (old, or forged): say so, show the menu."""
    await show_menu(turn.update, turn.t, texts.stale_button(turn.t))
    return STAY


async def not_understood(turn: Turn) -> StrEnum:
    """Words that mean nothing where the member is: say so (as a bot), show the menu."""
    await show_menu(turn.update, turn.t, texts.not_understood(turn.t))
    return STAY


async def not_this_flow(turn: Turn) -> StrEnum:
    """Marks an input a flow leaves to the idle table (never run)."""
    raise AssertionError("the conversation hands this input to the idle table")


NOT_NOW = go(not_now, STAY)
NOT_UNDERSTOOD = go(not_understood, STAY)
#: "Not this flow's": the input does what it does between flows (it may start another flow).
IDLE_TABLE = go(not_this_flow)

Table = Mapping[tuple[Any, Any], Transition]


@dataclass(frozen=True)
class Flow:
    """A flow as the conversation and the docs see it."""

    name: str
    summary: str
    states: type[StrEnum]
    #: What the member was last asked, in each state.
    meaning: Mapping[Any, str]
    events: type[StrEnum]
    table: Table
