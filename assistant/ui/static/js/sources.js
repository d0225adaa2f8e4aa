// The source panel: the cited page as an image with the quote marked on it, the page's stored
// text with the quote highlighted, and the PDF at that page.
import { ApiError, authFetch, getJson, hasToken } from "./api.js";
import { h, highlighted, show } from "./dom.js";

const $ = (id) => document.getElementById(id);
let lastTrigger = null;
let request = 0;
// url → data: URL of the last few page images (the CSP allows data: images, not blob: ones).
const images = new Map();
const KEEP_IMAGES = 8;

export function pageImageUrl(docId, page) {
  return `/api/documents/${encodeURIComponent(docId)}/pages/${page}.png`;
}

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
  $("source-zoom").addEventListener("click", () => {
    const on = $("source-zoom").getAttribute("aria-pressed") !== "true";
    $("source-zoom").setAttribute("aria-pressed", String(on));
    $("source-sheet").classList.toggle("zoomed", on);
    scrollToHighlight();
  });
}

// The image with the token (an <img src> would send none), as a data: URL.
async function imageData(url) {
  if (images.has(url)) return images.get(url);
  let res;
  try {
    res = await authFetch(url, { headers: { Accept: "image/png" } });
  } catch {
    throw new ApiError("De server is niet bereikbaar.");
  }
  if (!res.ok) throw new ApiError(`De server gaf een fout (${res.status}).`);
  const blob = await res.blob();
  const data = await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(new ApiError("De afbeelding kon niet worden gelezen."));
    reader.readAsDataURL(blob);
  });
  images.set(url, data);
  if (images.size > KEEP_IMAGES) images.delete(images.keys().next().value);
  return data;
}

const isBox = (b) => Array.isArray(b) && b.length === 4 && b.every((v) => Number.isFinite(v)) && b[2] > b[0] && b[3] > b[1];
const pct = (f) => `${(Math.min(1, Math.max(0, f)) * 100).toFixed(3)}%`;

// One rectangle per box ([x0, y0, x1, y1] fractions of the page, origin top-left), in percent of
// the image, so they stay on the words at any zoom. Styles set through the DOM: the CSP allows
// no style attributes.
function drawHighlights(boxes) {
  const marks = boxes.map(([x0, y0, x1, y1]) => {
    const el = h("div", { class: "page-highlight" });
    el.style.left = pct(x0);
    el.style.top = pct(y0);
    el.style.width = pct(x1 - x0);
    el.style.height = pct(y1 - y0);
    return el;
  });
  $("source-highlights").replaceChildren(...marks);
}

function scrollToHighlight() {
  const view = $("source-view");
  const first = $("source-highlights").firstElementChild;
  view.scrollTop = first ? Math.max(0, first.offsetTop - 40) : 0;
  view.scrollLeft = first ? Math.max(0, first.offsetLeft - 20) : 0;
}

// The page image, its highlights and the quote as text (the highlights are aria-hidden).
async function showPageImage(source, page, mine) {
  const boxes = (source.boxes || []).filter(isBox);
  const figure = $("source-figure");
  const img = $("source-image");
  figure.hidden = false;
  figure.dataset.state = "loading";
  img.removeAttribute("src");
  img.alt = `Pagina ${page.page} van ${page.title}`;
  drawHighlights([]);
  show($("source-image-note"), "De pagina wordt geladen…");
  const caption = $("source-quote");
  if (source.quote) {
    caption.replaceChildren(
      h("span", { class: "source-quote-label" }, boxes.length ? "Gemarkeerd op de pagina:" : "Citaat:"),
      " ",
      h("q", {}, source.quote),
    );
  } else {
    caption.replaceChildren(`Pagina ${page.page} van ${page.title}`);
  }
  let data;
  try {
    data = await imageData(pageImageUrl(page.doc_id, page.page));
  } catch (err) {
    if (mine !== request) return;
    figure.dataset.state = "failed";
    show($("source-image-note"), `De pagina kon niet als afbeelding worden geladen. ${err.message} De tekst staat hieronder.`);
    return;
  }
  if (mine !== request) return; // a later click won
  img.src = data;
  try {
    await img.decode();
  } catch {
    // decoding is only awaited to scroll to the highlight once the image has its size
  }
  if (mine !== request) return;
  drawHighlights(boxes);
  show(
    $("source-image-note"),
    source.quote && !boxes.length ? "De plek van het citaat op de afbeelding is niet bekend; in de tekst hieronder staat het gemarkeerd." : "",
  );
  figure.dataset.state = "loaded";
  scrollToHighlight();
}

// source: {doc_id, page, quote, boxes?, title?, file?}; trigger: the element to return focus to.
export async function showSource(source, trigger) {
  lastTrigger = trigger || null;
  const mine = ++request;
  show($("source-error"), "");
  document.querySelectorAll(".chip.active, .source-link.active").forEach((el) => el.classList.remove("active"));
  if (trigger) trigger.classList.add("active");
  $("source-figure").dataset.state = "loading"; // until this page's image is shown
  let page;
  try {
    page = await getJson(`/api/documents/${encodeURIComponent(source.doc_id)}/pages/${source.page}`);
  } catch (err) {
    if (mine !== request) return;
    show($("source-error"), err.message);
    $("source-figure").dataset.state = "failed";
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
  $("source-panel").scrollTop = 0; // a new source starts at its heading
  $("source-title").focus({ preventScroll: true });
  const mark = text.querySelector("mark");
  text.scrollTop = mark ? Math.max(0, mark.offsetTop - 40) : 0; // .page-text is position: relative
  if (window.matchMedia("(max-width: 999px)").matches) $("source-panel").scrollIntoView({ block: "start" });
  await showPageImage(source, page, mine);
}
