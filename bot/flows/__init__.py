"""The member's conversation flows, each a pure transition table (docs/architecture.md).

`inputs` names what a member can do; `search`, `contact` and `forget` are the flows (states,
events, one table each); `idle` answers what no flow takes; `conversation` keeps the state and
runs the tables; `machine` holds what they share; `places` and `doc` are helpers.
"""
