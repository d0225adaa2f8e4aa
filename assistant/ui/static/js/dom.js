// Small DOM helpers. Text always goes in as text nodes (never innerHTML):
// answers and page texts come from documents, not from us.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function sourceLabel(c) {
  return `${c.title || c.file}, p. ${c.page}`;
}

// A citation marker as a button: it opens the cited page in the source panel.
export function chip(c, onCite) {
  return h(
    "button",
    {
      type: "button",
      class: "chip",
      "aria-label": `Bron ${c.n}: ${sourceLabel(c)}`,
      title: sourceLabel(c),
      "data-n": c.n,
      onclick: (ev) => onCite(c, ev.currentTarget),
    },
    String(c.n),
  );
}

// Answer text with its [n] markers as chips; markers without a citation stay text.
export function citedText(text, citations, onCite) {
  const byN = new Map(citations.map((c) => [c.n, c]));
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const m of text.matchAll(/\[(\d+)\]/g)) {
    const c = byN.get(Number(m[1]));
    if (!c) continue;
    frag.append(text.slice(last, m.index), chip(c, onCite));
    last = m.index + m[0].length;
  }
  frag.append(text.slice(last));
  return frag;
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// Where ``quote`` sits in ``text`` when whitespace may differ (quotes are whitespace-normalised).
export function findQuote(text, quote) {
  const words = (quote || "").split(/\s+/).filter(Boolean);
  if (!words.length) return null;
  const m = new RegExp(words.map(escapeRe).join("\\s+")).exec(text);
  return m ? { start: m.index, end: m.index + m[0].length } : null;
}

export function highlighted(text, quote) {
  const frag = document.createDocumentFragment();
  const at = findQuote(text, quote);
  if (!at) {
    frag.append(text);
    return { frag, found: false };
  }
  frag.append(text.slice(0, at.start), h("mark", {}, text.slice(at.start, at.end)), text.slice(at.end));
  return { frag, found: true };
}

export function show(el, message) {
  el.textContent = message || "";
  el.hidden = !message;
}
