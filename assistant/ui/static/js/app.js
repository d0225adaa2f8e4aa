// Entry point: tabs, then each view gets the document list it builds its choices from.
import { getJson } from "./api.js";
import { initChat } from "./chat.js";
import { initCompare } from "./compare.js";
import { initDocuments, openDocuments } from "./documents.js";
import { initMaatregelen, openMaatregelen } from "./maatregelen.js";
import { initSources } from "./sources.js";
import { initTerms, openTerms } from "./terms.js";

const onOpen = { "tab-terms": openTerms, "tab-maatregelen": openMaatregelen, "tab-documents": openDocuments };

// WAI-ARIA tabs: arrow keys move between tabs, Home/End to the ends; only the active tab is in the tab order.
function initTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const select = (tab, focus = true) => {
    for (const t of tabs) {
      const active = t === tab;
      t.setAttribute("aria-selected", String(active));
      t.tabIndex = active ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !active;
    }
    document.body.dataset.tab = tab.id; // lets the layout give a view the width it needs
    if (focus) tab.focus();
    onOpen[tab.id]?.();
  };
  for (const tab of tabs) {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (ev) => {
      const shown = tabs.filter((t) => !t.hidden); // the admin tab only when it is shown
      const i = shown.indexOf(tab);
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: shown.length - 1 }[ev.key];
      if (next === undefined) return;
      ev.preventDefault();
      select(shown[(next + shown.length) % shown.length]);
    });
  }
}

async function main() {
  initTabs();
  document.body.dataset.tab = "tab-chat";
  initSources();
  initTerms();
  let documents = [];
  try {
    documents = await getJson("/api/documents");
  } catch (err) {
    const box = document.getElementById("ask-error");
    box.textContent = `Documenten laden mislukt: ${err.message}`;
    box.hidden = false;
  }
  initChat(documents);
  initMaatregelen(documents);
  initCompare(documents);
  await initDocuments();
  document.body.dataset.ready = "true"; // the browser tests wait for this
}

main();
