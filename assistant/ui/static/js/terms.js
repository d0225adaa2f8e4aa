// Begrippen: search as you type; definitions that differ between documents side by side, flagged.
import { getJson } from "./api.js";
import { h } from "./dom.js";
import { showSource } from "./sources.js";

const $ = (id) => document.getElementById(id);
let timer = null;
let request = 0;
let loaded = false;

export function initTerms() {
  $("term-q").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
}

export function openTerms() {
  if (!loaded) search();
}

async function search() {
  loaded = true;
  const q = $("term-q").value.trim();
  const mine = ++request;
  let body;
  try {
    body = await getJson("/api/terms", q ? new URLSearchParams({ q }) : null);
  } catch (err) {
    $("term-status").textContent = err.message;
    return;
  }
  if (mine !== request) return; // typing went on
  render(body);
}

function card(t) {
  const source = {
    doc_id: t.doc_id, page: t.page, quote: t.quote || t.definition, boxes: t.boxes, title: t.title, file: t.file,
  };
  return h(
    "article",
    { class: `term-card${t.differs ? " differs" : ""}` },
    h("h4", {}, h("span", { class: "term-name" }, t.term), t.differs ? h("span", { class: "badge" }, "Verschillend omschreven") : null),
    h("blockquote", {}, t.definition),
    h(
      "p",
      { class: "term-source" },
      h("span", {}, `Bron: ${t.scope} — ${t.file}, p. ${t.page}`),
      " ",
      h("button", {
        type: "button", class: "link-button source-link",
        "aria-label": `Toon pagina ${t.page} van ${t.title || t.file} (${t.term})`,
        onclick: (ev) => showSource(source, ev.currentTarget),
      }, `Toon pagina ${t.page}`),
      " ",
      h("a", { href: `/documents/${encodeURIComponent(t.doc_id)}.pdf#page=${t.page}`, target: "_blank", rel: "noopener" },
        `PDF p. ${t.page}`),
    ),
  );
}

function render(body) {
  const out = $("term-results");
  const n = body.terms.length;
  if (!n) {
    $("term-status").textContent = `Geen definitie van ‘${body.query}’ gevonden in de documenten.`;
    out.replaceChildren();
    return;
  }
  $("term-status").textContent = body.query
    ? `${n} ${n === 1 ? "definitie" : "definities"} voor ‘${body.query}’.`
    : `${n} begrippen uit de documenten.`;
  const parts = [];
  const differing = body.terms.filter((t) => t.differs);
  if (body.query && differing.length > 1) {
    parts.push(
      h("section", { class: "differences", "aria-labelledby": "diff-title" },
        h("h3", { id: "diff-title" }, h("span", { class: "badge" }, "Let op"), " Verschillende definities"),
        h("ul", { class: "notes" }, body.differences.map((d) => h("li", {}, d))),
        h("div", { class: "side-by-side" }, differing.map(card))),
    );
    const rest = body.terms.filter((t) => !t.differs);
    if (rest.length) parts.push(h("h3", {}, "Overige definities"), h("div", { class: "term-list" }, rest.map(card)));
  } else {
    parts.push(h("div", { class: "term-list" }, body.terms.map(card)));
  }
  out.replaceChildren(...parts);
}
