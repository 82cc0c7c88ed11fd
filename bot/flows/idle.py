"""Between flows, and whatever a flow does not take: an input that starts a flow starts it
(leaving the current one); a button that belongs to no current question is "not now"; words
that mean nothing here get "I didn't understand". Both show the menu.

Its events are every input kind, so a member's input always has an answer.
"""

from __future__ import annotations

from bot.flows import contact, forget, search
from bot.flows.inputs import Kind
from bot.flows.machine import (
    END,
    IDLE,
    NOT_NOW,
    NOT_UNDERSTOOD,
    Flow,
    Idle,
    Transition,
    go,
)

State = Idle
Event = Kind

TABLE: dict[tuple[Idle, Kind], Transition] = {
    # Inputs that start a flow.
    (IDLE, Kind.SEARCH): go(search.start, search.State.NEED),
    (IDLE, Kind.NEED): go(search.enter, search.State.PLACE, search.State.RESULTS),
    (IDLE, Kind.LOCATION): go(search.enter, search.State.NEED, search.State.RESULTS),
    (IDLE, Kind.PLACE_WORDS): go(search.enter, search.State.PLACE, search.State.NEED),
    (IDLE, Kind.NEED_WORDS): go(
        search.enter, search.State.NEED, search.State.PLACE, search.State.RESULTS
    ),
    (IDLE, Kind.CONTACT_ME): go(
        contact.start, contact.State.NEED, contact.State.PLACE, contact.State.CONSENT, END
    ),
    (IDLE, Kind.CONTACT_NEED): go(
        contact.choose_need,
        contact.State.NEED,
        contact.State.PLACE,
        contact.State.CONSENT,
        END,
    ),
    (IDLE, Kind.DELETE_ME): go(forget.start, forget.State.CONFIRM),
    # Buttons of a question that is not the current one.
    (IDLE, Kind.OFFER): NOT_NOW,
    (IDLE, Kind.CANDIDATE): NOT_NOW,
    (IDLE, Kind.MAP): NOT_NOW,
    (IDLE, Kind.MORE): NOT_NOW,
    (IDLE, Kind.OTHER_NEED): NOT_NOW,
    (IDLE, Kind.AGE_FILTER): NOT_NOW,
    (IDLE, Kind.AGE): NOT_NOW,
    (IDLE, Kind.EXACT_PLACE): NOT_NOW,
    (IDLE, Kind.FILTERS): NOT_NOW,
    (IDLE, Kind.FILTER): NOT_NOW,
    (IDLE, Kind.CONSENT_YES): NOT_NOW,
    (IDLE, Kind.CONSENT_NO): NOT_NOW,
    (IDLE, Kind.DELETE_YES): NOT_NOW,
    (IDLE, Kind.DELETE_NO): NOT_NOW,
    # Words with no question to answer.
    (IDLE, Kind.SAID_YES): NOT_UNDERSTOOD,
    (IDLE, Kind.SAID_NO): NOT_UNDERSTOOD,
    (IDLE, Kind.UNCLEAR): NOT_UNDERSTOOD,
}

FLOW = Flow(
    name="idle",
    summary="between flows; also answers what the current flow does not take",
    states=Idle,
    meaning={IDLE: "no question pending: the member sees the menu"},
    events=Kind,
    table=TABLE,
)
