"""The page viewer in a real browser: the cited page as an image with the quote marked on it, and
axe-core (WCAG 2.1 AA) on every tab with a source open.

The highlight tests compare each drawn rectangle with the quote's own words as the registry
stores them (``Registry.page_layout``), mapped onto the image's place on screen, and check that
the rendered page has ink where the highlight is.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, expect

from ingest.read.layout import StoredLayout
from ingest.settings import Settings
from ingest.store.registry import Registry
from tests.assistant.ui.conftest import app_page
from tests.conftest import REPO

pytestmark = pytest.mark.browser

AXE = REPO / "tests" / "assistant" / "ui" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WAITING = "geen woordposities opgeslagen voor deze pagina (wacht op de positionele PDF-lezer)"
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in CSS pixels of the viewport


@pytest.fixture
def viewer(browser: Browser, live_url: str, artifacts: Path, request: pytest.FixtureRequest) -> Iterator[Page]:
    """The chat page with the CSP bypassed (axe is injected as an inline script); like ``page`` otherwise."""
    yield from app_page(browser, live_url, artifacts, request.node.name, bypass_csp=True)


def ask(page: Page, question: str) -> Locator:
    box = page.get_by_role("textbox", name="Uw vraag")
    box.fill(question)
    box.press("Enter")
    turn = page.locator("article.turn").last
    expect(turn).to_have_class(re.compile(r"\banswered\b"))
    expect(turn.locator(".answer-text")).to_have_attribute("aria-busy", "false")
    return turn


def expect_page_image(page: Page) -> None:
    figure = page.locator("#source-figure")
    expect(figure).to_have_attribute("data-state", "loaded")
    img = page.locator("#source-image")
    expect(img).to_be_visible()
    assert img.evaluate("el => el.complete && el.naturalWidth > 0")


# -- accessibility -----------------------------------------------------------------------


def axe_violations(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })",
        WCAG_TAGS,
    )
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v.get('impact')}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:10]:
            lines.append(f"    {json.dumps(node['target'])}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
    return "\n".join(lines)


def test_axe_finds_no_wcag21aa_violation_on_any_tab(viewer: Page, artifacts: Path) -> None:
    page = viewer
    assert AXE.is_file(), f"{AXE} ontbreekt: `make axe` installeert axe-core (npm ci)."
    found: dict[str, list[dict[str, Any]]] = {}

    turn = ask(page, "Wat zijn zorggeschikte woningen?")
    turn.locator(".answer-text button.chip").first.click()
    expect_page_image(page)
    expect(page.locator("#source-quote")).to_contain_text("Zorggeschikte woningen zijn zelfstandige woningen")
    found["Vragen"] = axe_violations(page)

    page.get_by_role("tab", name="Begrippen").click()
    expect(page.locator(".term-card").first).to_be_visible()
    page.locator(".term-card").first.get_by_role("button", name=re.compile(r"^Toon pagina \d+")).click()
    expect_page_image(page)
    found["Begrippen"] = axe_violations(page)

    page.get_by_role("tab", name="Maatregelen").click()
    rows = page.locator("#m-table tbody tr")
    expect(rows.first).to_be_visible()
    rows.first.get_by_role("button", name=re.compile(r"^Toon pagina \d+ van ")).click()
    expect_page_image(page)
    found["Maatregelen"] = axe_violations(page)

    page.get_by_role("tab", name="Vergelijk").click()
    expect(page.locator("#compare-docs input").first).to_be_visible()
    found["Vergelijk"] = axe_violations(page)

    page.get_by_role("tab", name="Documenten").click()  # the local demo's caller is admin
    expect(page.locator("#doc-table tbody tr").first).to_be_visible()
    found["Documenten"] = axe_violations(page)
    page.screenshot(path=str(artifacts / "axe-documenten.png"), full_page=True)

    report = {tab: describe(v) for tab, v in found.items() if v}
    print("\n".join(f"== {tab}\n{text}" for tab, text in report.items()) or "axe: geen overtredingen")
    assert not report, "\n".join(f"== {tab}\n{text}" for tab, text in report.items())


def test_page_viewer_is_keyboard_operable(viewer: Page) -> None:
    page = viewer
    turn = ask(page, "Wat zijn zorggeschikte woningen?")
    chip = turn.locator(".answer-text button.chip").first
    chip.focus()
    page.keyboard.press("Enter")
    expect_page_image(page)
    expect(page.locator("#source-title")).to_be_focused()
    img = page.locator("#source-image")
    alt = img.get_attribute("alt") or ""
    assert alt.startswith("Pagina ") and "Regionale woonzorgopgave Zuid-Kennemerland" in alt, alt
    expect(page.locator("#source-highlights")).to_have_attribute("aria-hidden", "true")
    # Tab order from the heading: the PDF link, back, the scrollable page image, then zoom.
    page.keyboard.press("Tab")
    expect(page.locator("#source-pdf")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#source-back")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#source-view")).to_be_focused()
    page.keyboard.press("Tab")
    zoom = page.locator("#source-zoom")
    expect(zoom).to_be_focused()
    width = img.bounding_box()
    page.keyboard.press("Enter")
    expect(zoom).to_have_attribute("aria-pressed", "true")
    zoomed = img.bounding_box()
    assert width and zoomed and zoomed["width"] > 1.8 * width["width"]
    page.keyboard.press("Space")
    expect(zoom).to_have_attribute("aria-pressed", "false")


# -- highlights --------------------------------------------------------------------------


def quote_words(layout: StoredLayout, text: str, quote: str) -> list[tuple[float, float, float, float]]:
    """The quote's words as the registry stores them (page points), found like the UI finds it."""
    words = quote.split()
    m = re.search(r"\s+".join(map(re.escape, words)), text)
    assert m, f"quote not on its page: {quote[:80]}"
    # A stored word: [start, end, x0, y0, x1, y1, size, flags].
    return [(w[2], w[3], w[4], w[5]) for w in layout.words if w[0] < m.end() and w[1] > m.start()]


def on_screen(box: tuple[float, float, float, float], layout: StoredLayout, img: dict[str, float]) -> Rect:
    sx, sy = img["width"] / layout.width, img["height"] / layout.height
    return (img["x"] + box[0] * sx, img["y"] + box[1] * sy, img["x"] + box[2] * sx, img["y"] + box[3] * sy)


def area(r: Rect) -> float:
    return max(0.0, r[2] - r[0]) * max(0.0, r[3] - r[1])


def overlap(a: Rect, b: Rect) -> float:
    return area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))


def rects(locator: Locator) -> list[Rect]:
    out = []
    for el in locator.all():
        b = el.bounding_box()
        assert b is not None
        out.append((b["x"], b["y"], b["x"] + b["width"], b["y"] + b["height"]))
    return out


def check_highlights(page: Page, layout: StoredLayout, text: str, quote: str, png: bytes) -> None:
    """Every word of the quote under a highlight; every highlight mostly on the quote's words; ink under each."""
    img = page.locator("#source-image").bounding_box()
    assert img is not None
    marks = rects(page.locator("#source-highlights .page-highlight"))
    assert marks, "no highlight drawn"
    words = [on_screen(w, layout, img) for w in quote_words(layout, text, quote)]
    assert words, "the stored layout has no words for the quote"
    tol = 1.5  # px: rounding of the stored fractions and of layout
    for w in words:
        cx, cy = (w[0] + w[2]) / 2, (w[1] + w[3]) / 2
        assert any(m[0] - tol <= cx <= m[2] + tol and m[1] - tol <= cy <= m[3] + tol for m in marks), (
            f"word at {w} not highlighted; highlights {marks}"
        )
    for m in marks:
        covered = sum(overlap(m, w) for w in words)
        assert covered >= 0.4 * area(m), (
            f"highlight {m} is mostly off the quote's words ({covered:.0f} of {area(m):.0f} px²)"
        )
    # The rendered page has text where the highlight is (positions and rendering agree).
    with Image.open(io.BytesIO(png)) as full:
        gray = full.convert("L")
        for m in marks:
            sx, sy = gray.width / img["width"], gray.height / img["height"]
            x0, y0 = int((m[0] - img["x"]) * sx), int((m[1] - img["y"]) * sy)
            x1, y1 = int((m[2] - img["x"]) * sx) + 1, int((m[3] - img["y"]) * sy) + 1
            crop = gray.crop((x0, y0, x1, y1))
            lo, hi = crop.getextrema()
            assert hi - lo > 80, f"no ink under the highlight {m} (grey {lo}..{hi})"


def first_citation(live_url: str, question: str) -> dict[str, Any]:
    answer = httpx.post(f"{live_url}/api/ask", json={"question": question}, timeout=120).json()
    assert not answer["refused"] and answer["citations"], answer
    return dict(next(c for c in answer["citations"] if c["n"] == 1))


def stored(settings: Settings, doc_id: str, page: int) -> tuple[StoredLayout | None, str]:
    registry = Registry(settings.registry_path)
    try:
        return registry.page_layout(doc_id, page), registry.page_text(doc_id, page) or ""
    finally:
        registry.close()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # A paragraph: the definition on p. 47 of the Zuid-Kennemerland/IJmond report.
        ("Wat zijn zorggeschikte woningen?", "Zorggeschikte woningen zijn zelfstandige woningen"),
        # A table row: maatregel 1d of the Gooi en Vechtstreek action table.
        ("Wie is trekker van maatregel 1d?", None),
    ],
    ids=["paragraaf", "tabelrij"],
)
def test_highlight_lies_on_the_quoted_words(
    viewer: Page, live_url: str, corpus_settings: Settings, artifacts: Path, question: str, expected: str | None
) -> None:
    page = viewer
    c = first_citation(live_url, question)
    if expected:
        assert expected in c["quote"]
    layout, text = stored(corpus_settings, c["doc_id"], c["page"])
    turn = ask(page, question)
    turn.locator('.answer-text button.chip[data-n="1"]').first.click()
    expect_page_image(page)
    expect(page.locator("#source-quote q")).to_have_text(c["quote"])
    if layout is None:
        # Until positions are stored: the page without a highlight, and a note saying so.
        expect(page.locator("#source-highlights .page-highlight")).to_have_count(0)
        expect(page.locator("#source-image-note")).to_contain_text("niet bekend")
        pytest.skip(WAITING)
    assert c["boxes"], "the page has stored positions, but the citation got no boxes"
    marks = page.locator("#source-highlights .page-highlight")
    expect(marks).to_have_count(len(c["boxes"]))
    expect(page.locator("#source-image-note")).to_be_hidden()
    # Scrolled so the first highlight is in view inside the page viewer.
    view = page.locator("#source-view").bounding_box()
    first = marks.first.bounding_box()
    assert view and first and view["y"] <= first["y"] and first["y"] + first["height"] <= view["y"] + view["height"]
    png = page.request.get(f"/api/documents/{c['doc_id']}/pages/{c['page']}.png").body()
    check_highlights(page, layout, text, c["quote"], png)
    page.locator("#source-panel").screenshot(path=str(artifacts / f"highlight-{c['page']}.png"))

    # Zoomed in, the rectangles stay on the words.
    page.get_by_role("button", name="Vergroot de pagina").click()
    expect(page.locator("#source-zoom")).to_have_attribute("aria-pressed", "true")
    check_highlights(page, layout, text, c["quote"], png)


def test_maatregel_record_opens_its_page_marked(viewer: Page, live_url: str, corpus_settings: Settings) -> None:
    page = viewer
    record = next(r for r in httpx.get(f"{live_url}/api/maatregelen").json() if r["id"] == "1d")
    page.get_by_role("tab", name="Maatregelen").click()
    page.get_by_label("Zoek in maatregel, doel en status").fill(record["maatregel"][:40])
    row = page.locator("#m-table tbody tr", has=page.locator("td.id", has_text=re.compile(r"^1d$")))
    expect(row).to_have_count(1)
    button = row.get_by_role("button", name=f"Toon pagina {record['page']} van {record['title']} (maatregel 1d)")
    expect(button).to_have_text(f"Toon pagina {record['page']}")
    button.click()
    expect_page_image(page)
    expect(page.locator("#source-meta")).to_contain_text(f"pagina {record['page']} van")
    layout, text = stored(corpus_settings, record["doc_id"], record["page"])
    if layout is None or not record.get("boxes"):
        expect(page.locator("#source-highlights .page-highlight")).to_have_count(0)
        pytest.skip(WAITING if layout is None else "maatregel-records hebben nog geen boxes (wacht op de lezer)")
    expect(page.locator("#source-highlights .page-highlight")).to_have_count(len(record["boxes"]))
    png = page.request.get(f"/api/documents/{record['doc_id']}/pages/{record['page']}.png").body()
    check_highlights(page, layout, text, record["quote"], png)
