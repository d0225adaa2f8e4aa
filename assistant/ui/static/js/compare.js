// Vergelijk: one topic, one cited column per chosen document.
import { getJson } from "./api.js";
import { chip, citedText, h, show, sourceLabel } from "./dom.js";
import { showSource } from "./sources.js";

const $ = (id) => document.getElementById(id);
const onCite = (c, button) => showSource(c, button);

export function initCompare(documents) {
  $("compare-docs").replaceChildren(
    ...documents.map((d, i) =>
      h("div", { class: "check" },
        h("input", { type: "checkbox", id: `cmp-${i}`, value: d.doc_id, name: "docs" }),
        h("label", { for: `cmp-${i}` }, d.title, h("span", { class: "region" }, d.region))),
    ),
  );
  $("compare-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    run();
  });
}

async function run() {
  const topic = $("compare-topic").value.trim();
  const docs = [...$("compare-docs").querySelectorAll("input:checked")].map((i) => i.value);
  show($("compare-error"), "");
  if (!topic) {
    show($("compare-error"), "Vul een onderwerp in.");
    $("compare-topic").focus();
    return;
  }
  if (docs.length < 2) {
    show($("compare-error"), "Kies minstens twee documenten om te vergelijken.");
    $("compare-docs").querySelector("input")?.focus();
    return;
  }
  const params = new URLSearchParams({ topic });
  for (const d of docs) params.append("docs", d);
  $("compare-button").disabled = true;
  $("compare-status").textContent = "Bezig met vergelijken…";
  try {
    render(await getJson("/api/compare", params));
  } catch (err) {
    $("compare-status").textContent = "";
    show($("compare-error"), err.message);
  } finally {
    $("compare-button").disabled = false;
  }
}

function column(col) {
  return h(
    "section",
    { class: `compare-column${col.found ? "" : " not-found"}`, "aria-label": col.title },
    h("h3", {}, col.title),
    h("p", { class: "region" }, col.region),
    col.found
      ? h("div", { class: "answer-text" }, citedText(col.answer, col.citations, onCite))
      : h("p", { class: "muted" }, "Dit document zegt hier niets over."),
    col.citations.length
      ? h("ol", { class: "sources" },
          col.citations.map((c) =>
            h("li", {}, chip(c, onCite), h("span", { class: "source-name" }, `p. ${c.page}`),
              h("q", { class: "quote", title: sourceLabel(c) }, c.quote.length > 220 ? `${c.quote.slice(0, 220)}…` : c.quote))))
      : null,
  );
}

function render(comparison) {
  const found = comparison.columns.filter((c) => c.found).length;
  $("compare-status").textContent =
    `${comparison.columns.length} documenten vergeleken op ‘${comparison.topic}’; ${found} zeggen er iets over.`;
  $("compare-results").replaceChildren(...comparison.columns.map(column));
}
