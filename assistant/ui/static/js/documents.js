// Admin only: upload PDFs (progress and each file's outcome from the job), delete, re-index.
import { ApiError, authFetch, getJson } from "./api.js";
import { h, show } from "./dom.js";

const $ = (id) => document.getElementById(id);
const STATUS = {
  queued: "in de wachtrij",
  running: "bezig",
  ingested: "geïndexeerd",
  replaced: "vervangt de vorige versie",
  unchanged: "ongewijzigd",
  alias: "duplicaat (alias)",
  rejected: "afgewezen",
  reindexed: "opnieuw geïndexeerd",
};

async function send(method, url, body) {
  let res;
  try {
    res = await authFetch(url, { method, body, headers: { Accept: "application/json" } });
  } catch {
    throw new ApiError("De server is niet bereikbaar. Controleer de verbinding en probeer het opnieuw.");
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(typeof data.detail === "string" ? data.detail : `Fout ${res.status}.`);
  return data;
}

function fileLine(f) {
  let progress = "";
  if (f.status === "running") {
    progress = f.embedded_total
      ? ` — embeddings ${f.embedded_done}/${f.embedded_total}`
      : f.pages_total ? ` — pagina ${f.pages_done}/${f.pages_total}` : "";
  }
  const label = STATUS[f.status] || f.status;
  return h("li", { class: `job-file ${f.status}`, "data-status": f.status },
    h("strong", { text: f.name }), `: ${label}${progress}`, f.message && f.message !== label ? ` — ${f.message}` : "");
}

function renderJob(job) {
  const done = job.status === "done" || job.status === "failed";
  const head = done
    ? `Klaar: ${job.progress.files_total} bestand(en) verwerkt.${job.detail ? ` ${job.detail}` : ""}`
    : `Bezig: ${job.progress.files_done} van ${job.progress.files_total} bestand(en) verwerkt…`;
  $("upload-status").replaceChildren(h("p", { text: head }), h("ul", { class: "job-files" }, job.files.map(fileLine)));
}

async function follow(job) {
  renderJob(job);
  while (job.status !== "done" && job.status !== "failed") {
    await new Promise((r) => setTimeout(r, 500));
    job = await getJson(job.url);
    renderJob(job);
  }
  await openDocuments();
  return job;
}

export async function openDocuments() {
  if ($("tab-documents").hidden) return;
  const docs = await getJson("/api/documents");
  const body = $("doc-table").querySelector("tbody");
  body.replaceChildren(
    ...docs.map((d) =>
      h("tr", {},
        h("td", { text: d.title }),
        h("td", { text: d.access === "public" ? "openbaar" : "intern" }),
        h("td", { text: String(d.page_count) }),
        h("td", {},
          h("button", { type: "button", class: "secondary", "aria-label": `Opnieuw indexeren: ${d.title}`,
            onclick: () => act(() => send("POST", `/api/documents/${d.doc_id}/reindex`)) }, "Opnieuw indexeren"),
          " ",
          h("button", { type: "button", class: "secondary danger", "aria-label": `Verwijderen: ${d.title}`,
            onclick: () => {
              if (window.confirm(`“${d.title}” verwijderen uit de index?`)) act(() => send("DELETE", `/api/documents/${d.doc_id}`));
            } }, "Verwijderen"),
        ),
      ),
    ),
  );
}

async function act(start) {
  show($("upload-error"), "");
  try {
    await follow(await start());
  } catch (err) {
    show($("upload-error"), err.message);
  }
}

export async function initDocuments() {
  let me;
  try {
    me = await getJson("/api/me");
  } catch {
    return;
  }
  if (me.role !== "admin") return;
  $("tab-documents").hidden = false;
  $("upload-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const files = $("upload-files").files;
    if (!files.length) {
      show($("upload-error"), "Kies eerst een of meer PDF-bestanden.");
      return;
    }
    const form = new FormData($("upload-form"));
    $("upload-button").disabled = true;
    $("upload-status").replaceChildren(h("p", { text: `Uploaden van ${files.length} bestand(en)…` }));
    act(() => send("POST", "/api/documents", form)).finally(() => {
      $("upload-button").disabled = false;
      $("upload-form").reset();
    });
  });
}
