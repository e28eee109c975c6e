"""Facts and narratives shared by the summarizer tests."""

from __future__ import annotations

from reports.summarizer import Facts, facts_build


def weekly_facts() -> Facts:
    """A week in Bellavista: one suppressed category, one suppressed hotspot."""
    return facts_build(
        district="Bellavista",
        period="2025-W10",
        counts={"Robo": 18, "Hurto": 12, "Lesiones": 7, "Estafa": 5, "Robo de vehículo": None},
        total=42,
        previous_average={
            "Robo": 15.0,
            "Hurto": 13.25,
            "Lesiones": 5.5,
            "Estafa": 3.75,
            "Robo de vehículo": 2.0,
        },
        last_year={"Robo": 20, "Hurto": 14, "Lesiones": 6, "Estafa": 6, "Robo de vehículo": 1},
        previous_total_average=37.5,
        last_year_total=46,
        hotspots={"Cercado de Bellavista": 12, "Urb. Santa Marina": 8, "Ciudad del Pescador": None},
        hours={20: 9, 21: 7, 19: 5, 3: None},
        weekdays={4: 11, 5: 9, 0: 3},
    )


# Three kinds of robbery, written the way Callao police narratives are, with the personal
# data real ones carry (names, DNI, phones, addresses) so scrubbing is exercised too.
SNATCHINGS = [
    "El agraviado Juan Pérez Quispe, con DNI 45678912, refiere que a las 21:30 horas, cuando "
    "esperaba en el paradero de la Av. Colonial, dos sujetos a bordo de una moto le arrebataron "
    "su celular y huyeron.",
    "La denunciante María Rojas Salas (celular 987 654 321) indica que en horas de la noche, en "
    "el paradero de la Av. Sáenz Peña, un sujeto en moto le arrebató su celular y se dio a la "
    "fuga.",
    "Siendo las 22:00 horas, en el paradero frente al mercado, dos delincuentes en motocicleta "
    "arrebataron la cartera de la agraviada Rosa Salas Vega.",
    "Refiere que a las 20:45 horas un sujeto en moto le arrebató su teléfono celular mientras "
    "caminaba hacia el paradero.",
    "Por la noche, en el paradero de combis, le arrebataron el celular; los sujetos huyeron en "
    "una moto lineal.",
]
BURGLARIES = [
    "El denunciante refiere que al llegar a su domicilio encontró la puerta forzada y "
    "sustrajeron su televisor y una laptop. Los hechos ocurrieron por la mañana.",
    "En horas de la mañana desconocidos forzaron la cerradura de la vivienda en Jr. Callao 123 "
    "y sustrajeron joyas y dinero en efectivo.",
    "La agraviada manifiesta que al retornar a su casa por la tarde encontró la ventana forzada "
    "y faltaban una laptop y un televisor.",
    "Desconocidos ingresaron a la vivienda tras forzar la puerta principal y sustrajeron "
    "electrodomésticos; el hecho ocurrió en la mañana.",
]
ARMED_ROBBERIES = [
    "Dos sujetos con arma de fuego ingresaron a la bodega y amenazaron al propietario, "
    "sustrayendo el dinero de la caja registradora; ocurrió de noche.",
    "Tres sujetos armados con pistola asaltaron la tienda de abarrotes y se llevaron la "
    "recaudación del día, a las 21:00 horas.",
    "A mano armada, dos delincuentes redujeron al cajero de la farmacia y sustrajeron el dinero "
    "de la caja; huyeron en un auto.",
]
NARRATIVES = SNATCHINGS + BURGLARIES + ARMED_ROBBERIES
