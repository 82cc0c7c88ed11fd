"""Write the fictional demo directory (HSDS 3.1 CSV) into data/demo_directory/.

Every organisation, service and location is invented and named "... (demo)"; addresses are
"Calle Ficticia N" and phone numbers "+52 55 0000 NNNN". What is real: the ten municipalities
of the program, their INEGI codes and time zones, and the colonias (names, postal codes from the
SEPOMEX catalogue, coordinates placed by hand near each colonia, to within a few hundred metres).

Deterministic: ids are uuid5 of stable names, so running it again writes identical files.

    .venv/bin/python scripts/make_demo_directory.py [--out DIR]
"""

from __future__ import annotations

import argparse
import uuid
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from domain.directory import (
    Accessibility,
    Address,
    CostOption,
    Directory,
    Location,
    Organization,
    Phone,
    RequiredDocument,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
)
from domain.schedule import Schedule
from domain.taxonomy import Category, Eligibility, Sector
from storage.hsds.exporting import write_directory

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "demo_directory"
DEMO = uuid.uuid5(uuid.NAMESPACE_URL, "urn:juntos:demo-directory")
FICTIONAL = (
    "Organización ficticia: dato de demostración de Juntos (demo). No existe; no la contactes."
)


@dataclass(frozen=True)
class Colonia:
    name: str
    postal_code: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class City:
    slug: str
    name: str
    inegi_code: str
    state: str
    timezone: str
    colonias: tuple[Colonia, ...]


C = Colonia
CITIES = (
    City(
        "tijuana",
        "Tijuana",
        "02004",
        "Baja California",
        "America/Tijuana",
        (
            C("Zona Centro", "22000", 32.5332, -117.0382),
            C("Camino Verde (Cañada Verde)", "22190", 32.4870, -117.0000),
            C("Sanchez Taboada Produtsa", "22185", 32.4975, -117.0240),
            C("Otay Universidad", "22427", 32.5310, -116.9660),
            C("Mariano Matamoros (Centro)", "22234", 32.4640, -116.9230),
        ),
    ),
    City(
        "chihuahua",
        "Chihuahua",
        "08019",
        "Chihuahua",
        "America/Chihuahua",
        (
            C("Zona Centro", "31000", 28.6353, -106.0773),
            C("Cerro de la Cruz", "31460", 28.6220, -106.0640),
            C("Villa Juárez", "31064", 28.5900, -106.1050),
            C("Punta Oriente", "31385", 28.6500, -106.0200),
            C("Riberas del Sacramento I y II", "31184", 28.7400, -106.1050),
        ),
    ),
    City(
        "juarez",
        "Juárez",
        "08037",
        "Chihuahua",
        "America/Ciudad_Juarez",
        (
            C("Centro", "32000", 31.7390, -106.4870),
            C("Riberas del Bravo", "32594", 31.6280, -106.3180),
            C("Puerto de Anapra", "32107", 31.7840, -106.5650),
            C("Parajes del Sur", "32575", 31.6260, -106.4050),
            C("Felipe Ángeles", "32100", 31.7530, -106.5070),
        ),
    ),
    City(
        "monterrey",
        "Monterrey",
        "19039",
        "Nuevo León",
        "America/Monterrey",
        (
            C("Monterrey Centro", "64000", 25.6700, -100.3090),
            C("Independencia", "64720", 25.6600, -100.3170),
            C("Lomas de Topo Chico", "64205", 25.7330, -100.3270),
            C("Tierra y Libertad Sector Centro", "64246", 25.7240, -100.3570),
            C("Paseo de San Bernabé", "64103", 25.7560, -100.3700),
        ),
    ),
    City(
        "escobedo",
        "General Escobedo",
        "19021",
        "Nuevo León",
        "America/Monterrey",
        (
            C("General Escobedo Centro", "66050", 25.7950, -100.3180),
            C("Los Girasoles I", "66056", 25.8000, -100.3420),
            C("Alianza Real", "66084", 25.8220, -100.3300),
            C("Pedregal del Topo Chico (Fomerrey 52)", "66061", 25.7750, -100.3330),
            C("INFONAVIT Felipe Carrillo Puerto", "66055", 25.8050, -100.3100),
        ),
    ),
    City(
        "guadalupe",
        "Guadalupe",
        "19026",
        "Nuevo León",
        "America/Monterrey",
        (
            C("Ciudad Guadalupe Centro", "67100", 25.6770, -100.2590),
            C("Valle Soleado", "67130", 25.6690, -100.2000),
            C("Dos Ríos", "67134", 25.6550, -100.1870),
            C("Rivera de Linda Vista", "67126", 25.6900, -100.2430),
            C("Contry la Silla", "67173", 25.6300, -100.2500),
        ),
    ),
    City(
        "guadalajara",
        "Guadalajara",
        "14039",
        "Jalisco",
        "America/Mexico_City",
        (
            C("Guadalajara Centro", "44100", 20.6767, -103.3475),
            C("Oblatos", "44700", 20.6950, -103.2980),
            C("Santa Cecilia 1a. sección", "44700", 20.6850, -103.2930),
            C("Analco", "44450", 20.6700, -103.3380),
            C("Lomas Del Paradero", "44840", 20.6440, -103.3020),
        ),
    ),
    City(
        "zapopan",
        "Zapopan",
        "14120",
        "Jalisco",
        "America/Mexico_City",
        (
            C("Zapopan Centro", "45100", 20.7210, -103.3920),
            C("Miramar", "45060", 20.6200, -103.4550),
            C("Constitución", "45180", 20.7350, -103.3760),
            C("Mesa Colorada Poniente", "45189", 20.7600, -103.4000),
            C("El Colli 1a Secc", "45010", 20.6550, -103.4400),
        ),
    ),
    City(
        "tonala",
        "Tonalá",
        "14101",
        "Jalisco",
        "America/Mexico_City",
        (
            C("Tonalá Centro", "45400", 20.6240, -103.2420),
            C("Jalisco 1a. Sección", "45412", 20.6390, -103.2650),
            C("Loma Dorada Ejidal", "45402", 20.6300, -103.2750),
            C("Santa Paula", "45420", 20.6050, -103.2500),
            C("Coyula", "45410", 20.6530, -103.2330),
        ),
    ),
    City(
        "morelia",
        "Morelia",
        "16053",
        "Michoacán de Ocampo",
        "America/Mexico_City",
        (
            C("Centro Histórico", "58000", 19.7027, -101.1923),
            C("Lomas de Santiaguito", "58120", 19.7330, -101.2000),
            C("Villas del Pedregal", "58330", 19.7350, -101.2650),
            C("Mil Cumbres", "58254", 19.6950, -101.1500),
            C("Tenencia Morelos", "58341", 19.6700, -101.2200),
        ),
    ),
)

# Fictional organisation names per sector; the city is appended.
ORGANIZATIONS = {
    Sector.CIVIL_SOCIETY: "Colectivo Vecinal Puentes de Paz",
    Sector.GOVERNMENT: "Oficina Municipal Ficticia de Prevención",
    Sector.ACADEMIC: "Clínica Universitaria Imaginaria",
    Sector.PRIVATE: "Fundación Empresarial Inventada Horizonte",
}

WEEKDAYS = frozenset(range(5))
EVERY_DAY = frozenset(range(7))


def _t(text: str) -> time:
    return time.fromisoformat(text)


@dataclass(frozen=True)
class Offer:
    """One kind of demo service: who offers it, for whom, and when."""

    category: Category
    sector: Sector
    name: str
    description: str
    hours: tuple[tuple[frozenset[int], str, str], ...]
    minimum_age: int | None = None
    maximum_age: int | None = None
    extra: frozenset[Category] = frozenset()
    #: Cost per visit in MXN (0: free of charge).
    fee: int = 0
    fees_description: str | None = None
    eligibility: frozenset[Eligibility] = frozenset()
    documents: tuple[str, ...] = ()
    #: Its places have a wheelchair ramp and an accessible bathroom.
    accessible: bool = False
    #: It also works in the city's indigenous language (CITY_LANGUAGES).
    speaks_local: bool = False


#: An indigenous language spoken in each city (fictional staff; real languages of the region).
CITY_LANGUAGES = {
    "tijuana": ("mix", "Mixteco"),
    "chihuahua": ("tar", "Rarámuri"),
    "juarez": ("tar", "Rarámuri"),
    "monterrey": ("nah", "Náhuatl"),
    "escobedo": ("nah", "Náhuatl"),
    "guadalupe": ("nah", "Náhuatl"),
    "guadalajara": ("hch", "Wixárika"),
    "zapopan": ("hch", "Wixárika"),
    "tonala": ("hch", "Wixárika"),
    "morelia": ("tsz", "P'urhépecha"),
}
#: Border cities: the health service also attends migrants; English is spoken there.
BORDER = frozenset({"tijuana", "juarez"})
ACCESS = "Rampa para silla de ruedas y baño accesible (ficticio)."

OFFERS = (
    Offer(
        Category.PSYCHOLOGICAL_SUPPORT,
        Sector.CIVIL_SOCIETY,
        "Escucha y Acompañamiento Emocional",
        "Sesiones de contención y acompañamiento psicológico individual y en grupo.",
        ((WEEKDAYS, "10:00", "19:00"), (frozenset({5}), "10:00", "14:00")),
        fees_description="Sin costo.",
        accessible=True,
        speaks_local=True,
    ),
    Offer(
        Category.LEGAL_AID,
        Sector.ACADEMIC,
        "Bufete Jurídico Gratuito",
        "Orientación legal gratuita: denuncias, pensiones, custodia y trámites.",
        ((frozenset({0, 2, 4}), "10:00", "14:00"),),
        minimum_age=18,
        fees_description="Gratuito para personas sin abogado.",
        documents=("INE", "comprobante de domicilio"),
    ),
    Offer(
        Category.SHELTER,
        Sector.CIVIL_SOCIETY,
        "Casa Refugio Temporal",
        "Alojamiento seguro y temporal con acompañamiento; ubicación confidencial.",
        ((EVERY_DAY, "00:00", "00:00"),),
        extra=frozenset({Category.GENDER_VIOLENCE}),
        eligibility=frozenset({Eligibility.WOMEN, Eligibility.FAMILIES}),
    ),
    Offer(
        Category.ADDICTION_TREATMENT,
        Sector.PRIVATE,
        "Programa Ambulatorio de Adicciones",
        "Tratamiento ambulatorio, grupos de apoyo y orientación a familias.",
        ((WEEKDAYS, "10:00", "19:00"), (frozenset({5}), "09:00", "13:00")),
        minimum_age=12,
        extra=frozenset({Category.HEALTH}),
        fee=150,
        fees_description="Cuota de recuperación por sesión, según estudio socioeconómico.",
        eligibility=frozenset({Eligibility.FAMILIES}),
    ),
    Offer(
        Category.YOUTH_PROGRAMS,
        Sector.CIVIL_SOCIETY,
        "Jóvenes Constructores de Paz",
        "Deporte, arte y mentoría por las tardes y fines de semana.",
        ((WEEKDAYS, "16:00", "21:00"), (frozenset({5, 6}), "10:00", "15:00")),
        minimum_age=12,
        maximum_age=29,
        eligibility=frozenset({Eligibility.ADOLESCENTS}),
        accessible=True,
    ),
    Offer(
        Category.EDUCATION_EMPLOYMENT,
        Sector.PRIVATE,
        "Taller de Oficios y Bolsa de Trabajo",
        "Capacitación en oficios, preparatoria abierta y vinculación con empleo.",
        ((WEEKDAYS, "15:00", "20:00"),),
        minimum_age=15,
        maximum_age=29,
        extra=frozenset({Category.YOUTH_PROGRAMS}),
        documents=("CURP", "acta de nacimiento"),
    ),
    Offer(
        Category.MEDIATION,
        Sector.ACADEMIC,
        "Centro de Mediación Vecinal",
        "Mediación de conflictos entre vecinos, familias y escuelas.",
        ((frozenset({1, 3}), "16:00", "20:00"), (frozenset({5}), "10:00", "14:00")),
        eligibility=frozenset({Eligibility.FAMILIES}),
    ),
    Offer(
        Category.HEALTH,
        Sector.GOVERNMENT,
        "Consultorio Comunitario",
        "Consulta médica general y salud sexual y reproductiva.",
        ((frozenset(range(6)), "08:00", "20:00"),),
        fee=50,
        fees_description="Consulta de $50; sin costo con carta de exención.",
        documents=("INE o CURP",),
        accessible=True,
        speaks_local=True,
    ),
    Offer(
        Category.GENDER_VIOLENCE,
        Sector.GOVERNMENT,
        "Atención a Mujeres en Situación de Violencia",
        "Atención psicológica, legal y de trabajo social; acompañamiento a denuncia.",
        ((EVERY_DAY, "00:00", "00:00"),),
        minimum_age=15,
        extra=frozenset({Category.PSYCHOLOGICAL_SUPPORT, Category.LEGAL_AID}),
        eligibility=frozenset({Eligibility.WOMEN}),
        speaks_local=True,
    ),
    Offer(
        Category.CHILD_PROTECTION,
        Sector.GOVERNMENT,
        "Protección a Niñas, Niños y Adolescentes",
        "Orientación y canalización para proteger los derechos de la infancia.",
        ((WEEKDAYS, "08:00", "16:00"),),
        minimum_age=0,
        maximum_age=17,
        eligibility=frozenset({Eligibility.ADOLESCENTS, Eligibility.FAMILIES}),
    ),
)


def _id(*parts: str) -> str:
    return str(uuid.uuid5(DEMO, ":".join(parts)))


class _Numbers:
    """Phone numbers +52 55 0000 0001, 0002, ... (the 0000 exchange marks them as fictional)."""

    def __init__(self) -> None:
        self.next = 1

    def take(self) -> str:
        number = f"+52 55 0000 {self.next:04d}"
        self.next += 1
        return number


def _add_place(
    d: Directory,
    numbers: _Numbers,
    city: City,
    org: Organization,
    offer: Offer,
    service: Service,
    colonia: Colonia,
    spot_index: int,
    street: int,
) -> None:
    """A location in `colonia` with its address, the service there, its phone and hours."""
    index = OFFERS.index(offer) + spot_index
    location = Location(
        id=_id("location", city.slug, offer.category, str(spot_index)),
        name=f"Sede {colonia.name}, {org.name.removesuffix(' (demo)')} (demo)",
        # A small offset so two places in one colonia do not share a point.
        latitude=round(colonia.latitude + 0.0011 * ((index % 3) - 1), 6),
        longitude=round(colonia.longitude + 0.0013 * ((index % 4) - 1.5), 6),
        organization_id=org.id,
        description=f"Sede ficticia en la colonia {colonia.name}.",
        municipality_code=city.inegi_code,
        timezone=city.timezone,
        marked_confidential=offer.category is Category.SHELTER,
    )
    d.locations.append(location)
    d.addresses.append(
        Address(
            id=_id("address", location.id),
            location_id=location.id,
            address_1=f"Calle Ficticia {street}",
            address_2=f"Col. {colonia.name}",
            city=city.name,
            state_province=city.state,
            postal_code=colonia.postal_code,
        )
    )
    sal = ServiceAtLocation(
        id=_id("service_at_location", service.id, location.id),
        service_id=service.id,
        location_id=location.id,
    )
    d.services_at_location.append(sal)
    if offer.accessible and spot_index == 0:
        d.accessibility.append(
            Accessibility(
                id=_id("accessibility", location.id), location_id=location.id, description=ACCESS
            )
        )
    d.phones.append(
        Phone(
            id=_id("phone", sal.id),
            number=numbers.take(),
            service_at_location_id=sal.id,
            description="Teléfono del servicio (ficticio).",
        )
    )
    for days, opens, closes in offer.hours:
        d.schedules.append(
            Schedule(
                id=_id("schedule", sal.id, str(sorted(days)), opens),
                weekdays=days,
                opens_at=_t(opens),
                closes_at=_t(closes),
                service_id=service.id,
                service_at_location_id=sal.id,
                description="Abierto las 24 horas." if opens == closes else "",
            )
        )


def _add_details(d: Directory, city: City, offer: Offer, service: Service) -> None:
    """What it costs, what to bring, the languages spoken."""
    d.cost_options.append(
        CostOption(
            id=_id("cost_option", service.id),
            service_id=service.id,
            option="free" if offer.fee == 0 else "Cuota por visita",
            amount=float(offer.fee),
            currency="MXN",
            amount_description=None if offer.fee == 0 else "por visita",
        )
    )
    for document in offer.documents:
        d.required_documents.append(
            RequiredDocument(
                id=_id("required_document", service.id, document),
                service_id=service.id,
                document=document,
            )
        )
    languages = [("es", "Español")]
    if offer.speaks_local:
        languages.append(CITY_LANGUAGES[city.slug])
    if city.slug in BORDER and offer.category is Category.HEALTH:
        languages.append(("en", "English"))
    for code, name in languages:
        d.languages.append(
            ServiceLanguage(
                id=_id("language", service.id, code), code=code, name=name, service_id=service.id
            )
        )


def build() -> Directory:
    d = Directory()
    numbers = _Numbers()
    street = 100
    for city_index, city in enumerate(CITIES):
        orgs: dict[Sector, Organization] = {}
        for sector, base in ORGANIZATIONS.items():
            org = Organization(
                id=_id("organization", city.slug, sector),
                name=f"{base} {city.name} (demo)",
                description=FICTIONAL,
                email=f"contacto@{sector.replace('_', '-')}-{city.slug}.example.org",
                sector=sector,
            )
            orgs[sector] = org
            d.organizations.append(org)
            d.phones.append(
                Phone(
                    id=_id("phone", org.id),
                    number=numbers.take(),
                    organization_id=org.id,
                    description="Línea general (ficticia).",
                )
            )
        for offer_index, offer in enumerate(OFFERS):
            org = orgs[offer.sector]
            # Services are spread over the city's colonias, differently in each city.
            colonia = city.colonias[(offer_index + city_index) % len(city.colonias)]
            service = Service(
                id=_id("service", city.slug, offer.category),
                organization_id=org.id,
                name=f"{offer.name} {city.name} (demo)",
                description=f"{offer.description} Servicio ficticio de demostración.",
                fees_description=offer.fees_description,
                eligibility=offer.eligibility,
                minimum_age=offer.minimum_age,
                maximum_age=offer.maximum_age,
                categories=frozenset({offer.category}) | offer.extra,
                # Shelters are confidential anyway; half the cities also hide this one.
                marked_confidential=(
                    offer.category is Category.GENDER_VIOLENCE and city_index % 2 == 0
                ),
            )
            if offer.category is Category.HEALTH and city.slug in BORDER:
                service.eligibility |= {Eligibility.MIGRANTS}
            if offer.category is Category.PSYCHOLOGICAL_SUPPORT and city_index % 3 == 1:
                # Some cities run it as a support group for LGBTQ+ people.
                service.eligibility |= {Eligibility.LGBTQ}
                service.description += " Grupo de apoyo para la diversidad sexual."
            if offer.category is Category.MEDIATION and city_index % 4 == 0:
                service.alert = "Aviso ficticio: esta semana solo atiende con cita."
            d.services.append(service)
            _add_details(d, city, offer, service)
            # Youth programs also run in a second colonia: one service, two places.
            spots = [colonia]
            if offer.category is Category.YOUTH_PROGRAMS:
                spots.append(city.colonias[(offer_index + city_index + 2) % len(city.colonias)])
            for spot_index, spot in enumerate(spots):
                street += 7
                _add_place(d, numbers, city, org, offer, service, spot, spot_index, street)
    return d


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"target folder (default {OUT})")
    args = parser.parse_args()
    counts = write_directory(build(), args.out)
    print(", ".join(f"{name}: {count}" for name, count in counts.items()))


if __name__ == "__main__":
    main()
