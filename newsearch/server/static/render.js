// DOM builders. Article text only ever reaches the page as text nodes (never innerHTML),
// so a headline holding "<script>" shows as those characters.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Highlight offsets count code points (Python str indices): slice code points, not UTF-16 units.
export function highlighted(fragment) {
  const chars = Array.from(fragment.text);
  const out = document.createDocumentFragment();
  let at = 0;
  for (const [start, end] of fragment.highlights) {
    if (start < at || end <= start) continue;
    out.append(chars.slice(at, start).join(""), el("mark", {}, chars.slice(start, end).join("")));
    at = end;
  }
  out.append(chars.slice(at).join(""));
  return out;
}

// The matched words as the article spells them, for marking them in the full text.
export function matchedWords(hit) {
  const words = new Set();
  for (const fragment of hit?.fragments || []) {
    const chars = Array.from(fragment.text);
    for (const [start, end] of fragment.highlights) words.add(chars.slice(start, end).join(""));
  }
  return [...words].filter((w) => w.trim());
}

export function day(iso) {
  return iso ? iso.slice(0, 10) : "no date";
}

export function sourceName(source) {
  // A file-backed article's source is its path on the server: its file name says enough.
  return source && source.startsWith("/") ? source.split("/").pop() : source || "";
}

export function hitItem(hit, { articleHref, onOpen, onCopies }) {
  const link = el("a", { href: articleHref(hit.id), class: "title" }, hit.title || "(untitled)");
  link.addEventListener("click", (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    onOpen(hit);
  });
  const meta = el(
    "p",
    { class: "meta" },
    el("time", { datetime: hit.published || null }, day(hit.published)),
    " · ",
    el("span", { class: "source" }, sourceName(hit.source)),
    hit.tags.length ? ` · ${hit.tags.join(", ")}` : "",
    hit.authors.length ? ` · ${hit.authors.join(", ")}` : "",
  );
  const snippet = el("p", { class: "snippet" });
  hit.fragments.forEach((fragment, i) => {
    if (i) snippet.append(" … ");
    snippet.append(highlighted(fragment));
  });
  const item = el("li", { class: "hit", "data-id": hit.id }, el("h3", {}, link), meta);
  if (hit.fragments.length) item.append(snippet);
  if (hit.similar > 0) {
    const list = el("ol", { class: "copies-list", id: `copies-${hit.rank}`, hidden: true });
    const button = el(
      "button",
      { type: "button", class: "copies", "aria-expanded": "false", "aria-controls": list.id },
      `+${hit.similar} similar`,
    );
    button.addEventListener("click", () => onCopies(hit, button, list));
    item.append(button, list);
  }
  return item;
}

export function copyItem(hit, articleHref, onOpen) {
  const link = el("a", { href: articleHref(hit.id) }, hit.title || "(untitled)");
  link.addEventListener("click", (event) => {
    event.preventDefault();
    onOpen(hit);
  });
  return el("li", {}, link, " ", el("span", { class: "meta" }, `${day(hit.published)} · ${sourceName(hit.source)}`));
}

const FACET_TITLES = { source: "Source", year: "Year", tag: "Tag" };

export function facetsPanel(facets, isActive, onPick) {
  const out = document.createDocumentFragment();
  for (const [name, counts] of Object.entries(facets || {})) {
    const entries = Object.entries(counts);
    if (!entries.length) continue;
    const list = el("ul");
    for (const [value, count] of entries) {
      const pressed = isActive(name, value);
      list.append(
        el(
          "li",
          {},
          el(
            "button",
            { type: "button", "aria-pressed": String(pressed), "data-facet": name, "data-value": value, onclick: () => onPick(name, value, pressed) },
            el("span", {}, sourceName(value)),
            el("span", { class: "count" }, count.toLocaleString()),
          ),
        ),
      );
    }
    out.append(el("h2", {}, FACET_TITLES[name] || name), list);
  }
  return out;
}

// Every month from the first to the last match, empty ones too; by year past 20 years.
export function timelineBuckets(months) {
  const keys = Object.keys(months).sort();
  if (!keys.length) return [];
  const [y0, m0] = keys[0].split("-").map(Number);
  const [y1, m1] = keys[keys.length - 1].split("-").map(Number);
  const span = (y1 - y0) * 12 + (m1 - m0) + 1;
  const buckets = [];
  if (span > 240) {
    for (let y = y0; y <= y1; y++) {
      const count = keys.filter((k) => k.startsWith(`${y}-`)).reduce((n, k) => n + months[k], 0);
      buckets.push({ label: String(y), since: String(y), until: String(y), from: `${y}-01`, to: `${y}-12`, count });
    }
    return buckets;
  }
  for (let i = 0; i < span; i++) {
    const y = y0 + Math.floor((m0 - 1 + i) / 12);
    const m = ((m0 - 1 + i) % 12) + 1;
    const key = `${y}-${String(m).padStart(2, "0")}`;
    buckets.push({ label: key, since: key, until: key, from: key, to: key, count: months[key] || 0 });
  }
  return buckets;
}

// One tab stop for the whole timeline (arrow keys, Home and End move along it), so a keyboard
// user does not tab through a hundred months to reach the results.
export function rovingFocus(container) {
  container.addEventListener("keydown", (event) => {
    const bars = [...container.children];
    const at = bars.indexOf(document.activeElement);
    const moves = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: bars.length - 1 };
    if (at < 0 || !(event.key in moves)) return;
    event.preventDefault();
    const next = bars[Math.max(0, Math.min(bars.length - 1, moves[event.key]))];
    bars[at].tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
}

export function timelineBars(buckets, isActive, onPick) {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const bars = buckets.map((b) => {
    const bar = el("button", {
      type: "button",
      title: `${b.label}: ${b.count.toLocaleString()}`,
      "aria-label": `${b.label}: ${b.count} matches`,
      "aria-pressed": String(isActive(b)),
      "data-month": b.label,
      "data-from": b.from,
      "data-to": b.to,
      onclick: () => onPick(b),
    });
    bar.style.height = `${b.count ? Math.max(4, Math.round((b.count / max) * 100)) : 1}%`;
    bar.tabIndex = -1;
    return bar;
  });
  const current = bars.find((bar) => bar.getAttribute("aria-pressed") === "true") || bars[bars.length - 1];
  if (current) current.tabIndex = 0;
  return bars;
}

// The full text in paragraphs, with the words the search matched marked as the article spells them.
export function articleBody(body, words) {
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).sort((a, b) => b.length - a.length);
  const pattern = escaped.length ? new RegExp(`(${escaped.join("|")})`, "giu") : null;
  return body.split(/\n\s*\n/).map((para) => {
    const p = el("p");
    if (!pattern) {
      p.append(para);
      return p;
    }
    para.split(pattern).forEach((part, i) => p.append(i % 2 ? el("mark", {}, part) : part));
    return p;
  });
}

export function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}
