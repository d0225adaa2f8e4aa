// Maatregelen: filtered by the API, sorted here; each row opens its page, the row marked on it.
import { getJson } from "./api.js";
import { h } from "./dom.js";
import { showSource } from "./sources.js";

const $ = (id) => document.getElementById(id);
const COLUMNS = [
  ["id", "Id"],
  ["maatregel", "Maatregel"],
  ["trekker", "Trekker"],
  ["tijdspad", "Tijdspad"],
  ["betrokken", "Betrokken"],
  ["status", "Status"],
  ["title", "Document"],
];
let rows = [];
let sort = { key: "id", dir: 1 };
let timer = null;
let request = 0;
let loaded = false;

export function initMaatregelen(documents) {
  for (const d of documents) $("m-doc").append(h("option", { value: d.doc_id }, d.title));
  const head = $("m-table").tHead.rows[0];
  for (const [key, label] of COLUMNS) {
    head.append(
      h("th", { scope: "col", "data-key": key },
        h("button", { type: "button", class: "sort", onclick: () => sortBy(key) }, label,
          h("span", { class: "sort-icon", "aria-hidden": "true" }))),
    );
  }
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(load, 200);
  };
  $("m-trekker").addEventListener("input", refresh);
  $("m-q").addEventListener("input", refresh);
  $("m-doc").addEventListener("change", load);
  $("maatregel-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    load();
  });
}

export function openMaatregelen() {
  if (!loaded) load();
}

async function load() {
  loaded = true;
  const params = new URLSearchParams();
  for (const [name, id] of [["trekker", "m-trekker"], ["q", "m-q"], ["doc", "m-doc"]]) {
    const v = $(id).value.trim();
    if (v) params.set(name, v);
  }
  const mine = ++request;
  let data;
  try {
    data = await getJson("/api/maatregelen", params);
  } catch (err) {
    $("m-status").textContent = err.message;
    return;
  }
  if (mine !== request) return;
  rows = data;
  if (!params.toString()) fillTrekkers(data);
  render();
}

function fillTrekkers(data) {
  const list = $("m-trekkers");
  if (list.children.length) return;
  for (const t of [...new Set(data.map((r) => r.trekker).filter(Boolean))].sort()) list.append(h("option", { value: t }));
}

// "1a" < "1b" < "10a": number first, then the letters.
function idKey(id) {
  const m = /^(\d+)(.*)$/.exec(id);
  return m ? [Number(m[1]), m[2]] : [Infinity, id];
}

function compare(a, b) {
  if (sort.key === "id") {
    const [na, sa] = idKey(a.id);
    const [nb, sb] = idKey(b.id);
    return (na - nb || sa.localeCompare(sb, "nl") || a.title.localeCompare(b.title, "nl")) * sort.dir;
  }
  const v = (r) => (Array.isArray(r[sort.key]) ? r[sort.key].join(", ") : String(r[sort.key] || ""));
  return v(a).localeCompare(v(b), "nl", { sensitivity: "base" }) * sort.dir;
}

function sortBy(key) {
  sort = { key, dir: sort.key === key ? -sort.dir : 1 };
  render();
  $("m-table").querySelector(`th[data-key="${key}"] button`).focus();
}

function render() {
  for (const th of $("m-table").tHead.rows[0].cells) {
    const active = th.dataset.key === sort.key;
    if (active) th.setAttribute("aria-sort", sort.dir > 0 ? "ascending" : "descending");
    else th.removeAttribute("aria-sort");
    th.querySelector(".sort-icon").textContent = active ? (sort.dir > 0 ? " ▲" : " ▼") : "";
  }
  const sorted = [...rows].sort(compare);
  $("m-table").tBodies[0].replaceChildren(
    ...sorted.map((r) =>
      h("tr", {},
        h("td", { class: "id" }, r.id),
        h("td", {}, r.maatregel),
        h("td", {}, r.trekker || "—"),
        h("td", {}, r.tijdspad || "—"),
        h("td", {}, r.betrokken.join(", ") || "—"),
        h("td", {}, r.status || "—"),
        h("td", { class: "doc" },
          h("span", { class: "doc-title" }, r.title),
          " ",
          // The name starts with the visible text (WCAG 2.5.3), then says which row it is.
          h("button", {
            type: "button", class: "link-button source-link",
            "aria-label": `Toon pagina ${r.page} van ${r.title} (maatregel ${r.id})`,
            onclick: (ev) =>
              showSource({ doc_id: r.doc_id, page: r.page, quote: r.quote, boxes: r.boxes, title: r.title, file: r.file },
                ev.currentTarget),
          }, `Toon pagina ${r.page}`))),
    ),
  );
  const n = rows.length;
  $("m-caption").textContent = `${n} ${n === 1 ? "maatregel" : "maatregelen"}`;
  $("m-status").textContent = n ? `${n} ${n === 1 ? "maatregel" : "maatregelen"} gevonden.` : "Geen maatregelen gevonden.";
}
