"""Who chats in the sandbox page, and the places they can share.

A data list on purpose: personas for NGO staff and coordinators are added here, the page
shows whatever is listed. Names, ages and places are fictional.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Persona:
    user_id: int
    first_name: str
    age: int
    city: str
    language_code: str = "es"
    role: str = "member"  # member | staff | coordinator (see docs/architecture.md)
    last_name: str | None = None
    username: str | None = None
    shown: bool = True  # open as a chat when the page loads
    #: Staff and coordinators: the (fictional) organisation they work for, by its name.
    organization: str | None = None
    #: Coordinators: the municipalities they cover (INEGI codes).
    municipalities: tuple[str, ...] = ()
    #: A one-time invitation code issued by `juntos demo load` (the page offers to open it,
    #: as a deep link would): staff are linked through the same invitations as on Telegram.
    invite_code: str | None = None

    @property
    def label(self) -> str:
        if self.role == "member":
            return f"{self.first_name}, {self.age}, {self.city}"
        role = "coordinación" if self.role == "coordinator" else "personal"
        return f"{self.first_name}, {role}, {self.organization or self.city}"

    def telegram_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": self.user_id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        return user

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "label": self.label}


PERSONAS: list[Persona] = [
    Persona(user_id=1001, first_name="Ana", age=16, city="Juárez"),
    Persona(user_id=1002, first_name="Luis", age=22, city="Tijuana"),
    # Partner staff of two demo organisations in Juárez, and the municipality's coordinator:
    # a trainer can run a whole referral story on one screen.
    Persona(
        user_id=2001,
        first_name="Rosa",
        age=34,
        city="Juárez",
        role="staff",
        organization="Oficina Municipal Ficticia de Prevención Juárez (demo)",
    ),
    Persona(
        user_id=2002,
        first_name="Tere",
        age=29,
        city="Juárez",
        role="staff",
        organization="Colectivo Vecinal Puentes de Paz Juárez (demo)",
    ),
    Persona(
        user_id=2003,
        first_name="Marco",
        age=41,
        city="Juárez",
        role="coordinator",
        organization="Oficina Municipal Ficticia de Prevención Juárez (demo)",
        municipalities=("08037",),
    ),
]


def with_invites(personas: list[Persona], codes: dict[int, str]) -> list[Persona]:
    """The personas, each staff persona carrying its invitation code when there is one."""
    return [replace(p, invite_code=codes.get(p.user_id)) for p in personas]


@dataclass(frozen=True)
class Place:
    municipality: str
    state: str
    latitude: float
    longitude: float

    @property
    def label(self) -> str:
        return f"{self.municipality}, {self.state} (centro)"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "label": self.label}


# One point near the centre of each JPV municipality (approximate, for trying the sandbox).
PRESET_PLACES: list[Place] = [
    Place("Tijuana", "Baja California", 32.5149, -117.0382),
    Place("Chihuahua", "Chihuahua", 28.6353, -106.0889),
    Place("Juárez", "Chihuahua", 31.7383, -106.4870),
    Place("Monterrey", "Nuevo León", 25.6866, -100.3161),
    Place("General Escobedo", "Nuevo León", 25.7969, -100.3264),
    Place("Guadalupe", "Nuevo León", 25.6775, -100.2597),
    Place("Guadalajara", "Jalisco", 20.6767, -103.3475),
    Place("Zapopan", "Jalisco", 20.7214, -103.3918),
    Place("Tonalá", "Jalisco", 20.6242, -103.2339),
    Place("Morelia", "Michoacán", 19.7027, -101.1923),
]
