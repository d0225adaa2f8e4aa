// The chat: questions with in-session history, streamed answers, citation chips, feedback.
import { ApiError, askStream, postJson } from "./api.js";
import { chip, citedText, h, show, sourceLabel } from "./dom.js";
import { showSource } from "./sources.js";

const $ = (id) => document.getElementById(id);
const history = []; // [{question, answer, cited_pages}] of this session, oldest first
let turnCount = 0;
let busy = false;

const onCite = (c, button) => showSource(c, button);

export function initChat(documents) {
  fillFilters(documents);
  const form = $("ask-form");
  const question = $("question");
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    ask();
  });
  question.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      ask();
    }
  });
  $("new-chat").addEventListener("click", () => {
    history.length = 0;
    $("conversation").replaceChildren($("chat-empty") || "");
    $("chat-empty").hidden = false;
    question.value = "";
    question.focus();
  });
}

function options(select, values, label = (v) => v) {
  for (const v of values) select.append(h("option", { value: v }, label(v)));
}

function fillFilters(documents) {
  const uniq = (xs) => [...new Set(xs.filter(Boolean))].sort((a, b) => a.localeCompare(b, "nl"));
  options($("filter-region"), uniq(documents.map((d) => d.region)));
  options($("filter-municipality"), uniq(documents.flatMap((d) => d.municipalities)));
  options($("filter-type"), uniq(documents.map((d) => d.document_type)));
  const titles = new Map(documents.map((d) => [d.doc_id, d.title]));
  options($("filter-doc"), documents.map((d) => d.doc_id), (id) => titles.get(id));
}

function filters() {
  const f = {
    region: $("filter-region").value || null,
    municipality: $("filter-municipality").value || null,
    document_type: $("filter-type").value || null,
    doc_ids: $("filter-doc").value ? [$("filter-doc").value] : null,
  };
  return Object.values(f).some((v) => v !== null) ? f : null;
}

async function ask() {
  const input = $("question");
  const question = input.value.trim();
  show($("ask-error"), "");
  if (!question) {
    show($("ask-error"), "Typ eerst een vraag.");
    input.focus();
    return;
  }
  if (busy) return;
  busy = true;
  $("ask-button").disabled = true;
  $("chat-empty").hidden = true;
  const turn = renderTurn(question);
  input.value = "";
  let answer = null;
  try {
    for await (const { event, data } of askStream({ question, history: history.slice(-4), filters: filters() })) {
      if (event === "status") turn.status.textContent = data.message;
      else if (event === "delta") {
        turn.status.textContent = "";
        turn.text.append(data.text);
      } else if (event === "citations") turn.citations = data;
      else if (event === "answer") answer = data;
      else if (event === "error") throw new ApiError(data.detail);
    }
    if (!answer) throw new ApiError("Het antwoord kwam niet volledig binnen. Probeer het opnieuw.");
    finishTurn(turn, answer);
    history.push({
      question,
      answer: answer.answer,
      cited_pages: answer.citations.map((c) => [c.doc_id, c.page]),
    });
  } catch (err) {
    turn.article.classList.add("failed");
    turn.text.setAttribute("aria-busy", "false");
    turn.status.textContent = "";
    turn.body.append(h("p", { class: "error", role: "alert" }, err.message || String(err)));
  } finally {
    busy = false;
    $("ask-button").disabled = false;
  }
}

function renderTurn(question) {
  const id = `turn-${++turnCount}`;
  const status = h("p", { class: "status" });
  // aria-busy while streaming: screen readers announce the finished answer once, not every piece.
  const text = h("div", { class: "answer-text", "aria-live": "polite", "aria-busy": "true" });
  const label = h("p", { class: "answer-label", id: `${id}-label` }, "Antwoord");
  const body = h("div", { class: "answer-body" }, label, status, text);
  const article = h(
    "article",
    { class: "turn streaming", id, "aria-labelledby": `${id}-q` },
    h("p", { class: "question", id: `${id}-q` }, h("span", { class: "visually-hidden" }, "Uw vraag: "), question),
    body,
  );
  $("conversation").append(article);
  article.scrollIntoView({ block: "nearest" });
  return { article, body, text, status, label, citations: [] };
}

function finishTurn(turn, answer) {
  const { article, body, text, label } = turn;
  article.classList.remove("streaming");
  article.classList.add(answer.refused ? "refusal" : "answered");
  label.textContent = answer.refused ? "Niet gevonden in de documenten" : "Antwoord";
  // The streamed text again, now with clickable markers.
  text.replaceChildren(citedText(answer.answer, answer.citations, onCite));
  text.setAttribute("aria-busy", "false");
  if (answer.notices.length) {
    body.append(
      h("div", { class: "notices" },
        h("p", { class: "notices-title" }, "Let op"),
        h("ul", {}, answer.notices.map((n) => h("li", {}, n)))),
    );
  }
  if (answer.citations.length) body.append(sourceList(answer));
  body.append(feedbackForm(answer));
}

function sourceList(answer) {
  const title = answer.refused ? "Misschien relevant" : "Bronnen";
  return h(
    "section",
    { class: "sources", "aria-label": title },
    h("h3", {}, title),
    h(
      "ol",
      {},
      answer.citations.map((c) =>
        h(
          "li",
          {},
          chip(c, onCite),
          h("span", { class: "source-name" }, sourceLabel(c)),
          h("q", { class: "quote" }, c.quote.length > 220 ? `${c.quote.slice(0, 220)}…` : c.quote),
        ),
      ),
    ),
  );
}

function feedbackForm(answer) {
  const id = `fb-${turnCount}`;
  let rating = null;
  const status = h("p", { class: "status", role: "status" });
  const remark = h("input", { id: `${id}-remark`, type: "text", maxlength: "2000", autocomplete: "off" });
  const send = h("button", { type: "submit", class: "secondary" }, "Verstuur");
  const extra = h("div", { class: "feedback-extra", hidden: true },
    h("label", { for: `${id}-remark` }, "Opmerking (optioneel)"), remark, send);
  // Words, not emoji: emoji fonts are not everywhere, and "Ja"/"Nee" reads out clearly.
  const thumb = (value, label) =>
    h("button", {
      type: "button", class: `thumb thumb-${value}`, "aria-pressed": "false", "data-rating": value,
      onclick: (ev) => {
        rating = value;
        for (const b of form.querySelectorAll(".thumb")) b.setAttribute("aria-pressed", String(b === ev.currentTarget));
        extra.hidden = false;
        status.textContent = "";
        remark.focus();
      },
    }, label);
  const form = h(
    "form",
    {
      class: "feedback",
      "aria-labelledby": `${id}-q`,
      onsubmit: async (ev) => {
        ev.preventDefault();
        if (!rating) return;
        send.disabled = true;
        try {
          const res = await postJson("/api/feedback", {
            question: answer.question, answer: answer.answer, rating, remark: remark.value,
          });
          status.textContent = res.detail;
          extra.hidden = true;
        } catch (err) {
          status.textContent = err.message;
        } finally {
          send.disabled = false;
        }
      },
    },
    h("span", { class: "feedback-q", id: `${id}-q` }, "Was dit antwoord nuttig?"),
    thumb("up", "Ja"),
    thumb("down", "Nee"),
    extra,
    status,
  );
  return form;
}
