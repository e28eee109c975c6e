"""The scrubber removes Peruvian personal data (used by the summarizer and the classifier)."""

from __future__ import annotations

import pytest

from forecasting.scrub import scrub


@pytest.mark.parametrize(
    ("narrative", "scrubbed"),
    [
        (
            "El agraviado Juan Carlos Pérez Quispe, identificado con DNI N° 45678912, refiere que "
            "fue asaltado.",
            "El agraviado [NOMBRE], identificado con DNI N° [DNI], refiere que fue asaltado.",
        ),
        ("Presentó su D.N.I. 07654321-5 al personal.", "Presentó su D.N.I. [DNI] al personal."),
        (
            "La denunciante María del Carmen Rojas (celular 987 654 321) manifestó lo ocurrido.",
            "La denunciante [NOMBRE] (celular [TELÉFONO]) manifestó lo ocurrido.",
        ),
        (
            "Se comunicó al +51 912345678, al +51 1 456 7890 y al (01) 456-7890.",
            "Se comunicó al [TELÉFONO], al [TELÉFONO] y al [TELÉFONO].",
        ),
        (
            "Llamó desde el 987-654-321 y luego desde el 01-4567890 y el 456-7890.",
            "Llamó desde el [TELÉFONO] y luego desde el [TELÉFONO] y el [TELÉFONO].",
        ),
        (
            "Envió capturas al correo juan.perez92@gmail.com para la denuncia.",
            "Envió capturas al correo [CORREO] para la denuncia.",
        ),
        (
            "Reside en Jr. Callao 123, Mz. B Lt. 12, AA.HH. Bocanegra.",
            "Reside en [DIRECCIÓN], AA.HH. Bocanegra.",
        ),
        (
            "Fue interceptado en la Av. Sáenz Peña cuadra 5 cuando volvía a casa.",
            "Fue interceptado en la [DIRECCIÓN] cuando volvía a casa.",
        ),
        (
            "Ocurrió en la esquina de Av. Colonial con Av. Elmer Faucett cdra. 30.",
            "Ocurrió en la esquina de [DIRECCIÓN] con [DIRECCIÓN].",
        ),
        (
            "Su domicilio queda en la Calle Los Olivos N° 345 Int. 2, Psje. 3 de Octubre 145 y "
            "Jirón de la Unión 800.",
            "Su domicilio queda en la [DIRECCIÓN], [DIRECCIÓN] y [DIRECCIÓN].",
        ),
        (
            "Vive en la Avenida José C. Mariátegui 450, frente al Pasaje Los Jazmines s/n.",
            "Vive en la [DIRECCIÓN], frente al [DIRECCIÓN].",
        ),
        (
            "el señor Luis Alberto Gómez y la señora ROSA QUISPE HUAMÁN fueron asaltados.",
            "el señor [NOMBRE] y la señora [NOMBRE] fueron asaltados.",
        ),
        (
            "La Sra. López y el Sr. Martínez declararon.",
            "La Sra. [NOMBRE] y el Sr. [NOMBRE] declararon.",
        ),
        (
            'Un sujeto de nombre Pedro Ramírez Soto, alias "Chato", fue intervenido.',
            "Un sujeto de nombre [NOMBRE], alias [NOMBRE], fue intervenido.",
        ),
        (
            "El conductor, identificado como Jorge Luis Mendoza, huyó.",
            "El conductor, identificado como [NOMBRE], huyó.",
        ),
        (
            "La agraviada, Carmen Salas, refiere que su hijo Diego Salas Vega estaba presente.",
            "La agraviada, [NOMBRE], refiere que su hijo [NOMBRE] estaba presente.",
        ),
        (
            "El vehículo de placa de rodaje B4X-123 se dio a la fuga.",
            "El vehículo de placa de rodaje [PLACA] se dio a la fuga.",
        ),
    ],
)
def test_it_scrubs_personal_data_from_police_narratives(narrative: str, scrubbed: str) -> None:
    assert scrub(narrative) == scrubbed


@pytest.mark.parametrize(
    "ordinary",
    [
        "El 03/03/2025 se registraron 42 incidentes en el distrito 070101, 12 % más que en 2024.",
        "Entre el 1 y el 7 de marzo hubo 15 robos; 3 de ellos con arma de fuego.",
        "Hubo 1200 llamadas a la central 105 y 37,5 incidentes en promedio.",
        "La víctima caminaba por la calle cuando dos sujetos la asaltaron a las 22:00 horas.",
        "Sustrajeron un lote de mercadería de la avenida principal.",
        "El denunciante Manifestó que no vio a nadie.",
        "La señora que vendía en el mercado fue testigo del hecho.",
        "Los hechos ocurrieron en la Urb. Santa Marina y en el AA.HH. Sarita Colonia.",
        "En la semana 2025-W10 la tasa fue de 3,5 por 1000 habitantes.",
    ],
)
def test_it_leaves_ordinary_text_alone(ordinary: str) -> None:
    assert scrub(ordinary) == ordinary


def test_it_scrubs_to_the_same_text_twice() -> None:
    narrative = (
        "El agraviado Juan Pérez Quispe (DNI 45678912, cel. 987654321) vive en Jr. Callao 123."
    )

    once = scrub(narrative)
    assert scrub(once) == once
    assert once == "El agraviado [NOMBRE] (DNI [DNI], cel. [TELÉFONO]) vive en [DIRECCIÓN]."
