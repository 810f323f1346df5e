// The oiltrail workspace: a map of tracks, events and chains over a time range, vessel search and
// dossier, chains, the cap chart, the claims checker, the watchlist and its alerts.
// Every text from the store or an article goes into the page as text (textContent), never as
// HTML; every request goes to this server (the Content-Security-Policy allows nothing else).
// MapLibre is imported when the page starts (index.html preloads it), after the first requests
// are sent: they need not wait for its million bytes to be compiled.
performance.mark("oiltrail:app");
const LIBRARY = "/app/vendor/maplibre-gl/maplibre-gl.mjs";
let maplibregl = null;

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = "oiltrail-token";
const SINCE_KEY = "oiltrail-alerts-since";
const KIND_COLOURS = {
  encounter: "#d7263d", loitering: "#f49d37", gap: "#6c3fa0", port_visit: "#2b7a78",
  spoofing: "#111111", identity_change: "#b5179e", draught_change: "#3a86ff",
};
const state = { token: null, vessel: null, chain: null, tab: "dossier", start: "", end: "", watch: { vessels: [], entities: [] } };
let map = null;
let trackTimer = null;
let trackRequest = 0;
let ready = null; // resolves when the store's time span and the watchlist are known
let styleLoaded = null; // resolves when the map's sources can be given data
let releaseFrames = () => {}; // ends holdFrames

// --- small DOM helpers: text only -------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "onclick") node.addEventListener("click", v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
  return node;
}

function table(rows, columns, onRow) {
  const head = el("tr", {}, ...columns.map((c) => el("th", {}, c)));
  const body = rows.map((r) => {
    const tr = el("tr", onRow ? { class: "clickable" } : {}, ...columns.map((c) => el("td", {}, fmt(r[c]))));
    if (onRow) tr.addEventListener("click", () => onRow(r));
    return tr;
  });
  // in a box of its own that scrolls sideways: a wide table does not push the panel's
  // headings and the table's last columns out of sight
  return el("div", { class: "table-box" }, el("table", {}, el("thead", {}, head), el("tbody", {}, ...body)));
}

function fmt(v) {
  if (v == null) return "";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(3).replace(/\.?0+$/, "");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function status(text) { $("status-line").textContent = text; }

// --- token and API ----------------------------------------------------------------------------

function readToken() {
  const hash = new URLSearchParams(location.hash.slice(1));
  const given = hash.get("token");
  if (given) {
    sessionStorage.setItem(TOKEN_KEY, given);
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function askToken() {
  $("token-dialog").hidden = false;
  $("token-input").focus();
}

async function api(path, options = {}) {
  const headers = { Authorization: `Bearer ${state.token}` };
  if (options.body) headers["Content-Type"] = "application/json";
  const res = await fetch(path, { ...options, headers });
  if (res.status === 401) { askToken(); throw new Error("the API token is needed"); }
  const body = await res.json();
  if (!res.ok) throw new Error(body.detail || res.statusText);
  return body;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
    else if (v !== "" && v != null) q.set(k, v);
  }
  return q.toString();
}

// --- state in the URL -------------------------------------------------------------------------

function saveState() {
  const q = new URLSearchParams();
  if (state.vessel) q.set("vessel", state.vessel);
  if (state.chain) q.set("chain", state.chain);
  q.set("tab", state.tab);
  if (state.start) q.set("start", state.start);
  if (state.end) q.set("end", state.end);
  if (map) {
    const c = map.getCenter();
    q.set("map", `${map.getZoom().toFixed(2)}/${c.lat.toFixed(4)}/${c.lng.toFixed(4)}`);
  }
  history.replaceState(null, "", `${location.pathname}?${q.toString()}`);
}

function loadState() {
  const q = new URLSearchParams(location.search);
  state.vessel = q.get("vessel");
  state.chain = q.get("chain");
  state.tab = q.get("tab") || "dossier";
  state.start = q.get("start") || "";
  state.end = q.get("end") || "";
  const view = (q.get("map") || "").split("/").map(Number);
  return view.length === 3 && view.every(Number.isFinite) ? { zoom: view[0], center: [view[2], view[1]] } : null;
}

function isoOf(input) {
  const v = input.value; // a datetime-local value, read as UTC
  if (!v) return "";
  return v.length === 16 ? `${v}:00Z` : `${v}Z`;
}
function inputOf(iso) { return iso ? iso.slice(0, 16) : ""; }

// --- the map ----------------------------------------------------------------------------------

function emptyCollection() { return { type: "FeatureCollection", features: [] }; }

const HOME = { center: [128, 38], zoom: 4 };
const FIRST_WAIT_MS = 1500; // the longest the map waits for the first view's data
// What a tile holds beyond its edges, in its pixels (MapLibre's default 128 of 512: each
// position is cut into and drawn in up to 2.25 times as many tiles); the widest thing drawn
// is a chain's event, 8 px and its stroke.
const BUFFER = 32;

// The map, its land given (fetched beside the library) and, when they have already come, the
// first view's tracks, events and anchorages: the worker cuts everything into tiles at once.
// No fades nor style transitions: every frame drawn in software costs (headless, no GPU).
function initMap(view, land, first) {
  map = new maplibregl.Map({
    container: "map",
    attributionControl: false,
    center: view.center,
    zoom: view.zoom,
    fadeDuration: 0,
    style: {
      version: 8,
      transition: { duration: 0, delay: 0 },
      sources: {
        land: { type: "geojson", data: land, buffer: BUFFER },
        tracks: { type: "geojson", data: first ? trackFeatures(first.tracks) : emptyCollection(), buffer: BUFFER },
        events: { type: "geojson", data: first ? eventFeatures(first.events) : emptyCollection(), buffer: BUFFER },
        chain: { type: "geojson", data: emptyCollection(), buffer: BUFFER },
        anchorages: { type: "geojson", data: first ? anchorageFeatures(first.anch) : emptyCollection(), buffer: BUFFER },
      },
      layers: [
        { id: "sea", type: "background", paint: { "background-color": "#bcd3e6" } },
        { id: "land", type: "fill", source: "land", paint: { "fill-color": "#eae6da", "fill-outline-color": "#8c8671" } },
        { id: "tracks", type: "line", source: "tracks", paint: {
          "line-color": ["case", ["boolean", ["get", "selected"], false], "#d7263d", "#28536b"],
          "line-width": ["case", ["boolean", ["get", "selected"], false], 3, 1],
          "line-opacity": 0.8 } },
        { id: "chain", type: "line", source: "chain", filter: ["==", ["geometry-type"], "LineString"],
          paint: { "line-color": "#f2b705", "line-width": 4, "line-dasharray": [2, 1] } },
        { id: "anchorages", type: "circle", source: "anchorages", paint: { "circle-radius": 5, "circle-color": "#777", "circle-opacity": 0.6 } },
        { id: "events", type: "circle", source: "events", paint: {
          "circle-radius": ["case", ["==", ["get", "kind"], "encounter"], 7, 4],
          "circle-color": ["match", ["get", "kind"], ...Object.entries(KIND_COLOURS).flat(), "#444"],
          "circle-stroke-color": "#fff", "circle-stroke-width": 1 } },
        { id: "chain-events", type: "circle", source: "chain", filter: ["==", ["geometry-type"], "Point"],
          paint: { "circle-radius": 8, "circle-color": "#f2b705", "circle-stroke-color": "#000", "circle-stroke-width": 1.5 } },
      ],
    },
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-left");
  releaseFrames = holdFrames(map);
  styleLoaded = new Promise((resolve) => map.once("style.load", () => { performance.mark("oiltrail:style"); resolve(); }));
  map.on("load", () => {
    performance.mark("oiltrail:load");
    document.body.dataset.mapLoaded = "1";
  });
  map.on("moveend", () => { scheduleTracks(); saveState(); });
  map.on("click", "tracks", (e) => {
    // an event on a track answers with its popup: the track's dossier would move the map away
    if (map.queryRenderedFeatures(e.point, { layers: ["events"] }).length) return;
    const f = e.features[0];
    if (f) openVessel(f.properties.mmsi);
  });
  map.on("click", "events", (e) => { const f = e.features[0]; if (f) eventPopup(f, e.lngLat); });
  for (const layer of ["tracks", "events"]) {
    map.on("mouseenter", layer, () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", layer, () => { map.getCanvas().style.cursor = ""; });
  }
}

// Until the first view is drawn, a frame is drawn only when every source has its tiles: each
// frame is drawn in full (in a headless browser, in software: about 0.1 s at this size) and
// the land, tracks and events arriving one after another would each draw one, or several.
// (MapLibre's painter is internal: if it is not there, frames are drawn as they come.) Released
// after HOLD_MS in any case.
const HOLD_MS = 5000;
function holdFrames(m) {
  const painter = m.painter;
  if (!painter || typeof painter.render !== "function") return () => {};
  const render = painter.render;
  painter.render = function (style, ...rest) {
    if (style && typeof style.loaded === "function" && !style.loaded()) return undefined;
    return render.call(this, style, ...rest);
  };
  let held = true;
  const release = (late = false) => {
    if (!held) return;
    held = false;
    painter.render = render;
    if (late) m.triggerRepaint(); // what is loaded so far; else the last frame was complete
  };
  setTimeout(() => release(true), HOLD_MS);
  return release;
}

function pairs(flat) {
  const out = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

function boxText(west, south, east, north) {
  const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
  return [clamp(west, -180, 180), clamp(south, -85, 85), clamp(east, -180, 180), clamp(north, -85, 85)]
    .map((v) => v.toFixed(4)).join(",");
}

function viewBox() {
  const b = map.getBounds();
  return boxText(b.getWest(), b.getSouth(), b.getEast(), b.getNorth());
}

// Whether two boxes differ by less than a thousandth of their size (a rounding apart).
function sameBox(a, b) {
  const [p, q] = [a, b].map((x) => x.split(",").map(Number));
  const span = Math.max(p[2] - p[0], p[3] - p[1], 1e-6);
  return p.every((v, i) => Math.abs(v - q[i]) <= span / 1000);
}

// The box a map of this size shows at this centre and zoom (web mercator, 512-pixel world at
// zoom 0, as MapLibre's), known before the map exists: the first view is asked for at once.
function boxOfView(view, width, height) {
  const world = 512 * 2 ** view.zoom;
  const x = ((180 + view.center[0]) / 360) * world;
  const y = ((180 - (180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (view.center[1] * Math.PI) / 360))) / 360) * world;
  const lon = (px) => (px / world) * 360 - 180;
  const lat = (py) => (360 / Math.PI) * Math.atan(Math.exp(((180 - (py / world) * 360) * Math.PI) / 180)) - 90;
  return boxText(lon(x - width / 2), lat(y + height / 2), lon(x + width / 2), lat(y - height / 2));
}

function scheduleTracks() {
  clearTimeout(trackTimer);
  trackTimer = setTimeout(loadTracks, 200);
}

// The view's tracks, events and anchorages (the map's events without their details).
async function fetchView(box, zoom) {
  const common = { bbox: box, start: state.start, end: state.end };
  const [tracks, events, anch] = await Promise.all([
    api(`/tracks?${query({ ...common, zoom })}`),
    api(`/events?${query({ ...common, limit: 5000, details: "false" })}`),
    api("/anchorages?limit=5000"),
  ]);
  return { box, tracks, events, anch };
}

function trackFeatures(tracks) {
  const selected = Number(state.vessel);
  return {
    type: "FeatureCollection",
    features: tracks.tracks.filter((t) => t.times.length > 1).map((t) => ({
      type: "Feature",
      properties: { mmsi: t.mmsi, name: t.name, selected: t.mmsi === selected },
      geometry: { type: "LineString", coordinates: pairs(t.lonlat) },
    })),
  };
}

function eventFeatures(events) {
  return {
    type: "FeatureCollection",
    features: events.items.filter((e) => e.lat != null && e.lon != null).map((e) => ({
      type: "Feature",
      properties: { event_id: e.event_id, kind: e.kind, mmsi: e.mmsi, other_mmsi: e.other_mmsi, start: e.start, end: e.end, port: e.port || "" },
      geometry: { type: "Point", coordinates: [e.lon, e.lat] },
    })),
  };
}

function anchorageFeatures(anch) {
  return {
    type: "FeatureCollection",
    features: anch.items.filter((a) => a.lat != null && a.lon != null).map((a) => ({
      type: "Feature", properties: {}, geometry: { type: "Point", coordinates: [a.lon, a.lat] },
    })),
  };
}

// Marks the view's tracks drawn at the map's next idle (the worker has cut them into tiles and
// the frame is drawn); `given` when the map was made with them, else they are set now.
function draw(view, mine, given = false) {
  if (!given) {
    map.getSource("tracks").setData(trackFeatures(view.tracks));
    map.getSource("events").setData(eventFeatures(view.events));
    map.getSource("anchorages").setData(anchorageFeatures(view.anch));
  }
  map.once("idle", () => {
    if (mine !== trackRequest) return;
    if (!document.body.dataset.tracks) {
      performance.mark("oiltrail:drawn");
      releaseFrames();
      document.body.dataset.firstDrawnMs = String(Math.round(performance.now()));
    }
    document.body.dataset.tracks = String(view.tracks.tracks.length);
    document.body.dataset.events = String(view.events.items.length);
  });
  const t = view.tracks;
  status(`${t.tracks.length} tracks, ${t.points} points (cell ${t.cell_deg.toFixed(3)}°), ${view.events.total} events in view`);
}

async function loadTracks() {
  if (!map || !state.token) return;
  try { await ready; } catch { return; }
  const mine = ++trackRequest;
  try {
    const view = await fetchView(viewBox(), Math.floor(map.getZoom()));
    await styleLoaded;
    if (mine !== trackRequest) return; // a newer view was asked for meanwhile
    draw(view, mine);
  } catch (err) {
    status(`map: ${err.message}`);
  }
}

function eventPopup(feature, lngLat) {
  const p = feature.properties;
  const box = el("div", { class: "popup" },
    el("strong", {}, p.kind), el("br"), `${p.start} → ${p.end}`, el("br"),
    p.port ? `port: ${p.port}` : "", p.port ? el("br") : "",
    el("button", { type: "button", onclick: () => openVessel(p.mmsi) }, `vessel ${p.mmsi}`));
  if (p.other_mmsi && p.other_mmsi !== "null") {
    box.append(" ", el("button", { type: "button", onclick: () => openVessel(p.other_mmsi) }, `other ${p.other_mmsi}`));
  }
  new maplibregl.Popup({ closeButton: true }).setLngLat(lngLat).setDOMContent(box).addTo(map);
}

// --- tabs -------------------------------------------------------------------------------------

function showTab(name) {
  state.tab = name;
  for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("active", b.dataset.tab === name);
  for (const s of document.querySelectorAll(".tab")) s.hidden = s.id !== `tab-${name}`;
  if (name === "chains") loadChains();
  if (name === "cap") loadCap();
  if (name === "watch") renderWatch();
  saveState();
}

// --- search and dossier -----------------------------------------------------------------------

async function search(text) {
  const list = $("search-results");
  list.replaceChildren();
  if (!text.trim()) { list.hidden = true; return; }
  try {
    const page = await api(`/vessels?${query({ q: text, limit: 20 })}`);
    for (const v of page.items) {
      const item = el("li", { tabindex: "0", "data-mmsi": String(v.mmsi) }, `${v.name || "(no name)"} · MMSI ${v.mmsi}${v.imo ? ` · IMO ${v.imo}` : ""}`);
      item.addEventListener("click", () => { list.hidden = true; openVessel(v.mmsi); });
      list.append(item);
    }
    if (!page.items.length) list.append(el("li", {}, "no vessel found"));
    list.hidden = false;
  } catch (err) { status(`search: ${err.message}`); }
}

async function openVessel(mmsi) {
  state.vessel = String(mmsi);
  showTab("dossier");
  const out = $("tab-dossier");
  out.replaceChildren(el("p", { class: "hint" }, "loading…"));
  try {
    const d = await api(`/vessels/${encodeURIComponent(mmsi)}`);
    const watched = state.watch.vessels.includes(d.mmsi);
    const watchButton = el("button", { type: "button", class: "watch-button", id: "watch-toggle" }, watched ? "Unwatch" : "Watch");
    watchButton.addEventListener("click", () => toggleWatch(d.mmsi));
    out.replaceChildren(
      el("h2", { id: "dossier-title" }, `${d.name || "(no name)"} · MMSI ${d.mmsi}${d.imo ? ` · IMO ${d.imo}` : ""}`),
      el("p", { class: "risk" }, `risk ${d.risk.toFixed(2)}: ${d.risk_path || d.risk_reasons || "no list hit"}`),
      d.simulated ? el("p", { class: "banner" }, "SIMULATED DATA") : "",
      watchButton,
      el("p", {}, `track: ${d.track.positions} positions, ${d.track.first || "?"} to ${d.track.last || "?"}`),
      el("h3", {}, "Identities over time"), table(d.identities, ["imo", "name", "callsign", "ship_type", "first", "last", "reports"]),
      el("h3", {}, `Events (${d.events.length})`),
      // an encounter is stored once, under either ship: `with` is the other one, whichever
      el("div", { id: "dossier-events" }, table(d.events.map((e) => ({ ...e, with: e.mmsi === d.mmsi ? e.other_mmsi : e.mmsi })), ["kind", "start", "end", "port", "with"], (e) => {
        if (e.lat != null) map.flyTo({ center: [e.lon, e.lat], zoom: Math.max(map.getZoom(), 8) });
        if (e.with) status(`${e.kind} with ${e.with}: click it on the map or search it`);
      })),
      el("h3", {}, "Screening hits"), table(d.screening, ["entity_id", "name", "score", "lists", "reasons"]),
      el("h3", {}, "Ownership paths"), table(d.paths, ["hops", "sanctioned", "lists", "path"]),
      // the chain's vessels: the trace columns, as `oiltrail vessel` and the chains tab show them
      el("h3", {}, "Chains"),
      el("div", { id: "dossier-chains" }, table(d.chains, ["source_port", "load_start", "donor_mmsi", "relay_mmsi", "receiver_mmsi", "destination", "arrival", "barrels_mid"], (c) => openChain(c.chain_id))),
      el("h3", {}, "Public record"), el("ul", {}, ...d.links.map((x) => el("li", {}, `${x.stage}: ${x.from} → ${x.to} (${x.role}) — ${x.source}`))),
    );
    if (d.track.bbox) {
      const [w, s, e, n] = d.track.bbox;
      map.fitBounds([[w, s], [e, n]], { padding: 40, maxZoom: 9, duration: 0 });
    }
    scheduleTracks();
    saveState();
  } catch (err) {
    out.replaceChildren(el("p", { class: "error" }, `vessel ${mmsi}: ${err.message}`));
  }
}

// --- chains -----------------------------------------------------------------------------------

async function loadChains() {
  const out = $("tab-chains");
  try {
    const page = await api(`/chains?${query({ start: state.start, end: state.end })}`);
    out.replaceChildren(
      el("h2", {}, `Delivery chains (${page.total})`),
      table(page.items, ["source_port", "donor_mmsi", "relay_mmsi", "receiver_mmsi", "destination", "arrival", "barrels_mid", "confidence"], (c) => openChain(c.chain_id)),
      el("div", { id: "chain-detail" }),
    );
    if (state.chain) openChain(state.chain, false);
  } catch (err) { out.replaceChildren(el("p", {}, `chains: ${err.message}`)); }
}

async function openChain(id, switchTab = true) {
  state.chain = id;
  if (switchTab && state.tab !== "chains") { showTab("chains"); return; }
  try {
    const c = await api(`/chains/${encodeURIComponent(id)}`);
    const features = [];
    if (c.route.length > 1) features.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: c.route } });
    for (const e of c.events) {
      if (e.lat != null) features.push({ type: "Feature", properties: { kind: e.kind }, geometry: { type: "Point", coordinates: [e.lon, e.lat] } });
    }
    map.getSource("chain").setData({ type: "FeatureCollection", features });
    if (c.route.length > 1) {
      const lons = c.route.map((p) => p[0]);
      const lats = c.route.map((p) => p[1]);
      map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]], { padding: 40, duration: 0 });
    }
    // why each link was accepted: a relay chain's `transfers` are a list, one per ship-to-ship
    const links = Object.entries(c.details.links || {}).flatMap(([name, l]) => (Array.isArray(l)
      ? l.map((x, i) => ({ link: `${name.replace(/s$/, "")} ${i + 1}`, score: x.score, why: x.why }))
      : [{ link: name, score: l ? l.score : null, why: l ? l.why : "not found" }]));
    const detail = $("chain-detail") || $("tab-chains");
    detail.replaceChildren(
      el("h3", { id: "chain-title" }, `${c.chain.source_port || "?"} → ${c.chain.destination || "?"}: ${fmt(c.chain.barrels_mid)} bbl (mid)`),
      table(links, ["link", "score", "why"]),
      el("h3", {}, "Evidence"), table(c.events, ["kind", "mmsi", "other_mmsi", "start", "port"]),
    );
    document.body.dataset.chain = id;
    saveState();
  } catch (err) { status(`chain: ${err.message}`); }
}

// --- the cap chart ----------------------------------------------------------------------------

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text != null) node.textContent = String(text);
  return node;
}

async function loadCap() {
  const out = $("tab-cap");
  try {
    const cap = await api("/estimate");
    const rows = cap.rows;
    const top = Math.max(cap.cap.barrels, ...rows.map((r) => Math.max(r.reported_barrels || 0, r.estimated_barrels_high || 0)));
    const W = 420; const H = 220; const pad = 30;
    const chart = svg("svg", { class: "cap", viewBox: `0 0 ${W} ${H}`, id: "cap-chart" });
    const bw = (W - pad * 2) / Math.max(rows.length, 1);
    const y = (v) => H - pad - (v / top) * (H - pad * 2);
    rows.forEach((r, i) => {
      const x = pad + i * bw;
      chart.append(svg("rect", { class: "bar-reported bar", x: x + 2, y: y(r.reported_barrels || 0), width: bw / 2 - 3, height: H - pad - y(r.reported_barrels || 0) }));
      chart.append(svg("rect", { class: "bar-estimated bar", x: x + bw / 2, y: y(r.estimated_barrels_mid || 0), width: bw / 2 - 3, height: H - pad - y(r.estimated_barrels_mid || 0) }));
      chart.append(svg("text", { x: x + bw / 2, y: H - pad + 12, "text-anchor": "middle" }, r.year));
    });
    chart.append(svg("line", { class: "cap-line", x1: pad, x2: W - pad, y1: y(cap.cap.barrels), y2: y(cap.cap.barrels) }));
    chart.append(svg("text", { x: W - pad, y: y(cap.cap.barrels) - 4, "text-anchor": "end" }, `cap ${cap.cap.barrels.toLocaleString("en")} bbl`));
    out.replaceChildren(
      el("h2", {}, "Refined petroleum vs the UNSCR 2397 cap"),
      el("p", { class: "hint" }, "blue: reported to the 1718 Committee; orange: estimated from the store's chains (mid)"),
      chart,
      table(rows, ["year", "reported_barrels", "estimated_barrels_mid", "share_of_cap_mid"]),
      el("ul", {}, ...cap.notes.map((n) => el("li", {}, n))),
    );
  } catch (err) { out.replaceChildren(el("p", {}, `cap: ${err.message}`)); }
}

// --- claims -----------------------------------------------------------------------------------

async function checkClaims(event) {
  event.preventDefault();
  const out = $("claims-out");
  out.replaceChildren(el("p", { class: "hint" }, "checking…"));
  try {
    const body = { text: $("claims-text").value };
    if ($("claims-date").value) body.date = $("claims-date").value;
    const result = await api("/claims/check", { method: "POST", body: JSON.stringify(body) });
    out.replaceChildren(
      el("h3", {}, `${result.claims.length} claim${result.claims.length === 1 ? "" : "s"}`),
      ...result.claims.map((c) => el("div", { class: "claim" },
        el("p", {}, el("span", { class: `verdict verdict-${c.verdict.replace(/ /g, "-")}` }, c.verdict), ` — ${c.speaker || "(unattributed)"}: “${c.quote}”`),
        el("ul", {}, ...c.reasons.map((r) => el("li", {}, r))))),
      el("ul", { class: "hint" }, ...result.notes.map((n) => el("li", {}, n))),
    );
  } catch (err) { out.replaceChildren(el("p", {}, `claims: ${err.message}`)); }
}

// --- watchlist and alerts ---------------------------------------------------------------------

async function toggleWatch(mmsi) {
  const vessels = new Set(state.watch.vessels);
  if (vessels.has(mmsi)) vessels.delete(mmsi); else vessels.add(mmsi);
  state.watch = await api("/watchlist", { method: "PUT", body: JSON.stringify({ vessels: [...vessels], entities: state.watch.entities }) });
  localStorage.setItem(SINCE_KEY, new Date().toISOString().slice(0, 19) + "Z");
  const button = $("watch-toggle");
  if (button) button.textContent = state.watch.vessels.includes(mmsi) ? "Unwatch" : "Watch";
  renderWatch();
  pollAlerts();
}

function renderWatch() {
  $("watch-list").replaceChildren(...state.watch.vessels.map((m) => {
    const item = el("li", { class: "clickable" }, `MMSI ${m}`);
    item.addEventListener("click", () => openVessel(m));
    return item;
  }));
}

async function pollAlerts() {
  if (!state.token) return;
  const since = localStorage.getItem(SINCE_KEY) || "";
  try {
    const alerts = await api(`/alerts?${query({ since })}`);
    $("alert-count").textContent = String(alerts.total);
    $("alerts-badge").classList.toggle("has-alerts", alerts.total > 0);
    $("alert-list").replaceChildren(...alerts.items.map((a) => {
      const item = el("li", { class: "alert clickable" }, `${a.added || ""} ${a.kind}: ${a.what}`);
      item.addEventListener("click", () => { if (a.mmsi) openVessel(a.mmsi); });
      return item;
    }));
  } catch (err) { status(`alerts: ${err.message}`); }
}

// --- start ------------------------------------------------------------------------------------

async function loadLibrary() {
  if (!maplibregl) {
    maplibregl = await import(LIBRARY);
    performance.mark("oiltrail:library");
    maplibregl.prewarm(); // its worker starts while the land and the first view come
  }
  return maplibregl;
}

async function start() {
  const view = loadState();
  state.token = readToken();
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    state.token = $("token-input").value.trim();
    sessionStorage.setItem(TOKEN_KEY, state.token);
    $("token-dialog").hidden = true;
    start();
  });
  if (!state.token) { askToken(); return; }
  for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => showTab(b.dataset.tab));
  let searchTimer = null;
  $("search").addEventListener("input", (e) => { clearTimeout(searchTimer); searchTimer = setTimeout(() => search(e.target.value), 200); });
  $("search-form").addEventListener("submit", (e) => { e.preventDefault(); search($("search").value); });
  // the results close on a click elsewhere (they stayed over the page until a new search)
  document.addEventListener("click", (e) => { if (!$("search-form").contains(e.target)) $("search-results").hidden = true; });
  $("claims-form").addEventListener("submit", checkClaims);
  $("alerts-badge").addEventListener("click", () => showTab("watch"));
  for (const id of ["start", "end"]) {
    $(id).addEventListener("change", () => {
      state[id] = isoOf($(id)); // the other keeps its seconds (the store's span, to the second)
      scheduleTracks();
      saveState();
    });
  }
  // First load: the store's span, the watchlist and the first view's tracks (of the time range
  // in the address, else of the whole store) are asked for at once; meanwhile the library is
  // compiled (its worker started) and the land fetched, then the map is made, with the view's
  // data when it has come.
  ready = Promise.all([api("/status"), api("/watchlist")]);
  const home = view || HOME;
  const mine = ++trackRequest;
  const asked = boxOfView(home, $("map").clientWidth, $("map").clientHeight);
  const firstData = fetchView(asked, Math.floor(home.zoom));
  let first = null;
  firstData.then((d) => { first = d; performance.mark("oiltrail:data"); }, () => {});
  const land = fetch("/app/land.geojson").then((r) => {
    if (!r.ok) throw new Error(`land outline: ${r.status}`);
    return r.json();
  });
  let landData;
  try {
    [, landData] = await Promise.all([loadLibrary(), land]);
  } catch (err) { status(`map: ${err.message}`); return; }
  // The map is made with the view's data when it comes soon (the worker, started with the
  // library, is seldom ready before it): given later, the tiles cut of the empty sources would
  // be cut again.
  await Promise.race([firstData.catch(() => null), new Promise((r) => { setTimeout(r, FIRST_WAIT_MS); })]);
  let given = false;
  if (!map) { initMap(home, landData, first); given = first !== null; performance.mark("oiltrail:map"); }
  const firstView = (async () => {
    try {
      const d = await firstData;
      await styleLoaded;
      if (mine !== trackRequest) return;
      draw(d, mine, given);
      if (!sameBox(viewBox(), asked)) scheduleTracks(); // the map shows another box than computed
    } catch (err) { status(`map: ${err.message}`); }
  })();
  try {
    const [st, watch] = await ready;
    $("simulated").hidden = !st.simulated;
    if (!state.start && !state.end) { state.start = st.first || ""; state.end = st.last || ""; }
    $("start").value = inputOf(state.start);
    $("end").value = inputOf(state.end);
    state.watch = watch;
  } catch (err) { status(err.message); return; }
  showTab(state.tab);
  if (state.vessel) openVessel(state.vessel);
  if (state.chain && state.tab !== "chains") openChain(state.chain, false);
  firstView.finally(() => { pollAlerts(); setInterval(pollAlerts, 5000); }); // after the map
}

start();
