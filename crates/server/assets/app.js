// esplab explorer: settings in the form and the address bar, runs streamed from POST /api/run
// (server-sent events in the response body), charts drawn as SVG as the data arrives.
"use strict";

const COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
const state = { status: "idle", mode: "run", days: 0, data: {}, runs: [], pairs: [], events: [], difference: null, errors: [] };
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

// Draws lines [{name, values, color, dashed}] and bands [{lo, hi, color, opacity}] over days.
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
  for (const t of ticks(0, days, 8)) s += `<text x="${x(t)}" y="${H - B + 16}" font-size="11" text-anchor="middle">${t}</text>`;
  s += `<line x1="${L}" y1="${T + ph}" x2="${W - R}" y2="${T + ph}" stroke="#333"/><line x1="${L}" y1="${T}" x2="${L}" y2="${T + ph}" stroke="#333"/>`;
  s += `<text x="${L + pw / 2}" y="${H - 4}" font-size="12" text-anchor="middle">day</text>`;
  s += `<text x="14" y="${T + ph / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${T + ph / 2})">${spec.yLabel}</text>`;
  for (const b of spec.bands || []) {
    if (!b.lo.length) continue;
    let d = "";
    b.hi.forEach((v, i) => { d += (i ? "L" : "M") + x(i) + "," + y(v); });
    for (let i = b.lo.length - 1; i >= 0; i--) d += "L" + x(i) + "," + y(b.lo[i]);
    s += `<path d="${d}Z" fill="${b.color}" fill-opacity="${b.opacity}"/>`;
  }
  let legend = W - R;
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
  } else {
    const A = bands(state.pairs.map((p) => p.a_baseline), days);
    const B = bands(state.pairs.map((p) => p.b_baseline), days);
    draw($("chart-baseline"), { title: `Baseline without (A) and with (B) the lever, ${state.pairs.length} pairs`, yLabel: "security (0-1)", days, yRange: [0, 1],
      bands: [{ lo: A.p25, hi: A.p75, color: COLORS[0], opacity: 0.2 }, { lo: B.p25, hi: B.p75, color: COLORS[1], opacity: 0.2 }],
      lines: [{ name: "A median", values: A.p50, color: COLORS[0] }, { name: "B median", values: B.p50, color: COLORS[1] }] });
    $("chart-adoption").innerHTML = "";
    $("chart-fear").innerHTML = "";
  }
}

function schedule() { if (!pending) { pending = true; requestAnimationFrame(render); } }

function handle(name, data) {
  if (name === "start") {
    state.days = data.days; state.mode = data.mode; state.outcryThreshold = data.outcry_threshold;
    state.status = "running";
    $("status").textContent = `${data.scenario}: ${data.users} users, ${data.days} days, seed ${data.seed}` + (data.lever ? `; lever: ${data.lever}` : "");
  } else if (name === "days") {
    for (const [k, v] of Object.entries(data)) {
      if (k === "from") continue;
      if (k === "events") { state.events.push(...v); continue; }
      (state.data[k] = state.data[k] || []).push(...v);
    }
    $("status").textContent = `day ${state.data.baseline.length} of ${state.days}`;
  } else if (name === "run") {
    state.runs.push(data);
    $("status").textContent = `${state.runs.length} runs done`;
  } else if (name === "pair") {
    state.pairs.push(data);
    state.difference = data.difference;
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
  Object.assign(state, { status: "starting", data: {}, runs: [], pairs: [], events: [], difference: null });
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
