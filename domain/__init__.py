"""The heart of Juntos: entities, rules, state machines, use-case services and ports.

Standard library only: no SQLAlchemy, telegram, httpx or Babel here (enforced by a test).
"""
