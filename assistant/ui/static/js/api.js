// The service's JSON API and its Server-Sent Events stream.

export class ApiError extends Error {}

// The access token (when the service uses tokens): asked once, on the first 401, and kept for
// this tab only (sessionStorage), never in a cookie or localStorage.
const TOKEN_KEY = "woonzorg-token";
let tokenPrompt = null;

export function hasToken() {
  return Boolean(sessionStorage.getItem(TOKEN_KEY));
}

function withAuth(headers = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { ...headers, Authorization: `Bearer ${token}` } : headers;
}

function askToken(message) {
  tokenPrompt ??= new Promise((resolve) => {
    const dialog = document.getElementById("token-dialog");
    const form = document.getElementById("token-form");
    const input = document.getElementById("token-input");
    document.getElementById("token-message").textContent = message;
    input.value = "";
    form.addEventListener(
      "submit",
      (ev) => {
        ev.preventDefault();
        sessionStorage.setItem(TOKEN_KEY, input.value.trim());
        dialog.close();
        tokenPrompt = null;
        resolve();
      },
      { once: true },
    );
    dialog.showModal();
    input.focus();
  });
  return tokenPrompt;
}

// fetch with the token; on 401 ask for a (new) token and try again.
export async function authFetch(url, init = {}) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, { ...init, headers: withAuth(init.headers) });
    if (res.status !== 401 || attempt >= 3) return res;
    sessionStorage.removeItem(TOKEN_KEY);
    await askToken(
      attempt === 0 ? "Deze service vraagt een toegangstoken." : "Dit token werd niet geaccepteerd. Probeer het opnieuw.",
    );
  }
}

async function detailOf(res) {
  try {
    const body = await res.json();
    if (typeof body.detail === "string") return body.detail;
  } catch {
    // not JSON: fall through to the generic message
  }
  return `De server gaf een fout (${res.status}). Probeer het later opnieuw.`;
}

export async function getJson(url, params) {
  const query = params ? `?${params}` : "";
  let res;
  try {
    res = await authFetch(url + query, { headers: { Accept: "application/json" } });
  } catch {
    throw new ApiError("De server is niet bereikbaar. Controleer de verbinding en probeer het opnieuw.");
  }
  if (!res.ok) throw new ApiError(await detailOf(res));
  return res.json();
}

export async function postJson(url, body) {
  let res;
  try {
    res = await authFetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError("De server is niet bereikbaar. Controleer de verbinding en probeer het opnieuw.");
  }
  if (!res.ok) throw new ApiError(await detailOf(res));
  return res.json();
}

function parseEvent(block) {
  let event = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue; // comments are keep-alive pings
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return data.length ? { event, data: JSON.parse(data.join("\n")) } : null;
}

// POST /api/ask/stream, yielding {event, data} as they arrive (EventSource cannot POST a history).
export async function* askStream(body, signal) {
  let res;
  try {
    res = await authFetch("/api/ask/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError("De server is niet bereikbaar. Controleer de verbinding en probeer het opnieuw.");
  }
  if (!res.ok) throw new ApiError(await detailOf(res));
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer = (buffer + value).replace(/\r\n/g, "\n"); // a "\r" at a chunk end meets its "\n" here
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const parsed = parseEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (parsed) yield parsed;
    }
  }
}
