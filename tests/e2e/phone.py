"""Steps shared by the browser tests at phone size (390 × 844, the issue's reference phone)."""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

PHONE: ViewportSize = {"width": 390, "height": 844}
# What sticks out past the right edge of the screen, leaving out what a box that scrolls or
# clips by itself (a wide table's wrapper, a map's panes) holds: the failure message.
_WIDER_THAN_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const inside = (e) => {
    for (let box = e.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible") return true;
    }
    return false;
  };
  return [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > width + 0.5 && !inside(e))
    .slice(0, 8)
    .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
      " right=" + Math.round(e.getBoundingClientRect().right));
}"""


def phone_context(browser: Browser) -> BrowserContext:
    return browser.new_context(locale="es-PE", viewport=PHONE, is_mobile=True, has_touch=True)


def assert_fits_the_screen(page: Page) -> None:
    """The page does not scroll sideways: nothing is wider than the phone's screen."""
    page.wait_for_load_state("load")
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert client_width == PHONE["width"]
    assert scroll_width <= client_width, (page.url, page.evaluate(_WIDER_THAN_SCREEN))


def open_menu(page: Page) -> None:
    """Open the collapsed top navigation with its button."""
    expect(page.locator("#site-menu nav")).to_be_hidden()
    page.click("#menu-toggle")
    expect(page.locator("#menu-toggle")).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#site-menu nav")).to_be_visible()
