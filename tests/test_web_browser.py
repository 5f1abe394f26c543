"""The evidence page in a real headless Chromium, served by a real gunicorn.

Run by ``make browser-test`` (which installs Debian's chromium when it is missing) and by
``make test`` when chromium is installed; there, a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests

from .conftest import AUTH

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PESKOV = "Peskov said the annexed regions are non-negotiable"
CITED = "22f7d43c8802e9ee:2:6bcfe9fc3504"
FORM_ORDER = ["/", "claim", "source", "published_from", "published_to", "stance", "submit"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: `make browser-test` installs it and runs these tests"
        if os.environ.get("PROVENANCE_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def page_without_js(browser) -> Iterator:
    """A desktop-sized page with JavaScript off: everything must work without it."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1100, "height": 900}
    )
    yield context.new_page()
    context.close()


def screenshot(page, path: Path, capsys) -> None:
    page.screenshot(path=str(path), full_page=True)
    with capsys.disabled():
        print(f"\nscreenshot: {path}")


def test_editor_finds_the_seed_claim_without_javascript(page_without_js, server, tmp_path, capsys):
    page = page_without_js
    page.goto(server.url + "/")
    page.get_by_label("Claim").press_sequentially(PESKOV)
    page.get_by_label("Claim").press("Enter")
    page.wait_for_url(re.compile(r"\?claim=Peskov"))

    assert page.get_by_role("heading", level=2).inner_text() == "2 sentences support this claim"
    card = page.locator("article.card").first
    assert card.locator(".sentence").inner_text() == (
        '"This is undeniable and non-negotiable," he said during a daily briefing.'
    )
    assert card.locator("mark").all_inner_texts() == ["non-negotiable", "said"]
    assert card.locator("header .source").inner_text() == "The Moscow Times"
    assert card.locator("time").first.get_attribute("datetime") == "2025-02-27"
    assert card.locator(".byline").inner_text() == "By AFP"
    assert card.locator(".attribution").inner_text() == "Quoting Dmitry Peskov"
    also_in = card.locator(".also-in")
    assert also_in.get_by_role("heading").inner_text() == "Also in 1 other article"
    assert "he said in a phone briefing attended by AFP" in also_in.inner_text()
    assert "unknown source" in also_in.inner_text()
    link = card.get_by_role("link", name=re.compile("^Read the article"))
    assert link.get_attribute("href").startswith("https://www.themoscowtimes.com/2025/02/27/")
    assert page.locator(".unsupported .term").all_inner_texts() == ["regions"]
    assert card.locator(".cite-code").first.inner_text() == CITED  # shown to select and copy
    assert page.locator(".cite-button").count() == 0  # the copy button needs JavaScript
    screenshot(page, tmp_path / "evidence.png", capsys)

    page.set_viewport_size({"width": 375, "height": 800})  # a phone: nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, tmp_path / "evidence-phone.png", capsys)


def test_a_citation_is_copied_with_one_click(browser, server):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = context.new_page()
    page.goto(server.url + "/?" + urlencode({"claim": PESKOV}))
    buttons = page.locator(".cite-button")
    assert buttons.count() == page.locator(".cite-code").count() == 3  # two cards, one copy
    buttons.first.click()
    page.wait_for_function("document.querySelector('.cite-button').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == CITED
    context.close()


def test_form_is_usable_from_the_keyboard(page, server):
    page.goto(server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the evidence"
    visited = []
    for _ in range(40):  # date inputs take several presses (one per part of the date)
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement.id || document.activeElement.getAttribute('href')"
        )
        if not visited or visited[-1] != focused:
            visited.append(focused)
        if focused == "submit":
            break
    assert visited == FORM_ORDER

    page.keyboard.press("Shift+Tab")
    page.get_by_label("Claim").focus()
    style = page.evaluate("getComputedStyle(document.activeElement)")
    assert (style["outlineStyle"], style["outlineWidth"]) == ("solid", "3px")
    page.keyboard.type(PESKOV)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?claim="))
    assert page.locator("article.card").count() == 2


def test_form_errors_are_shown_on_the_page(page, server):
    page.goto(server.url + "/")
    page.get_by_label("Claim").fill(PESKOV)
    page.get_by_label("Published from").fill("2025-03-02")
    page.get_by_label("Published to").fill("2025-03-01")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Find evidence").click()
    assert navigation.value.status == 422
    assert (
        page.get_by_role("alert")
        .inner_text()
        .endswith("Published from: Must not be after published_to.")
    )
    assert page.get_by_label("Published from").get_attribute("aria-invalid") == "true"


def test_article_markup_shows_as_text(page, server):
    hostile = {
        "title": "<img src=x onerror=window.pwned=2> Okapi report",
        "source": "Forest Post",
        "text": "The okapi census counted <script>window.pwned=1</script> 312 animals.",
    }
    created = requests.post(server.url + "/v1/articles", json=hostile, headers=AUTH, timeout=30)
    assert created.status_code == 201
    page.goto(server.url + "/?claim=okapi+census+counted+312+animals")
    card = page.locator("article.card").first
    assert "counted <script>window.pwned=1</script> 312 animals" in card.inner_text()
    assert (
        card.get_by_role("heading").inner_text()
        == "<img src=x onerror=window.pwned=2> Okapi report"
    )
    assert page.evaluate("document.querySelectorAll('main script, main img').length") == 0
    assert page.evaluate("window.pwned") is None


DRAFT = (
    "Talks in Istanbul\n\n"
    "Peskov said the annexed regions are non-negotiable. "
    "Kyiv has lost hundreds of square kilometres of Russia's Kursk region.\n\n"
    "Coffee exports from Brazil doubled. What happens next?"
)


def test_editor_checks_a_draft_without_javascript(page_without_js, server, tmp_path, capsys):
    page = page_without_js
    page.goto(server.url + "/")
    page.get_by_label("Check a draft").fill(DRAFT)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Check the draft").click()
    assert navigation.value.status == 200
    assert page.get_by_role("heading", name="3 sentences checked").is_visible()
    text = page.locator(".draft-text")
    assert text.inner_text().startswith("Talks in Istanbul\n\nPeskov said")  # the draft as sent
    supported = text.locator(".drafted.verdict-supported")
    assert supported.inner_text() == "Peskov said the annexed regions are non-negotiable."
    underline = supported.evaluate(
        "e => [getComputedStyle(e).textDecorationLine, getComputedStyle(e).textDecorationColor]"
    )
    assert underline == ["underline", "rgb(30, 107, 52)"]  # the verdict's colour...
    marks = text.locator(".mark [aria-hidden=true]").all_inner_texts()
    assert marks == ["✓", "✗", "?"]  # ...and a symbol, so colour is not the only sign
    assert text.locator(".verdict-contradicted.drafted").inner_text().startswith("Kyiv has lost")
    text.locator(".mark.verdict-contradicted a").first.click()
    refuting = page.locator(".sources li:target")
    assert "Kyiv has seized hundreds" in refuting.inner_text()
    assert "refutes" in refuting.inner_text()
    link = page.locator("#source-1 a").first
    assert link.get_attribute("href").startswith("https://www.themoscowtimes.com/")
    screenshot(page, tmp_path / "draft.png", capsys)

    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, tmp_path / "draft-phone.png", capsys)
