// The source panel: the cited page's stored text with the quote highlighted, and the PDF at that page.
import { authFetch, getJson, hasToken } from "./api.js";
import { highlighted, show } from "./dom.js";

const $ = (id) => document.getElementById(id);
let lastTrigger = null;
let request = 0;

export function initSources() {
  $("source-back").addEventListener("click", () => {
    if (lastTrigger && document.contains(lastTrigger)) lastTrigger.focus();
  });
  // A plain link carries no token: with one, fetch the PDF and open it from memory.
  $("source-pdf").addEventListener("click", async (ev) => {
    if (!hasToken()) return;
    ev.preventDefault();
    const [path, hash] = $("source-pdf").getAttribute("href").split("#");
    const tab = window.open("", "_blank");
    const res = await authFetch(path);
    if (!res.ok) {
      tab?.close();
      show($("source-error"), "De PDF kon niet worden geopend.");
      return;
    }
    const url = URL.createObjectURL(await res.blob());
    if (tab) tab.location.href = hash ? `${url}#${hash}` : url;
  });
}

// source: {doc_id, page, quote, title?, file?}; trigger: the element to return focus to.
export async function showSource(source, trigger) {
  lastTrigger = trigger || null;
  const mine = ++request;
  show($("source-error"), "");
  document.querySelectorAll(".chip.active, .source-link.active").forEach((el) => el.classList.remove("active"));
  if (trigger) trigger.classList.add("active");
  let page;
  try {
    page = await getJson(`/api/documents/${encodeURIComponent(source.doc_id)}/pages/${source.page}`);
  } catch (err) {
    show($("source-error"), err.message);
    return;
  }
  if (mine !== request) return; // a later click won
  $("source-hint").hidden = true;
  $("source-body").hidden = false;
  $("source-doc").textContent = page.title;
  $("source-meta").textContent = `${page.file} · pagina ${page.page} van ${page.page_count}`;
  const link = $("source-pdf");
  link.href = page.pdf_url;
  link.textContent = `Open de PDF op pagina ${page.page}`;
  const { frag, found } = highlighted(page.text, source.quote);
  const text = $("source-text");
  text.replaceChildren(frag);
  show($("source-note"), source.quote && !found ? "Het citaat is niet letterlijk op deze pagina gevonden." : "");
  $("source-back").hidden = !lastTrigger;
  $("source-title").focus({ preventScroll: true });
  const mark = text.querySelector("mark");
  text.scrollTop = mark ? Math.max(0, mark.offsetTop - 40) : 0; // .page-text is position: relative
  if (window.matchMedia("(max-width: 999px)").matches) $("source-panel").scrollIntoView({ block: "start" });
}
