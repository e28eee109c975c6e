"""The accuracy page draws its chart with Chart.js and gives the same numbers as a table.

Two evaluated windows, computed by hand: the champion's zones reached PAI 10 and 2, the naive
baseline's 5 and 3 (each window flags 10 of 100 cells).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from incidents.models import District
from tests.e2e.helpers import sign_in
from tests.e2e.phone import assert_fits_the_screen
from tests.factories import make_user
from tests.predictions.helpers import EvaluatedWindow, make_evaluated_windows

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# (incidents, hits, best hits, baseline hits) per window; PAI = (hits / incidents) / (10 / 100).
WINDOWS: list[EvaluatedWindow] = [(2, 2.0, 2.0, 1.0), (40, 8.0, 20.0, 12.0)]
CHAMPION_PAI = [10.0, 2.0]
BASELINE_PAI = [5.0, 3.0]
CHART = "#accuracy-chart canvas"


def spanish(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


@pytest.fixture
def evaluated_windows(districts: list[District]) -> None:
    make_evaluated_windows(WINDOWS)


def test_a_planner_sees_the_accuracy_chart_drawn_and_its_table_on_a_phone(
    phone: Page,
    live_server,  # type: ignore[no-untyped-def]
    evaluated_windows: None,
) -> None:
    page = phone
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    make_user(username="planner1", role=Role.PLANNER)
    sign_in(page, live_server.url, "planner1")

    page.goto(f"{live_server.url}/precision/")

    expect(page.locator("#accuracy-chart")).to_have_attribute("data-drawn", "true")
    canvas = page.locator(CHART)
    expect(canvas).to_have_attribute("role", "img")
    expect(canvas).to_have_attribute("aria-label", "PAI evaluado por turno")
    drawn = page.evaluate(
        """(selector) => {
          const canvas = document.querySelector(selector);
          const chart = Chart.getChart(canvas);
          const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
          return {
            type: chart.config.type,
            labels: chart.data.labels,
            series: chart.data.datasets.map((d) => [d.label, d.data]),
            painted: painted,
          };
        }""",
        CHART,
    )
    assert drawn["type"] == "line"
    (champion, champion_pai), (baseline, baseline_pai) = drawn["series"]
    assert champion == "Campeón"
    assert champion_pai == pytest.approx(CHAMPION_PAI)
    assert baseline_pai == pytest.approx(BASELINE_PAI)
    assert drawn["painted"] > 1000  # lines, axes and legend, not an empty canvas

    table = page.locator("#accuracy-chart details table")
    expect(table).to_be_hidden()
    page.click("#accuracy-chart details summary")
    expect(table).to_be_visible()
    expect(table.locator("thead th.num")).to_have_text([champion, baseline])
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    for index, label in enumerate(drawn["labels"]):
        expect(rows.nth(index).locator("th")).to_have_text(label)
        expect(rows.nth(index).locator("td")).to_have_text(
            [spanish(CHAMPION_PAI[index]), spanish(BASELINE_PAI[index])]
        )
    assert_fits_the_screen(page)
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_the_accuracy_page_says_so_when_no_window_was_evaluated(
    page: Page,
    live_server,  # type: ignore[no-untyped-def]
    districts: list[District],
) -> None:
    make_user(username="planner1", role=Role.PLANNER)
    sign_in(page, live_server.url, "planner1")

    response = page.goto(f"{live_server.url}/precision/")

    assert response is not None and response.status == 200
    expect(page.locator("#accuracy-chart .chart-empty")).to_have_text(
        "Aún no se ha evaluado ningún turno."
    )
    expect(page.locator("#accuracy-chart canvas")).to_have_count(0)
    expect(page.locator("#rolling-pai")).to_have_text("—")
