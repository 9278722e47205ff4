// esplab explorer: settings in the form and the address bar, runs streamed from POST /api/run
// (server-sent events in the response body), charts drawn as SVG as the data arrives.
"use strict";

const COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
const state = { status: "idle", mode: "run", days: 0, offerings: [], startDate: null, data: {}, runs: [], pairs: [], events: [], difference: null, errors: [] };
window.esplab = state;
window.addEventListener("error", (e) => state.errors.push(String(e.message)));
window.addEventListener("unhandledrejection", (e) => state.errors.push(String(e.reason)));
let catalogue = null;
let controller = null;
let pending = false;

const $ = (id) => document.getElementById(id);

function ticks(lo, hi, n) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

// Day `d` of a run started on `start` ("YYYY-MM-DD") as a Date (UTC).
function dateOf(start, d) {
  const t = new Date(start + "T00:00:00Z");
  t.setUTCDate(t.getUTCDate() + d);
  return t;
}

// Ticks on the first days of months, every 1, 3, 6, 12, 24 or 60 months (at most `n`), as
// [{day, label}]: "YYYY" for steps of a year or more, else "YYYY-MM".
function dateTicks(start, days, n) {
  const step = [1, 3, 6, 12, 24, 60, 120].find((m) => days / 30.44 / m <= n) || 240;
  const first = dateOf(start, 0);
  let y = first.getUTCFullYear(), m = first.getUTCMonth() + (first.getUTCDate() > 1 ? 1 : 0);
  while ((y * 12 + m) % step !== 0) m++;
  const out = [];
  const t0 = Date.parse(start + "T00:00:00Z");
  for (;;) {
    const t = Date.UTC(y, m, 1);
    const day = Math.round((t - t0) / 86400000);
    if (day > days) break;
    const d = new Date(t);
    const label = d.getUTCFullYear() + (step >= 12 ? "" : "-" + String(d.getUTCMonth() + 1).padStart(2, "0"));
    out.push({ day, label });
    m += step;
  }
  return out;
}

// Draws lines [{name, values, color, dashed}] and bands [{lo, hi, color, opacity, name}] over
// days; with state.startDate, the x axis shows dates.
function draw(svg, spec) {
  const W = +svg.getAttribute("width"), H = +svg.getAttribute("height");
  const L = 60, R = 15, T = 28, B = 36, pw = W - L - R, ph = H - T - B;
  const days = Math.max(1, spec.days - 1);
  let lo = spec.yRange ? spec.yRange[0] : Infinity, hi = spec.yRange ? spec.yRange[1] : -Infinity;
  if (!spec.yRange) {
    for (const l of spec.lines) for (const v of l.values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    for (const b of spec.bands || []) for (const v of b.hi) if (Number.isFinite(v)) hi = Math.max(hi, v);
    if (!(hi > lo)) { lo = Number.isFinite(lo) ? lo - 1 : 0; hi = lo + 2; }
    lo = Math.min(lo, 0);
  }
  const x = (d) => (L + (d / days) * pw).toFixed(1);
  const y = (v) => (T + ph - ((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo)) * ph).toFixed(1);
  let s = `<rect width="${W}" height="${H}" fill="white"/><text x="${L}" y="18" font-size="14" font-weight="bold">${spec.title}</text>`;
  for (const t of ticks(lo, hi, 4)) s += `<line x1="${L}" x2="${W - R}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e5e5"/><text x="${L - 6}" y="${+y(t) + 4}" font-size="11" text-anchor="end">${t}</text>`;
  const xTicks = state.startDate ? dateTicks(state.startDate, days, 8) : ticks(0, days, 8).map((t) => ({ day: t, label: t }));
  for (const t of xTicks) s += `<text class="x-tick" x="${x(t.day)}" y="${H - B + 16}" font-size="11" text-anchor="middle">${t.label}</text>`;
  s += `<line x1="${L}" y1="${T + ph}" x2="${W - R}" y2="${T + ph}" stroke="#333"/><line x1="${L}" y1="${T}" x2="${L}" y2="${T + ph}" stroke="#333"/>`;
  const xLabel = state.startDate ? `date (day 0 = ${state.startDate})` : "day";
  s += `<text x="${L + pw / 2}" y="${H - 4}" font-size="12" text-anchor="middle">${xLabel}</text>`;
  s += `<text x="14" y="${T + ph / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${T + ph / 2})">${spec.yLabel}</text>`;
  for (const b of spec.bands || []) {
    if (!b.lo.length) continue;
    let d = "";
    b.hi.forEach((v, i) => { d += (i ? "L" : "M") + x(i) + "," + y(v); });
    for (let i = b.lo.length - 1; i >= 0; i--) d += "L" + x(i) + "," + y(b.lo[i]);
    s += `<path class="area" data-name="${b.name || ""}" d="${d}Z" fill="${b.color}" fill-opacity="${b.opacity}"/>`;
  }
  let legend = W - R;
  for (const b of (spec.bands || []).filter((b) => b.name).reverse()) {
    legend -= 7 * b.name.length + 24;
    s += `<rect x="${legend}" y="9" width="14" height="10" fill="${b.color}" fill-opacity="${b.opacity}"/><text x="${legend + 18}" y="18" font-size="11">${b.name}</text>`;
  }
  spec.lines.forEach((l) => {
    let d = "";
    l.values.forEach((v, i) => { if (Number.isFinite(v)) d += (d ? "L" : "M") + x(i) + "," + y(v); });
    s += `<path class="series" data-name="${l.name}" d="${d}" fill="none" stroke="${l.color}" stroke-width="${l.dashed ? 1.5 : 2}"${l.dashed ? ' stroke-dasharray="6,4"' : ""}/>`;
  });
  for (const l of spec.lines.slice().reverse()) {
    legend -= 7 * l.name.length + 24;
    s += `<line x1="${legend}" x2="${legend + 14}" y1="14" y2="14" stroke="${l.color}" stroke-width="2"/><text x="${legend + 18}" y="18" font-size="11">${l.name}</text>`;
  }
  for (const m of spec.markers || []) s += `<line x1="${x(m.day)}" x2="${x(m.day)}" y1="${T}" y2="${T + ph}" stroke="${m.color}" stroke-dasharray="3,3"><title>${m.label}</title></line>`;
  svg.innerHTML = s;
}

// The A/B difference of the long-run baseline split into its parts (vendors' security at A's
// market shares, market shares at B's security), laid end to end from zero, each with its 95%
// interval; the total as a dot with its interval.
function drawParts(svg, total, parts) {
  const W = +svg.getAttribute("width"), H = +svg.getAttribute("height");
  const L = 60, R = 15, T = 40, pw = W - L - R;
  let s = `<rect width="${W}" height="${H}" fill="white"/><text x="${L}" y="18" font-size="14" font-weight="bold">Where B − A comes from (95% intervals)</text>`;
  if (!total || !parts) { svg.innerHTML = s + `<text x="${L}" y="${T + 20}" font-size="12">after two pairs</text>`; return; }
  const rows = [{ name: "vendors' security", v: parts.vendors, color: COLORS[0] }, { name: "market shares", v: parts.shares, color: COLORS[1] }];
  const seen = [0, total.low, total.high, total.estimate];
  let end = 0;
  for (const r of rows) { seen.push(end + r.v.low, end + r.v.high, end + r.v.estimate); end += r.v.estimate; }
  let lo = Math.min(...seen), hi = Math.max(...seen);
  const pad = (hi - lo) * 0.05 || 0.01; lo -= pad; hi += pad;
  const x = (v) => (L + ((v - lo) / (hi - lo)) * pw).toFixed(1);
  for (const t of ticks(lo, hi, 6)) s += `<line x1="${x(t)}" x2="${x(t)}" y1="${T}" y2="${H - 30}" stroke="#e5e5e5"/><text x="${x(t)}" y="${H - 16}" font-size="11" text-anchor="middle">${t}</text>`;
  s += `<line x1="${x(0)}" x2="${x(0)}" y1="${T}" y2="${H - 30}" stroke="#333"/>`;
  s += `<text x="${L + pw / 2}" y="${H - 2}" font-size="12" text-anchor="middle">change in the long-run baseline, B − A</text>`;
  end = 0;
  let legend = W - R;
  for (const r of rows) {
    const a = Math.min(end, end + r.v.estimate), b = Math.max(end, end + r.v.estimate);
    s += `<rect class="part" data-name="${r.name}" x="${x(a)}" y="${T + 10}" width="${Math.max(0.5, x(b) - x(a))}" height="18" fill="${r.color}" fill-opacity="0.75"><title>${r.name}: ${r.v.estimate.toFixed(4)} [${r.v.low.toFixed(4)}, ${r.v.high.toFixed(4)}]</title></rect>`;
    s += `<line x1="${x(end + r.v.low)}" x2="${x(end + r.v.high)}" y1="${T + 19}" y2="${T + 19}" stroke="#333" stroke-width="1.5"/>`;
    end += r.v.estimate;
  }
  for (const r of rows.slice().reverse()) {
    legend -= 7 * r.name.length + 24;
    s += `<rect x="${legend}" y="24" width="14" height="10" fill="${r.color}" fill-opacity="0.75"/><text x="${legend + 18}" y="33" font-size="11">${r.name}</text>`;
  }
  s += `<line x1="${x(total.low)}" x2="${x(total.high)}" y1="${T + 44}" y2="${T + 44}" stroke="#000" stroke-width="1.5"/><circle class="total" cx="${x(total.estimate)}" cy="${T + 44}" r="4"><title>total: ${total.estimate.toFixed(4)}</title></circle>`;
  svg.innerHTML = s;
}

function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  const h = (sorted.length - 1) * q, i = Math.floor(h), j = Math.min(i + 1, sorted.length - 1);
  return sorted[i] + (h - i) * (sorted[j] - sorted[i]);
}

function bands(runs, days) {
  const out = { p05: [], p25: [], p50: [], p75: [], p95: [] };
  for (let d = 0; d < days; d++) {
    const col = runs.map((r) => r[d]).filter(Number.isFinite).sort((a, b) => a - b);
    out.p05.push(quantile(col, 0.05)); out.p25.push(quantile(col, 0.25)); out.p50.push(quantile(col, 0.5));
    out.p75.push(quantile(col, 0.75)); out.p95.push(quantile(col, 0.95));
  }
  return out;
}

function render() {
  pending = false;
  const days = state.days;
  const d = state.data;
  const markers = state.events.filter((e) => e.response)
    .map((e) => ({ day: e.day, label: e.kind + ": " + e.detail, color: e.kind === "regulation" ? COLORS[1] : COLORS[3] }));
  if (state.mode === "run") {
    draw($("chart-baseline"), { title: "Security baseline", yLabel: "security (0-1)", days, yRange: [0, 1], markers,
      lines: [{ name: "baseline", values: d.baseline || [], color: COLORS[0] }, { name: "regulation floor", values: d.floor || [], color: COLORS[1], dashed: true }] });
    draw($("chart-adoption"), { title: "Adoption", yLabel: "share using it", days, yRange: [0, 1],
      lines: [{ name: "adoption", values: d.adoption || [], color: COLORS[2] }] });
    const threshold = (d.fear || []).map(() => state.outcryThreshold);
    draw($("chart-fear"), { title: "Public fear and outcry", yLabel: "fear", days,
      lines: [{ name: "fear", values: d.fear || [], color: COLORS[1] }, { name: "outcry", values: d.outcry || [], color: COLORS[3] },
        { name: "outcry threshold", values: threshold, color: COLORS[6], dashed: true }] });
    // Market shares, stacked: each offering's band sits on the ones before it.
    const floor = (d.baseline || []).map(() => 0);
    const stack = state.offerings.map((name, j) => {
      const values = (d.shares && d.shares[j]) || [];
      const lo = floor.slice(0, values.length);
      const hi = values.map((v, i) => lo[i] + v);
      hi.forEach((v, i) => { floor[i] = v; });
      return { name, lo, hi, color: COLORS[j % COLORS.length], opacity: 0.75 };
    });
    draw($("chart-shares"), { title: "Market shares", yLabel: "share of the population", days, yRange: [0, 1], lines: [], bands: stack });
  } else if (state.mode === "ensemble") {
    const b = bands(state.runs.map((r) => r.baseline), days);
    const a = bands(state.runs.map((r) => r.adoption), days);
    draw($("chart-baseline"), { title: `Security baseline across ${state.runs.length} runs`, yLabel: "security (0-1)", days, yRange: [0, 1],
      bands: [{ lo: b.p05, hi: b.p95, color: COLORS[0], opacity: 0.15 }, { lo: b.p25, hi: b.p75, color: COLORS[0], opacity: 0.3 }],
      lines: [{ name: "median", values: b.p50, color: COLORS[0] }] });
    draw($("chart-adoption"), { title: "Adoption across runs", yLabel: "share using it", days, yRange: [0, 1],
      bands: [{ lo: a.p05, hi: a.p95, color: COLORS[2], opacity: 0.15 }, { lo: a.p25, hi: a.p75, color: COLORS[2], opacity: 0.3 }],
      lines: [{ name: "median", values: a.p50, color: COLORS[2] }] });
    $("chart-fear").innerHTML = "";
    $("chart-shares").innerHTML = "";
  } else {
    const A = bands(state.pairs.map((p) => p.a_baseline), days);
    const B = bands(state.pairs.map((p) => p.b_baseline), days);
    draw($("chart-baseline"), { title: `Baseline without (A) and with (B) the lever, ${state.pairs.length} pairs`, yLabel: "security (0-1)", days, yRange: [0, 1],
      bands: [{ lo: A.p25, hi: A.p75, color: COLORS[0], opacity: 0.2 }, { lo: B.p25, hi: B.p75, color: COLORS[1], opacity: 0.2 }],
      lines: [{ name: "A median", values: A.p50, color: COLORS[0] }, { name: "B median", values: B.p50, color: COLORS[1] }] });
    $("chart-adoption").innerHTML = "";
    $("chart-fear").innerHTML = "";
    drawParts($("chart-shares"), state.difference, state.parts);
  }
  fold();
}

// Charts a mode leaves empty take no room.
function fold() {
  for (const svg of document.querySelectorAll("svg.chart")) svg.style.display = svg.innerHTML ? "" : "none";
}

function schedule() { if (!pending) { pending = true; requestAnimationFrame(render); } }

function handle(name, data) {
  if (name === "start") {
    state.days = data.days; state.mode = data.mode; state.outcryThreshold = data.outcry_threshold;
    state.offerings = data.offerings || []; state.startDate = data.start_date || null;
    state.status = "running";
    $("status").textContent = `${data.scenario}: ${data.users} users, ${data.days} days, seed ${data.seed}` + (data.lever ? `; lever: ${data.lever}` : "");
  } else if (name === "days") {
    for (const [k, v] of Object.entries(data)) {
      if (k === "from") continue;
      if (k === "events") { state.events.push(...v); continue; }
      if (k === "shares") {
        state.data.shares = state.data.shares || v.map(() => []);
        v.forEach((values, j) => state.data.shares[j].push(...values));
        continue;
      }
      (state.data[k] = state.data[k] || []).push(...v);
    }
    $("status").textContent = `day ${state.data.baseline.length} of ${state.days}`;
  } else if (name === "run") {
    state.runs.push(data);
    $("status").textContent = `${state.runs.length} runs done`;
  } else if (name === "pair") {
    state.pairs.push(data);
    state.difference = data.difference;
    state.parts = data.parts;
    const d = data.difference;
    $("status").textContent = `${state.pairs.length} pairs done` + (d ? `; long-run baseline B − A: ${d.estimate.toFixed(3)} [${d.low.toFixed(3)}, ${d.high.toFixed(3)}] (95%)` : "");
  } else if (name === "done") {
    state.status = "done";
    $("status").textContent += " — done";
  }
  schedule();
}

function settings() {
  const s = { scenario: $("scenario").value, mode: $("mode").value, set: {} };
  for (const k of ["users", "years", "seed", "runs", "lever_day"]) if ($(k).value !== "") s[k] = Number($(k).value);
  if (s.mode === "run") delete s.runs;
  if ($("lever").value) s.lever = $("lever").value; else delete s.lever_day;
  for (const el of document.querySelectorAll("#sliders input")) s.set[el.name] = Number(el.value);
  return s;
}

function saveToAddress() {
  const q = new URLSearchParams();
  const s = settings();
  for (const [k, v] of Object.entries(s)) if (k !== "set") q.set(k, v);
  for (const [k, v] of Object.entries(s.set)) q.set(k, v);
  history.replaceState(null, "", "?" + q.toString());
}

async function run() {
  if (controller) controller.abort();
  controller = new AbortController();
  Object.assign(state, { status: "starting", data: {}, runs: [], pairs: [], events: [], difference: null, parts: null });
  $("error").textContent = "";
  saveToAddress();
  let response;
  try {
    response = await fetch("/api/run", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(settings()), signal: controller.signal });
  } catch (e) { if (e.name !== "AbortError") $("error").textContent = String(e); return; }
  if (!response.ok) {
    const body = await response.json().catch(() => ({ error: response.statusText }));
    state.status = "error";
    $("error").textContent = (body.field ? body.field + ": " : "") + body.error;
    return;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    let chunk;
    try { chunk = await reader.read(); } catch (e) { return; }
    if (chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
      let name = "message", data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data += line.slice(5).trim();
      }
      if (data) handle(name, JSON.parse(data));
    }
  }
}

function applyPreset(name, overrides) {
  const preset = catalogue.presets.find((p) => p.name === name) || catalogue.presets[0];
  $("scenario").value = preset.name;
  $("description").textContent = preset.description;
  const box = $("sliders");
  box.innerHTML = "";
  for (const sl of catalogue.sliders) {
    const value = overrides.get(sl.key) ?? preset.values[sl.key] ?? sl.low;
    const label = document.createElement("label");
    label.innerHTML = `${sl.label} <span class="value"></span>`;
    const input = document.createElement("input");
    Object.assign(input, { type: "range", name: sl.key, id: "slider-" + sl.key, min: sl.low, max: sl.high, step: sl.step, value });
    const show = () => { label.querySelector(".value").textContent = input.value; };
    input.addEventListener("input", () => { show(); saveToAddress(); });
    show();
    box.append(label, input);
  }
  for (const k of ["users", "years", "seed"]) $(k).value = overrides.get(k) ?? preset.values[k];
}

async function init() {
  catalogue = await (await fetch("/api/presets")).json();
  for (const p of catalogue.presets) $("scenario").add(new Option(p.name, p.name));
  for (const l of catalogue.levers) $("lever").add(new Option(l, l));
  const q = new URLSearchParams(location.search);
  applyPreset(q.get("scenario") || "mcp", q);
  for (const k of ["mode", "runs", "lever", "lever_day"]) if (q.has(k)) $(k).value = q.get(k);
  $("scenario").addEventListener("change", () => { applyPreset($("scenario").value, new Map()); saveToAddress(); });
  for (const k of ["mode", "runs", "lever", "lever_day", "users", "years", "seed"]) $(k).addEventListener("change", saveToAddress);
  $("run").addEventListener("click", run);
  state.status = "ready";
  if (q.get("autorun") === "1") run();
}

init();
