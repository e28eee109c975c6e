from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from incidents.models import District
from incidents.population import PopulationFileError
from incidents.services import populations_import
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db
POPULATION = ROOT.parent / "shared" / "data" / "callao_population.csv"


def test_the_inei_file_gives_every_district_its_inhabitants(districts: list[District]) -> None:
    result = populations_import(source=str(POPULATION))

    assert len(result.updated) == 7 and result.unknown == []
    callao = District.objects.get(ubigeo="070101")
    assert (callao.population, callao.population_year) == (406_760, 2016)
    assert "INEI" in callao.population_source
    assert sum(p or 0 for p in District.objects.values_list("population", flat=True)) == 1_028_144


def test_a_newer_file_in_english_with_semicolons_replaces_the_figures(
    districts: list[District], tmp_path: Path
) -> None:
    populations_import(source=str(POPULATION))
    newer = tmp_path / "censo.csv"
    newer.write_text("UBIGEO;Name;Population;Year\n70105;La Punta;3.392;2017\n", encoding="cp1252")

    result = populations_import(source=str(newer))

    assert result.updated == ["La Punta"]
    punta = District.objects.get(ubigeo="070105")
    assert (punta.population, punta.population_year) == (3392, 2017)
    assert District.objects.get(ubigeo="070101").population == 406_760  # untouched


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("distrito,anio\nCallao,2016\n", "Faltan columnas obligatorias"),
        ("ubigeo,poblacion\n070101,muchos\n", "Fila 2"),
        ("ubigeo,poblacion\n07A101,10\n", "no es un código UBIGEO"),
        ("ubigeo,poblacion,anio\n070101,10,16\n", "no es un año"),
        ("ubigeo,poblacion\n070101,10\n070101,11\n", "aparece dos veces"),
        ("ubigeo,poblacion\n150101,10\n", "Ninguna fila del archivo de población"),
        ("ubigeo,poblacion\n", "no tiene filas"),
    ],
)
def test_a_bad_file_changes_nothing_and_says_why(
    districts: list[District], tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(PopulationFileError, match=message):
        populations_import(source=str(path))
    assert not District.objects.filter(population__isnull=False).exists()


def test_the_command_loads_the_file_or_refuses_clearly(districts: list[District]) -> None:
    call_command("import_population", str(POPULATION))
    assert District.objects.filter(population__isnull=False).count() == 7
    with pytest.raises(CommandError, match="Archivo no encontrado"):
        call_command("import_population", "/no/such/file.csv")
