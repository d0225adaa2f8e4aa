"""The chat page in a real browser: streamed cited answers, sources, refusals, glossary, maatregelen, compare."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from assistant.service.feedback import FeedbackStore, feedback_path
from ingest.settings import Settings

pytestmark = pytest.mark.browser

DSP_TITLE = "Regionale woonzorgopgave Zuid-Kennemerland/IJmond"


def ask(page: Page, question: str) -> None:
    box = page.get_by_role("textbox", name="Uw vraag")
    box.fill(question)
    box.press("Enter")  # Enter sends; Shift+Enter would be a new line


def test_streamed_answer_with_citations_opens_the_page(page: Page, artifacts: Path) -> None:
    with page.expect_response("**/api/ask/stream") as resp:
        ask(page, "Wat zijn zorggeschikte woningen?")
    assert resp.value.headers["content-type"].startswith("text/event-stream")
    turn = page.locator("article.turn.answered")
    expect(turn).to_be_visible()
    expect(turn.locator(".answer-label")).to_have_text("Antwoord")
    expect(turn.locator(".answer-text")).to_contain_text("zelfstandige woningen")
    expect(turn.locator(".answer-text")).to_have_attribute("aria-busy", "false")
    chips = turn.locator(".answer-text button.chip")
    expect(chips.first).to_be_visible()
    expect(turn.locator(".sources li")).to_have_count(chips.count())
    page.screenshot(path=str(artifacts / "chat-answer.png"), full_page=True)

    chip = chips.first
    label = chip.get_attribute("aria-label") or ""
    assert label.startswith("Bron 1: ") and DSP_TITLE in label
    chip.click()
    mark = page.locator("#source-text mark")
    expect(mark).to_be_visible()
    expect(mark).to_contain_text("Zorggeschikte woningen zijn zelfstandige woningen")
    expect(page.locator("#source-meta")).to_contain_text("pagina 47 van 57")
    expect(page.locator("#source-doc")).to_have_text(DSP_TITLE)
    href = page.locator("#source-pdf").get_attribute("href") or ""
    assert re.fullmatch(r"/documents/[0-9a-f]+\.pdf#page=47", href), href
    expect(page.locator("#source-title")).to_be_focused()  # keyboard users land on the source
    page.screenshot(path=str(artifacts / "chat-source.png"), full_page=True)

    # The PDF link serves the PDF.
    pdf = page.request.get(href.split("#")[0])
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"

    # Back to the chip the source came from.
    page.get_by_role("button", name="Terug naar de tekst").click()
    expect(chip).to_be_focused()


def test_follow_up_sends_the_history(page: Page) -> None:
    ask(page, "Wie is trekker van maatregel 1d?")
    expect(page.locator("article.turn.answered")).to_have_count(1)
    first_answer = page.locator("article.turn .answer-text").first.inner_text()
    with page.expect_request("**/api/ask/stream") as req:
        ask(page, "En wat is het tijdspad?")
    body = req.value.post_data_json
    assert body["question"] == "En wat is het tijdspad?"
    assert [t["question"] for t in body["history"]] == ["Wie is trekker van maatregel 1d?"]
    # The answer as sent; on screen its [n] markers are chips showing n.
    assert re.sub(r"\[(\d+)\]", r"\1", body["history"][0]["answer"]) == first_answer
    assert body["history"][0]["cited_pages"] and all(len(p) == 2 for p in body["history"][0]["cited_pages"])
    expect(page.locator("article.turn:not(.streaming)")).to_have_count(2)

    page.get_by_role("button", name="Nieuw gesprek").click()
    expect(page.locator("article.turn")).to_have_count(0)
    with page.expect_request("**/api/ask/stream") as req:
        ask(page, "Wat zijn zorggeschikte woningen?")
    assert req.value.post_data_json["history"] == []


def test_document_filter(page: Page) -> None:
    page.locator("#panel-chat").get_by_label("Document", exact=True).select_option(
        label="Strategie woonzorgopgave Gooi en Vechtstreek"
    )
    with page.expect_request("**/api/ask/stream") as req:
        ask(page, "Wat is de opgave voor zorggeschikte woningen?")
    assert len(req.value.post_data_json["filters"]["doc_ids"]) == 1
    turn = page.locator("article.turn").last
    expect(turn).not_to_have_class(re.compile("streaming"))
    for label in turn.locator(".answer-text button.chip").all():
        assert "Gooi en Vechtstreek" in (label.get_attribute("aria-label") or "")


def test_refusal_looks_different_and_shows_nearby_passages(page: Page, artifacts: Path) -> None:
    ask(page, "Hoeveel subsidie geeft de gemeente voor zonnepanelen?")
    turn = page.locator("article.turn.refusal")
    expect(turn).to_be_visible()
    expect(turn.locator(".answer-label")).to_have_text("Niet gevonden in de documenten")
    expect(turn.locator(".answer-text")).to_contain_text("Dit staat niet in de beschikbare documenten.")
    expect(turn.get_by_role("heading", name="Misschien relevant")).to_be_visible()
    expect(turn.locator(".sources li").first).to_be_visible()
    # Visibly different from an answer: the refusal's own background.
    bg = turn.locator(".answer-body").evaluate("el => getComputedStyle(el).backgroundColor")
    assert bg != "rgb(255, 255, 255)"
    page.screenshot(path=str(artifacts / "chat-refusal.png"), full_page=True)


def test_feedback_is_stored(page: Page, corpus_settings: Settings) -> None:
    question = "Wat is een nultredenwoning?"
    ask(page, question)
    turn = page.locator("article.turn:not(.streaming)")
    expect(turn).to_have_count(1)
    turn.get_by_role("button", name="Nee").click()
    expect(turn.get_by_role("button", name="Nee")).to_have_attribute("aria-pressed", "true")
    turn.get_by_label("Opmerking (optioneel)").fill("bron ontbreekt (browsertest)")
    turn.get_by_role("button", name="Verstuur").click()
    expect(turn.locator(".feedback [role=status]")).to_have_text("Bedankt voor uw feedback.")
    remark = "bron ontbreekt (browsertest)"
    stored = [f for f in FeedbackStore(feedback_path(corpus_settings)).all() if f.remark == remark]
    assert stored and stored[-1].question == question and stored[-1].rating == "down"


def test_glossary_search(page: Page, artifacts: Path) -> None:
    page.get_by_role("tab", name="Begrippen").click()
    page.get_by_label("Zoek een begrip").fill("zorggeschikte woning")
    expect(page.locator("#term-status")).to_contain_text("‘zorggeschikte woning’")
    card = page.locator(".term-card").first
    expect(card.locator(".term-name")).to_have_text("Zorggeschikte woningen")
    expect(card.locator("blockquote")).to_contain_text("zelfstandige woningen")
    expect(card).to_contain_text("p. 47")
    card.get_by_role("button", name="Toon pagina").click()
    expect(page.locator("#source-text mark")).to_contain_text("Zorggeschikte woningen")
    page.screenshot(path=str(artifacts / "begrippen.png"), full_page=True)

    page.get_by_label("Zoek een begrip").fill("geclusterd")
    expect(page.locator("#term-status")).to_contain_text("‘geclusterd’")  # the debounced search has answered
    diff = page.locator("section.differences")
    expect(diff).to_be_visible()
    expect(diff.locator(".side-by-side .term-card").nth(1)).to_be_visible()  # at least two, side by side
    files = diff.locator(".term-source").all_inner_texts()
    assert any("dijk-en-waard" in f for f in files) and any("zuid-kennemerland" in f for f in files)
    expect(diff.locator(".notes li").first).to_contain_text("min. 5")
    page.screenshot(path=str(artifacts / "begrippen-verschil.png"), full_page=True)


def test_maatregelen_filter_by_trekker(page: Page, live_url: str, artifacts: Path) -> None:
    page.get_by_role("tab", name="Maatregelen").click()
    rows = page.locator("#m-table tbody tr")
    expect(rows.first).to_be_visible()
    total = rows.count()
    page.get_by_label("Trekker").fill("RGV")
    expected = httpx.get(f"{live_url}/api/maatregelen", params={"trekker": "RGV"}).json()
    expect(rows).to_have_count(len(expected))
    assert 0 < len(expected) < total
    for trekker in rows.locator("td:nth-child(3)").all_inner_texts():
        assert "RGV" in trekker
    expect(page.locator("#m-caption")).to_have_text(f"{len(expected)} maatregelen")

    # Sorting: by id ascending first, a click on Id reverses it.
    ids = rows.locator("td.id").all_inner_texts()
    id_header = page.locator("#m-table th[data-key=id]")
    expect(id_header).to_have_attribute("aria-sort", "ascending")
    id_header.get_by_role("button").click()
    expect(id_header).to_have_attribute("aria-sort", "descending")
    assert rows.locator("td.id").all_inner_texts() == list(reversed(ids))

    rows.first.locator("td.doc button").click()
    expect(page.locator("#source-text mark")).to_be_visible()
    page.screenshot(path=str(artifacts / "maatregelen-rgv.png"), full_page=True)


def test_compare_two_documents(page: Page, artifacts: Path) -> None:
    page.get_by_role("tab", name="Vergelijk").click()
    page.get_by_label("Onderwerp").fill("zorggeschikte woningen")
    page.get_by_role("button", name="Vergelijk", exact=True).click()
    expect(page.locator("#compare-error")).to_have_text("Kies minstens twee documenten om te vergelijken.")
    page.get_by_label(re.compile("^Strategie woonzorgopgave Gooi")).check()
    page.get_by_label(re.compile("^Regionale woonzorgopgave Zuid-Kennemerland")).check()
    page.get_by_role("button", name="Vergelijk", exact=True).click()
    columns = page.locator(".compare-column")
    expect(columns).to_have_count(2)
    expect(columns.nth(0).locator("h3")).to_contain_text("Regionale woonzorgopgave Zuid-Kennemerland")
    expect(columns.nth(1).locator("h3")).to_contain_text("Strategie woonzorgopgave Gooi")
    for i in range(2):
        expect(columns.nth(i).locator(".answer-text button.chip").first).to_be_visible()
    expect(page.locator("#compare-error")).to_be_hidden()
    page.screenshot(path=str(artifacts / "vergelijk.png"), full_page=True)
    columns.nth(1).locator(".answer-text button.chip").first.click()
    expect(page.locator("#source-doc")).to_have_text("Strategie woonzorgopgave Gooi en Vechtstreek")


def test_keyboard_tabs_and_focus_ring(page: Page) -> None:
    page.get_by_role("tab", name="Vragen").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Begrippen")).to_be_focused()
    expect(page.get_by_role("tab", name="Begrippen")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-terms")).to_be_visible()
    expect(page.locator("#panel-chat")).to_be_hidden()
    page.keyboard.press("End")  # the local demo's caller is admin: the last tab is Documenten
    expect(page.get_by_role("tab", name="Documenten")).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("tab", name="Vergelijk")).to_be_focused()
    page.keyboard.press("Tab")  # into the panel: the first field, with a visible focus ring
    focused = page.locator("#compare-topic")
    expect(focused).to_be_focused()
    outline = focused.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth")
    assert outline == "solid 3px", outline


def test_maatregelen_table_fits_beside_the_source_panel(page: Page) -> None:
    page.get_by_role("tab", name="Maatregelen").click()
    expect(page.locator("#m-table tbody tr").first).to_be_visible()
    wrap = page.locator(".table-wrap")
    scroll, client = wrap.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert scroll <= client, f"the table scrolls sideways at desktop width ({scroll} > {client})"
    expect(page.locator("#source-panel")).to_be_visible()
