// The search page: its whole state is the URL query string, so a search can be shared.
import {
  articleBody, copyItem, day, el, facetsPanel, hitItem, matchedWords, safeUrl, sourceName,
  rovingFocus, timelineBars, timelineBuckets,
} from "./render.js";

const LIMIT = 10;
const KEYS = ["q", "page", "sort", "since", "until", "source", "tag", "author", "all", "article"];
const $ = (id) => document.getElementById(id);
let lastTimeline = "";
let shownHits = new Map();

function readState() {
  const params = new URLSearchParams(location.search);
  const state = {};
  for (const key of KEYS) state[key] = params.get(key) || "";
  state.page = Math.max(1, parseInt(state.page, 10) || 1);
  return state;
}

function queryString(state) {
  const params = new URLSearchParams();
  for (const key of KEYS) {
    const value = state[key];
    if (!value || (key === "page" && value === 1) || (key === "sort" && value === "relevance")) continue;
    params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : location.pathname;
}

// Changing anything but the page or the open article starts again at page 1.
function go(changes, { push = true } = {}) {
  const state = { ...readState(), ...changes };
  if (!("page" in changes) && !("article" in changes)) state.page = 1;
  const url = queryString(state);
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
  show();
}

function articleHref(id) {
  return queryString({ ...readState(), article: id });
}

function apiParams(state, extra = {}) {
  const params = new URLSearchParams({ q: state.q, limit: String(LIMIT), page: String(state.page) });
  for (const key of ["sort", "since", "until", "source", "tag", "author"]) if (state[key]) params.set(key, state[key]);
  if (state.all) params.set("all", "1");
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params;
}

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const data = await response.json().catch(() => ({ error: `HTTP ${response.status}`, hint: "" }));
  if (!response.ok) throw Object.assign(new Error(data.error), { hint: data.hint, status: response.status });
  return data;
}

function setStatus(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

function fail(error) {
  setStatus(`${error.message}${error.hint ? ` — ${error.hint}` : ""}`, true);
}

function fillForm(state) {
  $("q").value = state.q;
  $("sort").value = state.sort || "relevance";
  $("since").value = state.since;
  $("until").value = state.until;
  $("all").checked = Boolean(state.all);
}

function showFilters(state) {
  const names = { source: "source", tag: "tag", author: "author", since: "from", until: "to", all: "every copy" };
  $("filters").replaceChildren(
    ...Object.entries(names)
      .filter(([key]) => state[key])
      .map(([key, label]) =>
        el("button", { type: "button", "aria-label": `Remove the filter ${label} ${state[key]}`, onclick: () => go({ [key]: "" }) },
          key === "all" ? `${label} ✕` : `${label}: ${sourceName(state[key])} ✕`),
      ),
  );
}

async function show() {
  const state = readState();
  fillForm(state);
  showFilters(state);
  document.title = state.q ? `${state.q} — newsearch` : "newsearch";
  if (!state.q) {
    $("hits").replaceChildren();
    $("facets").replaceChildren();
    $("pager").replaceChildren();
    $("timeline").hidden = true;
    $("suggestion").hidden = true;
    setStatus("");
  } else {
    await showResults(state);
  }
  await showArticle(state);
}

async function showResults(state) {
  $("results").setAttribute("aria-busy", "true");
  let data;
  try {
    data = await api(`/api/search?${apiParams(state, { facets: "1" })}`);
  } catch (error) {
    $("hits").replaceChildren();
    $("facets").replaceChildren();
    $("pager").replaceChildren();
    $("timeline").hidden = true;
    fail(error);
    return;
  } finally {
    $("results").removeAttribute("aria-busy");
  }
  shownHits = new Map(data.hits.map((h) => [h.id, h]));
  const first = (state.page - 1) * LIMIT + 1;
  setStatus(
    data.hits.length
      ? `${data.total.toLocaleString()} matching article(s); showing ${first}–${first + data.hits.length - 1}` +
          (data.collapsed ? ` (${data.collapsed} copies folded into their stories)` : "")
      : data.total ? "No more results." : data.notice || `No results for “${state.q}”.`,
  );
  if (!data.strict) setStatus(`${$("status").textContent} The query syntax did not parse; searched for its words.`);
  $("suggestion").hidden = !data.suggestion;
  if (data.suggestion) {
    const link = $("suggestion-link");
    link.textContent = data.suggestion;
    link.href = queryString({ ...state, q: data.suggestion, page: 1, article: "" });
    link.onclick = (event) => { event.preventDefault(); go({ q: data.suggestion, article: "" }); };
  }
  $("hits").replaceChildren(...data.hits.map((hit) => hitItem(hit, { articleHref, onOpen: openArticle, onCopies: toggleCopies })));
  $("facets").replaceChildren(facetsPanel(data.facets, (name, value) => facetActive(state, name, value), pickFacet));
  showPager(state, data);
  $("results").dataset.for = location.search;  // which search the list shows (tests wait on it)
  // The timeline shows every date of the matches, the chosen range marked: the overview stays.
  const key = timelineParams(state).toString();
  if (key !== lastTimeline) {
    lastTimeline = key;
    showTimeline(state).catch(fail);
  } else {
    markTimeline(state);
  }
}

function facetActive(state, name, value) {
  if (name === "year") return state.since === value && state.until === value;
  return state[name] === value;
}

function pickFacet(name, value, active) {
  if (name === "year") go(active ? { since: "", until: "" } : { since: value, until: value });
  else go({ [name]: active ? "" : value });
}

function showPager(state, data) {
  const pages = Math.max(1, Math.ceil(data.total / LIMIT));
  const more = data.hits.length === LIMIT && state.page * LIMIT < data.total;
  const link = (page, text, rel) => {
    const a = el("a", { href: queryString({ ...state, page, article: "" }), rel }, text);
    a.addEventListener("click", (event) => { event.preventDefault(); go({ page, article: "" }); $("results").focus(); });
    return a;
  };
  $("pager").replaceChildren(
    state.page > 1 ? link(state.page - 1, "← Previous", "prev") : "",
    // `total` counts every copy, so with copies folded the number of pages is an estimate.
    data.hits.length
      ? el("span", { "aria-current": "page" },
          more ? `Page ${state.page} of ${state.all ? "" : "about "}${pages.toLocaleString()}` : `Page ${state.page} of ${state.page}`)
      : "",
    more ? link(state.page + 1, "Next →", "next") : "",
  );
}

function timelineParams(state) {
  const params = apiParams({ ...state, page: 1, sort: "", since: "", until: "", all: "" });
  for (const [key, value] of Object.entries({ limit: "1", snippets: "0", suggest: "0", timeline: "1" })) params.set(key, value);
  return params;
}

// A bar is marked when its month lies in the chosen date range ("2024" runs Jan to Dec).
function inRange(state, b) {
  if (!state.since && !state.until) return false;
  const from = state.since.length === 4 ? `${state.since}-01` : state.since.slice(0, 7);
  const to = state.until.length === 4 ? `${state.until}-12` : state.until.slice(0, 7);
  return (!from || b.from >= from) && (!to || b.to <= to);
}

function markTimeline(state) {
  for (const bar of $("timeline-bars").children) {
    bar.setAttribute("aria-pressed", String(inRange(state, bar.dataset)));
  }
}

async function showTimeline(state) {
  const data = await api(`/api/search?${timelineParams(state)}`);
  const t = data.timeline;
  const buckets = timelineBuckets(t.months);
  $("timeline").hidden = !buckets.length;
  if (!buckets.length) return;
  const only = (b) => readState().since === b.since && readState().until === b.until;
  $("timeline-bars").replaceChildren(
    ...timelineBars(buckets, (b) => inRange(state, b), (b) => go(only(b) ? { since: "", until: "" } : { since: b.since, until: b.until })),
  );
  $("timeline-axis").replaceChildren(el("span", {}, buckets[0].label), el("span", {}, buckets[buckets.length - 1].label));
  const dated = t.counted - t.undated;
  $("timeline-note").textContent =
    `${dated.toLocaleString()} dated match(es)` + (t.undated ? `, ${t.undated} undated` : "") +
    (t.truncated ? ` — the ${t.counted.toLocaleString()} most relevant of ${t.total.toLocaleString()}` : "") +
    ". Choose a month to see only it.";
}

async function toggleCopies(hit, button, list) {
  const open = button.getAttribute("aria-expanded") === "true";
  button.setAttribute("aria-expanded", String(!open));
  list.hidden = open;
  if (open || list.childElementCount) return;
  const state = readState();
  try {
    const data = await api(`/api/search?${apiParams(state, { copies_of: hit.id })}`);
    list.replaceChildren(...data.hits.map((copy) => copyItem(copy, articleHref, openArticle)));
    if (!data.hits.length) list.append(el("li", {}, "The copies are further down the full list: search with “every copy of a story”."));
  } catch (error) {
    list.replaceChildren(el("li", {}, `${error.message} — ${error.hint || ""}`));
  }
}

function openArticle(hit) {
  shownHits.set(hit.id, hit);
  go({ article: hit.id });
}

async function showArticle(state) {
  const dialog = $("reader");
  if (!state.article) {
    if (dialog.open) dialog.close();
    return;
  }
  let article;
  try {
    article = await api(`/api/articles/${encodeURIComponent(state.article)}`);
  } catch (error) {
    fail(error);
    return;
  }
  $("reader-title").textContent = article.title || "(untitled)";
  const url = safeUrl(article.url);
  $("reader-meta").replaceChildren(
    day(article.published), " · ", sourceName(article.site || article.path),
    article.authors.length ? ` · ${article.authors.join(", ")}` : "",
    article.tags.length ? ` · ${article.tags.join(", ")}` : "",
    url ? " · " : "", url ? el("a", { href: url, rel: "noopener noreferrer", target: "_blank" }, "original") : "",
  );
  $("reader-body").replaceChildren(...articleBody(article.body, matchedWords(shownHits.get(article.id))));
  if (!dialog.open) dialog.showModal();
  $("reader-similar").hidden = true;
  api(`/api/similar/${encodeURIComponent(article.id)}?limit=5`).then((data) => {
    $("reader-similar-list").replaceChildren(...data.hits.map((h) => copyItem(h, articleHref, openArticle)));
    $("reader-similar").hidden = !data.hits.length;
  }).catch(() => {});
}

async function showAbout() {
  try {
    const s = await api("/api/stats");
    const span = s.oldest && s.newest ? ` from ${day(s.oldest)} to ${day(s.newest)}` : "";
    $("about").textContent = `${s.documents.toLocaleString()} articles${span}. API: /api/search?q=… — see /openapi.json.`;
  } catch (error) {
    $("about").textContent = `${error.message}${error.hint ? ` — ${error.hint}` : ""}`;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("search").addEventListener("submit", (event) => {
    event.preventDefault();
    go({ q: $("q").value.trim(), sort: $("sort").value, since: $("since").value.trim(), until: $("until").value.trim(), all: $("all").checked ? "1" : "", article: "" });
  });
  $("sort").addEventListener("change", () => readState().q && go({ sort: $("sort").value }));
  $("all").addEventListener("change", () => readState().q && go({ all: $("all").checked ? "1" : "" }));
  $("reader").addEventListener("close", () => readState().article && go({ article: "" }));
  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && document.activeElement?.tagName !== "INPUT" && !$("reader").open) {
      event.preventDefault();
      $("q").focus();
    }
  });
  rovingFocus($("timeline-bars"));
  window.addEventListener("popstate", show);
  show();
  showAbout();
});
