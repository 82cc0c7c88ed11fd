"""The member flow tables are total, lead only to real states, and are what the docs say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.flows import contact, conversation, forget, idle, search
from bot.flows.doc import DOC, documented, listing
from bot.flows.inputs import TRIGGERS, Kind
from bot.flows.machine import END, IDLE, IDLE_TABLE, NOT_NOW, STAY
from bot.state import Conversation

ROOT = Path(__file__).resolve().parents[2]
FLOWS = conversation.FLOWS
ALL_STATES = [state for flow in FLOWS for state in flow.states]


@pytest.mark.parametrize("flow", FLOWS, ids=lambda f: f.name)
def test_every_flow_table_has_exactly_one_row_per_state_and_event(flow) -> None:
    expected = {(state, event) for state in flow.states for event in flow.events}
    assert set(flow.table) == expected, {
        "missing": expected - set(flow.table),
        "extra": set(flow.table) - expected,
    }


@pytest.mark.parametrize("flow", FLOWS, ids=lambda f: f.name)
def test_every_flow_event_is_a_member_input(flow) -> None:
    kinds = {kind.value for kind in Kind}
    assert {event.value for event in flow.events} <= kinds


def test_the_idle_table_takes_every_input_itself() -> None:
    assert set(idle.Event) == set(Kind)
    assert all(t is not IDLE_TABLE for t in idle.TABLE.values())


def test_every_input_kind_says_how_it_reaches_the_bot() -> None:
    assert set(TRIGGERS) == set(Kind)


def test_state_names_are_unique_and_name_their_flow() -> None:
    values = [state.value for state in ALL_STATES]
    assert len(values) == len(set(values))
    for flow in FLOWS[1:]:
        assert all(state.value.startswith(f"{flow.name}.") for state in flow.states)
        assert set(flow.meaning) == set(flow.states)


@pytest.mark.parametrize("state", ALL_STATES, ids=str)
@pytest.mark.parametrize("kind", list(Kind), ids=str)
def test_every_input_has_a_row_in_every_state(state, kind: Kind) -> None:
    transition = conversation.route(state, kind)
    assert transition is not IDLE_TABLE
    assert transition.to, f"{transition.name} leads nowhere"


@pytest.mark.parametrize("flow", FLOWS, ids=lambda f: f.name)
def test_every_row_leads_only_to_states_that_exist(flow) -> None:
    known = {*ALL_STATES, STAY, END}
    for (state, event), transition in flow.table.items():
        if transition is IDLE_TABLE:
            assert flow is not idle.FLOW
            continue
        assert transition.to, (state, event)
        assert set(transition.to) <= known, (state, event, transition.to)


def test_a_consent_button_creates_a_case_only_when_consent_was_asked() -> None:
    for state in ALL_STATES:
        row = conversation.route(state, Kind.CONSENT_YES)
        if state is contact.State.CONSENT:
            assert row.step is contact.send_request
        else:
            assert row is NOT_NOW, state


def test_a_delete_button_deletes_only_when_deleting_was_asked() -> None:
    for state in ALL_STATES:
        row = conversation.route(state, Kind.DELETE_YES)
        if state is forget.State.CONFIRM:
            assert row.step is forget.forget_everything
        else:
            assert row is NOT_NOW, state


def test_a_plain_yes_deletes_only_when_deleting_was_asked() -> None:
    deleting = [
        s
        for s in ALL_STATES
        if conversation.route(s, Kind.SAID_YES).step.__name__ == "forget_everything"
    ]
    assert deleting == [forget.State.CONFIRM]


def test_words_are_read_as_a_place_only_when_a_place_was_asked() -> None:
    asked_where = {search.State.PLACE, contact.State.PLACE}
    for state in ALL_STATES:
        row = conversation.route(state, Kind.UNCLEAR)
        assert (row.step.__name__ == "look_up_place") == (state in asked_where), state


def test_only_the_conversation_stores_the_state() -> None:
    """No handler or step writes the persisted conversation itself."""
    writers = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "bot").rglob("*.py")
        if re.search(r"save_conversation\(|FLOW_KEY\]\s*=", path.read_text(encoding="utf-8"))
    )
    assert writers == ["bot/flows/conversation.py", "bot/state.py"]


# --- what was persisted ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "purpose", "expected"),
    [
        ("idle", "search", IDLE),
        ("need", "search", search.State.NEED),
        ("place", "search", search.State.PLACE),
        ("results", "search", search.State.RESULTS),
        ("need", "contact", contact.State.NEED),
        ("place", "contact", contact.State.PLACE),
        ("consent", "contact", contact.State.CONSENT),
        ("delete", "search", forget.State.CONFIRM),
        ("place", None, search.State.PLACE),
    ],
)
def test_a_step_persisted_before_the_tables_resumes_as_its_state(step, purpose, expected) -> None:
    stored = {"step": step, "category": "legal_aid", "municipality": "Juárez", "page": 1}
    if purpose is not None:
        stored["purpose"] = purpose
    restored = Conversation.from_dict(stored)
    assert conversation.state_named(restored.state) is expected
    assert restored.data.category is not None and restored.data.category.value == "legal_aid"
    assert restored.data.municipality == "Juárez" and restored.data.page == 1


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "search.place",
        {"step": "teleport"},
        {"step": "place", "purpose": "fly"},
        {"state": 7},
        {"state": "search.place", "page": "many"},
        {"state": "search.place", "results": [{"unknown": 1}]},
        {"state": "search.place", "age": "old"},
    ],
)
def test_an_unreadable_persisted_state_starts_afresh(stored) -> None:
    restored = Conversation.from_dict(stored)
    assert restored == Conversation()


def test_a_state_this_version_does_not_know_is_not_a_state() -> None:
    assert conversation.state_named("search.teleport") is None
    assert conversation.state_named(Conversation.from_dict({"state": "x.y"}).state) is None


def test_the_conversation_round_trips_through_its_persisted_form() -> None:
    original = Conversation(state="contact.consent", back="search.results")
    original.data.contact_service_id = "svc-1"
    original.data.set_typed_place(31.7386, -106.4870)
    assert Conversation.from_dict(original.to_dict()) == original


# --- the docs -------------------------------------------------------------------------------


def test_the_architecture_page_lists_the_current_tables() -> None:
    current = documented(DOC.read_text(encoding="utf-8"))
    assert current is not None, "docs/architecture.md lost its flows markers"
    assert current == listing(), "run `python -m bot.flows.doc --write`"


def test_the_listing_names_every_row() -> None:
    text = listing()
    for flow in FLOWS:
        assert f"#### {flow.name}:" in text
        for state in flow.states:
            assert f"`{state.value}`" in text
    assert all(f"| {kind.value} |" in text for kind in Kind)
