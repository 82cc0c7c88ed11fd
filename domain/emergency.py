"""The emergency lines Juntos shows in a crisis, and the kinds of danger they are for.

These are constants on purpose: the crisis reply must work with no database and no NLU.
Each line cites the official source that defines it. Review them at least once a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DangerKind(StrEnum):
    """What the person seems to be facing; decides which lines come first."""

    SUICIDE_SELF_HARM = "suicide_self_harm"
    VIOLENCE_NOW = "violence_now"
    THREAT = "threat"
    SEXUAL_VIOLENCE = "sexual_violence"
    SHOOTING = "shooting"
    KIDNAPPING = "kidnapping"
    #: A parent or caregiver hurting the writer or a child at home. Kept apart from
    #: VIOLENCE_NOW because it also fits an anonymous report (089) and child protection.
    CHILD_ABUSE = "child_abuse"
    #: Danger of an unnamed kind ("auxilio", "estoy en peligro", someone not breathing).
    #: Also the kind to use for Rasa's `emergencia` intent, which does not say which danger.
    EMERGENCY = "emergency"


@dataclass(frozen=True, slots=True)
class EmergencyLine:
    #: Stable machine key (used by the bot to pick the translated description).
    key: str
    #: The number as a phone dials it, written the way Mexicans read it ("800 911 2000").
    number: str
    #: Kinds of danger this line is for.
    kinds: frozenset[DangerKind]
    open_24h: bool
    free: bool
    #: Whether the caller may stay anonymous (no name asked).
    anonymous: bool

    @property
    def tel_uri(self) -> str:
        """The number as an RFC 3966 `tel:` URI (digits only, national dialling)."""
        return "tel:" + "".join(ch for ch in self.number if ch.isdigit())


# 911 — national emergency number (police, ambulance, fire). Established as the single
# harmonised national emergency number by the Instituto Federal de Telecomunicaciones:
# "ACUERDO mediante el cual el Pleno del IFT expide los Lineamientos de Colaboración en
# Materia de Seguridad y Justicia y modifica el plan técnico fundamental de numeración",
# DOF 2 December 2015 (https://www.dof.gob.mx/nota_detalle.php?codigo=5418339&fecha=02/12/2015);
# the old 060/065/066/068/080 codes migrated to it (in service nationwide since 2017).
# Calls are free, also from phones without credit, 24 h; operated by the Secretariado
# Ejecutivo del Sistema Nacional de Seguridad Pública (SESNSP) with the states.
LINE_911 = EmergencyLine(
    key="emergency_911",
    number="911",
    kinds=frozenset(DangerKind),
    open_24h=True,
    free=True,
    anonymous=False,
)

# Línea de la Vida — 800 911 2000, the national mental-health and addictions line of the
# Secretaría de Salud, operated by the Comisión Nacional de Salud Mental y Adicciones
# (CONASAMA, created by decree in 2023; https://www.gob.mx/conasama). 24 h, 365 days, free.
# For emotional crisis, suicidal thoughts, addictions and gender violence, for oneself or
# for someone close. Not for a shooting or a kidnapping in progress: that is 911.
LINE_LIFE = EmergencyLine(
    key="linea_de_la_vida",
    number="800 911 2000",
    kinds=frozenset(
        {
            DangerKind.SUICIDE_SELF_HARM,
            DangerKind.VIOLENCE_NOW,
            DangerKind.THREAT,
            DangerKind.SEXUAL_VIOLENCE,
            DangerKind.CHILD_ABUSE,
            DangerKind.EMERGENCY,
        }
    ),
    open_24h=True,
    free=True,
    anonymous=False,
)

# 089 — Denuncia Anónima, national special-services code for anonymous crime reports,
# administered by the SESNSP (same IFT agreement, DOF 2 December 2015: "código de servicios
# especiales 089 para el servicio de denuncia anónima"; free like 911). No name is asked.
# Fits crimes a person may report without being in the middle of them: threats and
# extortion, shootings, kidnappings, abuse of a child.
LINE_ANONYMOUS_REPORT = EmergencyLine(
    key="denuncia_anonima_089",
    number="089",
    kinds=frozenset(
        {
            DangerKind.THREAT,
            DangerKind.SHOOTING,
            DangerKind.KIDNAPPING,
            DangerKind.CHILD_ABUSE,
        }
    ),
    open_24h=True,
    free=True,
    anonymous=True,
)

#: Every line, in the default order (someone in danger from others: 911 first).
ALL_LINES: tuple[EmergencyLine, ...] = (LINE_911, LINE_LIFE, LINE_ANONYMOUS_REPORT)

#: Danger from other people, now: when present, 911 comes first even if the person also
#: speaks of suicide (police and ambulance must be able to come).
HARM_BY_OTHERS = frozenset(
    {
        DangerKind.VIOLENCE_NOW,
        DangerKind.THREAT,
        DangerKind.SEXUAL_VIOLENCE,
        DangerKind.SHOOTING,
        DangerKind.KIDNAPPING,
        DangerKind.CHILD_ABUSE,
    }
)


def lines_for_kinds(kinds: frozenset[DangerKind]) -> tuple[EmergencyLine, ...]:
    """The lines that fit `kinds`, most useful first; 911 is always among them.

    Suicide or self-harm alone: Línea de la Vida, then 911. Anything else: 911 first.
    089 (anonymous report) comes last, only where it fits.
    """
    order = ALL_LINES
    if DangerKind.SUICIDE_SELF_HARM in kinds and not kinds & HARM_BY_OTHERS:
        order = (LINE_LIFE, LINE_911, LINE_ANONYMOUS_REPORT)
    if not kinds:
        return order
    return tuple(line for line in order if line.kinds & kinds)
