"""The chat page against a server with tokens: the token is asked once (on the first 401) and kept
in sessionStorage; a partner sees no internal document and no Documenten tab; an admin uploads
through the Documenten tab and sees each file's outcome."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.assistant.api.conftest import (  # noqa: F401 - fixtures used by name
    INTERN_FILE,
    TOKENS,
    mixed_settings,
    mixed_url,
)
from tests.conftest import BAD

pytestmark = pytest.mark.browser


@pytest.fixture
def fresh(browser: Browser, mixed_url: str, artifacts: Path, request: pytest.FixtureRequest) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(base_url=mixed_url, viewport={"width": 1400, "height": 1000}, locale="nl-NL")
    problems: list[str] = []
    p = context.new_page()
    p.set_default_timeout(60_000)
    p.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    try:
        yield p
    finally:
        p.screenshot(path=str(artifacts / f"{request.node.name}-end.png"), full_page=True)
        context.close()
    assert not problems, problems


def log_in(page: Page, role: str) -> None:
    page.goto("/")
    dialog = page.get_by_role("dialog", name="Toegangstoken")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Deze service vraagt een toegangstoken.")
    page.get_by_role("textbox", name="Token").fill(TOKENS[role])
    page.get_by_role("button", name="Doorgaan").click()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")


def test_partner_gives_the_token_once(fresh: Page) -> None:
    page = fresh
    log_in(page, "partner")
    assert page.evaluate("sessionStorage.getItem('woonzorg-token')") == TOKENS["partner"]
    options = page.locator("#filter-doc option").all_inner_texts()
    assert len(options) == 3 and not any("Gooi" in o for o in options)  # "Alle documenten" + 2 public
    expect(page.get_by_role("tab", name="Documenten")).to_be_hidden()
    box = page.get_by_role("textbox", name="Uw vraag")
    box.fill("Wie is trekker van maatregel 1d?")
    box.press("Enter")
    expect(page.locator("article.turn.refusal")).to_be_visible()
    expect(page.get_by_role("dialog", name="Toegangstoken")).to_be_hidden()  # not asked again
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.get_by_role("dialog", name="Toegangstoken")).to_be_hidden()  # kept for this tab


def test_wrong_token_is_asked_again(fresh: Page) -> None:
    page = fresh
    page.goto("/")
    page.get_by_role("textbox", name="Token").fill("fout")
    page.get_by_role("button", name="Doorgaan").click()
    expect(page.get_by_role("dialog", name="Toegangstoken")).to_contain_text("niet geaccepteerd")
    page.get_by_role("textbox", name="Token").fill(TOKENS["staff"])
    page.get_by_role("button", name="Doorgaan").click()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")


def test_admin_uploads_and_sees_each_outcome(fresh: Page, artifacts: Path) -> None:
    page = fresh
    log_in(page, "admin")
    page.get_by_role("tab", name="Documenten").click()
    expect(page.locator("#doc-table tbody tr")).to_have_count(3)
    page.get_by_label("PDF-bestanden").set_input_files([BAD / "injection.pdf", BAD / "not-a-pdf.pdf"])
    page.get_by_label("Toegang", exact=True).select_option("intern")
    page.get_by_role("button", name="Uploaden").click()
    status = page.locator("#upload-status")
    expect(status).to_contain_text("Klaar: 2 bestand(en) verwerkt.", timeout=300_000)
    expect(status.locator('li[data-status="ingested"]')).to_contain_text("injection.pdf")
    expect(status.locator('li[data-status="rejected"]')).to_contain_text("geen PDF (lijkt op PNG)")
    expect(page.locator("#doc-table tbody tr")).to_have_count(4)
    page.screenshot(path=str(artifacts / "documenten-upload.png"), full_page=True)
    page.once("dialog", lambda d: d.accept())  # the confirm() before deleting
    page.get_by_role("button", name="Verwijderen: Injection").click()
    expect(status).to_contain_text("is verwijderd")
    expect(page.locator("#doc-table tbody tr")).to_have_count(3)
