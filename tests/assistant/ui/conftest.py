"""Debian's Chromium driven by Playwright against the live server; screenshots in test-artifacts/browser/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request, Route, expect, sync_playwright

from tests.conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = REPO / "test-artifacts" / "browser"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} ontbreekt: `make test` installeert Chromium uit de Debian-pakketten.")
    with sync_playwright() as pw:
        # executable_path: Debian's build; Playwright must never fetch a browser of its own.
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def app_page(browser: Browser, live_url: str, artifacts: Path, name: str, **context_options: object) -> Iterator[Page]:
    """The chat page, loaded; fails the test on a JS error or any request off the app (no CDN)."""
    context = browser.new_context(
        base_url=live_url, viewport={"width": 1400, "height": 1000}, locale="nl-NL", **context_options
    )
    problems: list[str] = []

    def only_the_app(route: Route, req: Request) -> None:
        if req.url.startswith(live_url):
            route.continue_()
        else:
            problems.append(f"request off the app: {req.url}")
            route.abort()

    context.route("**/*", only_the_app)
    p = context.new_page()
    p.set_default_timeout(60_000)  # an answer on a busy 2-core machine
    p.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    p.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    p.goto("/")
    expect(p.locator("body")).to_have_attribute("data-ready", "true")
    try:
        yield p
    finally:
        # The last state of every test, passed or not, to look at.
        p.screenshot(path=str(artifacts / f"{name}-end.png"), full_page=True)
        context.close()
    assert not problems, problems


@pytest.fixture
def page(browser: Browser, live_url: str, artifacts: Path, request: pytest.FixtureRequest) -> Iterator[Page]:
    yield from app_page(browser, live_url, artifacts, request.node.name)
