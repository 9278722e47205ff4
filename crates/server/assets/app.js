// esplab explorer: settings in the form and the address bar, runs streamed from POST /api/run
// (server-sent events in the response body), charts drawn as SVG as the data arrives, and the
// agent view: a weekly frame of the simulated users drawn on a canvas, played at most one frame
// per screen refresh, paused and stepped by the user.
"use strict";

const COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
// The agent view's colours: non-adopters, the flash of harm, and what fear darkens towards.
const IDLE = [226, 226, 226], FLASH = [240, 228, 66], DARK = [25, 10, 10];
// Messages read ahead of what is shown; the page stops reading (and so holds the run) beyond.
const QUEUE_MOST = 8;
const state = { status: "idle", mode: "run", days: 0, offerings: [], startDate: null, data: {}, arms: null, runs: [], pairs: [], events: [], difference: null, errors: [] };
// The agent view: the sample shown, each population's canvas and counts, play control, and the
// frames per second measured while playing.
const view = { sample: null, populations: [], paused: false, steps: 0, speed: 1, week: 0, day: 0, drawn: 0, intervals: 0, playMs: 0, lastDraw: 0, fps: null };
state.agents = view;
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
  s += `<text x="14" y="${T + ph / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${T + ph / 2})">${esc(spec.yLabel)}</text>`;
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

// The A/B difference of the long-run baseline split into its parts (mechanical: what the
// interventions B adds write on A's runs with no one responding; the vendors' response; the
// users' flows between offerings), laid end to end from zero, each with its 95% interval; the
// total as a dot with its interval.
function drawParts(svg, total, parts) {
  const W = +svg.getAttribute("width"), H = +svg.getAttribute("height");
  const L = 60, R = 15, T = 40, pw = W - L - R;
  let s = `<rect width="${W}" height="${H}" fill="white"/><text x="${L}" y="18" font-size="14" font-weight="bold">Where B − A comes from (95% intervals)</text>`;
  if (!total || !parts) { svg.innerHTML = s + `<text x="${L}" y="${T + 20}" font-size="12">after two pairs</text>`; return; }
  const rows = [{ name: "mechanical", v: parts.mechanical, color: COLORS[2] }, { name: "vendors' response", v: parts.vendors, color: COLORS[0] }, { name: "users' flows", v: parts.shares, color: COLORS[1] }];
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

// ---- The agent view -------------------------------------------------------------------------

const esc = (text) => String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const RGB = COLORS.map(rgb);
const mix = (a, b, t) => [0, 1, 2].map((i) => a[i] + (b[i] - a[i]) * t);

// The calendar date of day `d` (or "day d" without a start date).
function when(d) {
  return state.startDate ? dateOf(state.startDate, d).toISOString().slice(0, 10) : "day " + d;
}

// Cell (x, y) of position `d` along the Hilbert curve filling a `side` × `side` square: cells
// next on the curve are next to each other on the square.
function hilbert(side, d) {
  let x = 0, y = 0, t = d;
  for (let s = 1; s < side; s *= 2) {
    const rx = 1 & (t >> 1), ry = 1 & (t ^ rx);
    if (ry === 0) {
      if (rx === 1) { x = s - 1 - x; y = s - 1 - y; }
      [x, y] = [y, x];
    }
    x += s * rx; y += s * ry; t >>= 2;
  }
  return [x, y];
}

// Each shown user's cell: along the Hilbert curve when consecutive users are ring neighbours,
// row by row otherwise.
function positions(sample) {
  const out = new Int32Array(2 * sample.count);
  for (let k = 0; k < sample.count; k++) {
    const [x, y] = sample.ring ? hilbert(sample.side, k) : [k % sample.side, Math.floor(k / sample.side)];
    out[2 * k] = x; out[2 * k + 1] = y;
  }
  return out;
}

function decode(base64) {
  const text = atob(base64), bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

// FNV-1a of a frame's bytes: equal frames have equal checksums (A and B before the lever).
function checksum(bytes) {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h;
}

// One canvas per population (two in A/B mode) for the run about to stream.
function setUpPopulations(start) {
  const box = $("populations");
  box.innerHTML = "";
  Object.assign(view, { sample: start.agents || null, populations: [], week: 0, day: 0, drawn: 0, intervals: 0, playMs: 0, lastDraw: 0, fps: null });
  $("agents-view").hidden = !view.sample;
  $("fps").textContent = "";
  $("clock").textContent = "";
  if (!view.sample) return;
  const sample = view.sample;
  const names = start.mode === "ab" ? ["A: without the lever", "B: " + (start.lever || "with the lever")] : [start.scenario];
  const cell = Math.max(1, Math.floor((names.length > 1 ? 384 : 512) / sample.side));
  const px = cell * sample.side;
  Object.assign(view, { cell, positions: positions(sample) });
  names.forEach((name, i) => {
    const el = document.createElement("div");
    el.className = "population";
    el.id = "population-" + "ab"[i];
    el.style.width = px + "px";
    el.innerHTML = `<h2>${esc(name)}</h2><canvas width="${px}" height="${px}"></canvas><div class="gauges"></div><ol class="ticker" reversed></ol>`;
    box.append(el);
    const ctx = el.querySelector("canvas").getContext("2d");
    ctx.fillStyle = "white";
    ctx.fillRect(0, 0, px, px);
    view.populations.push({ name, el, ctx, image: ctx.getImageData(0, 0, px, px), flash: new Uint8Array(sample.count), counts: null, checksums: [], ticker: [] });
  });
  $("sample").textContent = `Dots: ${sample.text}.`;
  let legend = state.offerings.map((n, j) => `<span><i style="background:${COLORS[j % COLORS.length]}"></i>${esc(n)}</span>`).join("");
  legend += `<span><i style="background:rgb(${IDLE})"></i>not adopting</span>`;
  legend += `<span><i style="background:linear-gradient(90deg,#999,rgb(${DARK}))"></i>darker: more personal fear</span>`;
  legend += `<span><i style="background:rgb(${FLASH})"></i>harmed by an incident this week (fades over three frames)</span>`;
  $("legend").innerHTML = legend;
}

// Paints a frame (two bytes per shown user: offering or 255, fear level + 128 if harmed) and
// counts what it shows.
function paint(population, bytes) {
  const sample = view.sample, cell = view.cell, width = population.image.width, px = population.image.data;
  const dot = cell >= 3 ? cell - 1 : cell;
  const counts = { offerings: state.offerings.map(() => 0), idle: 0, harmed: 0, fear: 0 };
  for (let k = 0; k < sample.count; k++) {
    const offering = bytes[2 * k], f = bytes[2 * k + 1], level = (f & 127) / 127;
    if (f >= 128) { population.flash[k] = 3; counts.harmed++; }
    if (offering === 255) counts.idle++; else counts.offerings[offering] = (counts.offerings[offering] || 0) + 1;
    counts.fear += level;
    let c = mix(offering === 255 ? IDLE : RGB[offering % RGB.length], DARK, 0.8 * level);
    if (population.flash[k]) { c = mix(c, FLASH, population.flash[k] / 3); population.flash[k]--; }
    const x0 = view.positions[2 * k] * cell, y0 = view.positions[2 * k + 1] * cell;
    for (let y = y0; y < y0 + dot; y++) {
      for (let x = x0; x < x0 + dot; x++) {
        const i = 4 * (y * width + x);
        px[i] = c[0]; px[i + 1] = c[1]; px[i + 2] = c[2]; px[i + 3] = 255;
      }
    }
  }
  population.ctx.putImageData(population.image, 0, 0);
  counts.fear /= sample.count;
  population.counts = counts;
  population.checksums.push(checksum(bytes));
}

// Each offering's security as a gauge (with the regulation floor) and its share of users.
function gauges(population, data) {
  const last = (values) => values[values.length - 1];
  const floor = last(data.floor);
  population.el.querySelector(".gauges").innerHTML = state.offerings.map((name, j) => {
    const security = last(data.security[j]), share = last(data.shares[j]);
    const mark = floor > 0 ? `<div class="floor" style="left:${100 * floor}%" title="regulation floor ${floor}"></div>` : "";
    const what = measure.startsWith("share of ") ? "share meeting the control" : "security";
    return `<div class="gauge" data-name="${esc(name)}" data-security="${security}" title="${esc(measure)}">${esc(name)}: ${what} <b>${security.toFixed(2)}</b>, ${(100 * share).toFixed(1)}% of users` +
      `<div class="bar"><div class="fill" style="width:${100 * security}%;background:${COLORS[j % COLORS.length]}"></div>${mark}</div></div>`;
  }).join("");
}

// The latest news, raises, outcries and regulations, newest first.
function tick(population, events) {
  for (const e of events) {
    const offering = e.offering != null && state.offerings[e.offering] ? " at " + state.offerings[e.offering] : "";
    population.ticker.unshift(`<li class="${e.response ? "response" : ""}">${when(e.day)}, ${esc(e.kind.replace(/_/g, " "))}${esc(offering)}: ${esc(e.detail)}</li>`);
  }
  population.ticker.length = Math.min(population.ticker.length, 6);
  population.el.querySelector(".ticker").innerHTML = population.ticker.join("");
}

// Shows a week: each population's frame, gauges and news.
function showFrames(batches) {
  batches.forEach((data, i) => {
    const population = view.populations[i];
    if (!population) return;
    paint(population, decode(data.frame));
    gauges(population, data);
    tick(population, data.events);
  });
  const data = batches[0];
  view.week++;
  view.day = data.from + data.baseline.length;
  $("clock").textContent = `${when(view.day - 1)} (week ${view.week})`;
}

// ---- Playing the stream ---------------------------------------------------------------------

const queue = [];
state.queue = queue;
let wake = null, playing = false;

const isFrame = (name, data) => name === "days" && Boolean(data.frame || data.a);

function enqueue(name, data) { queue.push([name, data]); wantPlay(); }

function wantPlay() { if (!playing) { playing = true; requestAnimationFrame(play); } }

// Once per screen refresh: handles the queued messages up to `speed` weeks of frames (the steps
// asked for while paused), then lets the reader read on if the queue has room.
function play() {
  playing = false;
  const budget = view.paused ? view.steps : view.speed;
  let shown = 0;
  while (queue.length) {
    const [name, data] = queue[0];
    if (isFrame(name, data)) {
      if (shown >= budget) break;
      shown++;
    }
    queue.shift();
    handle(name, data);
  }
  if (view.paused) view.steps -= shown;
  if (shown) drew();
  if (wake && queue.length < QUEUE_MOST) { const w = wake; wake = null; w(); }
  if (queue.length && (!view.paused || view.steps > 0)) wantPlay();
}

// Frames per second while playing (pauses and gaps over a second left out).
function drew() {
  const now = performance.now();
  if (view.lastDraw && !view.paused && now - view.lastDraw < 1000) { view.playMs += now - view.lastDraw; view.intervals++; }
  view.lastDraw = now;
  view.drawn++;
  if (view.intervals >= 10) view.fps = (1000 * view.intervals) / view.playMs;
  $("fps").textContent = view.fps ? `${view.fps.toFixed(0)} frames/s` : "";
}

function setPaused(paused) {
  view.paused = paused;
  view.lastDraw = 0;
  $("pause").textContent = paused ? "Resume" : "Pause";
  if (!paused) wantPlay();
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
    draw($("chart-baseline"), { title: "Security baseline", yLabel: measure, days, yRange: [0, 1], markers,
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
    draw($("chart-baseline"), { title: `Security baseline across ${state.runs.length} runs`, yLabel: measure, days, yRange: [0, 1],
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
    if (state.arms && !state.pairs.length) {
      // Pair 1 streams week by week before any pair is done: its two baselines.
      draw($("chart-baseline"), { title: "Baseline of pair 1 without (A) and with (B) the lever", yLabel: measure, days, yRange: [0, 1], markers,
        lines: [{ name: "A", values: state.arms.a.baseline, color: COLORS[0] }, { name: "B", values: state.arms.b.baseline, color: COLORS[1] }] });
    } else draw($("chart-baseline"), { title: `Baseline without (A) and with (B) the lever, ${state.pairs.length} pairs`, yLabel: measure, days, yRange: [0, 1],
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

// Charts are drawn once per screen refresh, and at once when the stream is done (so "done"
// means drawn).
function schedule() { if (!pending) { pending = true; requestAnimationFrame(() => { if (pending) render(); }); } }

// Appends a `days` message's series to `target` (per-offering series as one array each).
function absorb(target, data) {
  for (const [k, v] of Object.entries(data)) {
    if (k === "from" || k === "events" || k === "frame") continue;
    if (k === "shares" || k === "security") {
      target[k] = target[k] || v.map(() => []);
      v.forEach((values, j) => target[k][j].push(...values));
      continue;
    }
    (target[k] = target[k] || []).push(...v);
  }
}

function handle(name, data) {
  if (name === "start") {
    state.days = data.days; state.mode = data.mode; state.outcryThreshold = data.outcry_threshold;
    state.offerings = data.offerings || []; state.startDate = data.start_date || null;
    state.pairCount = data.runs;
    state.status = "running";
    setUpPopulations(data);
    $("status").textContent = `${data.scenario}: ${data.users} users, ${data.days} days, seed ${data.seed}` + (data.lever ? `; lever: ${data.lever}` : "");
  } else if (name === "days") {
    if (data.a) {
      state.arms = state.arms || { a: {}, b: {} };
      absorb(state.arms.a, data.a); absorb(state.arms.b, data.b);
      state.events.push(...data.b.events);
      showFrames([data.a, data.b]);
      $("status").textContent = `pair 1 of ${state.pairCount}: day ${state.arms.a.baseline.length} of ${state.days}`;
    } else {
      absorb(state.data, data);
      state.events.push(...data.events);
      if (data.frame) showFrames([data]);
      $("status").textContent = `day ${state.data.baseline.length} of ${state.days}`;
    }
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
    render();
  }
  schedule();
}

function settings() {
  const s = { scenario: $("scenario").value, mode: $("mode").value, set: {} };
  if ($("agents").checked && s.mode !== "ensemble") s.agents = true;
  for (const k of ["users", "years", "seed", "runs", "lever_day"]) if ($(k).value !== "") s[k] = Number($(k).value);
  if (s.mode === "run") delete s.runs;
  if ($("lever").value) s.lever = $("lever").value; else delete s.lever_day;
  // Only the sliders a user moved (or the address set): a slider's grid must not round a
  // preset's own value (4.2 shown on a grid of 0.25 would run as 4.25). A hidden slider is one
  // the chosen vendors do not read: it is never sent.
  if ($("strategy").value !== presetStrategy) s.set["vendors.strategy"] = $("strategy").value;
  for (const el of document.querySelectorAll("#sliders input")) if (el.dataset.moved && !el.hidden) s.set[el.name] = Number(el.value);
  return s;
}

function saveToAddress() {
  const q = new URLSearchParams();
  const s = settings();
  for (const [k, v] of Object.entries(s)) if (k !== "set" && k !== "agents") q.set(k, v);
  q.set("agents", $("agents").checked);
  for (const [k, v] of Object.entries(s.set)) q.set(k, v);
  history.replaceState(null, "", "?" + q.toString());
}

let current = 0;

async function run() {
  if (controller) controller.abort();
  controller = new AbortController();
  const me = ++current;
  view.steps = 0;
  queue.length = 0;
  if (wake) { const w = wake; wake = null; w(); }
  Object.assign(state, { status: "starting", data: {}, arms: null, runs: [], pairs: [], events: [], difference: null, parts: null });
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
      if (data && me === current) enqueue(name, JSON.parse(data));
    }
    // Read on once the page has shown enough of what it read: a paused page stops reading.
    while (queue.length >= QUEUE_MOST && me === current) await new Promise((resolve) => { wake = resolve; });
    if (me !== current) return;
  }
}

// What the charts' security axis says: the share of the preset's control, when it names one.
let measure = "security (0-1)";

// The preset's own vendor strategy: the strategy picker sends only a change of it.
let presetStrategy = "";

// Shows the sliders the chosen vendors read, and hides the others (the registry's readers: a
// reactive rule's tolerance means nothing to economic vendors).
function applyStrategy() {
  const preset = catalogue.presets.find((p) => p.name === $("scenario").value) || catalogue.presets[0];
  const unread = new Set((preset.unread || {})[$("strategy").value] || []);
  for (const input of document.querySelectorAll("#sliders input")) {
    const hidden = unread.has(input.name);
    input.hidden = hidden;
    // The page's CSS gives labels a display of their own, which the hidden attribute loses to.
    for (const el of [input, input.labels[0]]) el.style.display = hidden ? "none" : "";
  }
}

function applyPreset(name, overrides) {
  const preset = catalogue.presets.find((p) => p.name === name) || catalogue.presets[0];
  presetStrategy = preset.strategy;
  $("strategy").value = overrides.get("vendors.strategy") ?? preset.strategy;
  $("scenario").value = preset.name;
  // What security means in this scenario: the share of deployments meeting its control.
  measure = preset.control ? `share of ${preset.control}` : "security (0-1)";
  $("description").textContent = preset.description.replace(/\.$/, "") + (preset.control
    ? `. Security is the share of ${preset.control}.`
    : ". Security is a share of deployments meeting a control this scenario does not name.");
  const box = $("sliders");
  box.innerHTML = "";
  for (const sl of catalogue.sliders) {
    const value = overrides.get(sl.key) ?? preset.values[sl.key] ?? sl.low;
    const label = document.createElement("label");
    label.innerHTML = `${sl.label} <span class="value"></span>`;
    label.htmlFor = "slider-" + sl.key;
    label.title = `${sl.key}; read by ${sl.read_by}`;
    const input = document.createElement("input");
    Object.assign(input, { type: "range", name: sl.key, id: "slider-" + sl.key, min: sl.low, max: sl.high, step: sl.step, value });
    // Until moved, a slider shows and keeps the preset's exact value, whatever its grid.
    input.dataset.moved = overrides.has(sl.key) ? "1" : "";
    const show = () => { label.querySelector(".value").textContent = input.dataset.moved ? input.value : String(value); };
    input.addEventListener("input", () => { input.dataset.moved = "1"; show(); saveToAddress(); });
    show();
    box.append(label, input);
  }
  for (const k of ["users", "years", "seed"]) $(k).value = overrides.get(k) ?? preset.values[k];
  applyStrategy();
}

async function init() {
  catalogue = await (await fetch("/api/presets")).json();
  for (const p of catalogue.presets) $("scenario").add(new Option(p.name, p.name));
  for (const l of catalogue.levers) $("lever").add(new Option(l, l));
  for (const name of catalogue.strategies) $("strategy").add(new Option(name === "random" ? "random raises (a null model)" : name === "economic" ? "economic reviews" : "the reactive rule", name));
  $("strategy").addEventListener("change", () => { applyStrategy(); saveToAddress(); });
  const q = new URLSearchParams(location.search);
  applyPreset(q.get("scenario") || "mcp", q);
  for (const k of ["mode", "runs", "lever", "lever_day"]) if (q.has(k)) $(k).value = q.get(k);
  if (q.has("agents")) $("agents").checked = q.get("agents") !== "false";
  $("agents").addEventListener("change", saveToAddress);
  $("pause").addEventListener("click", () => setPaused(!view.paused));
  $("step").addEventListener("click", () => { if (!view.paused) setPaused(true); view.steps++; wantPlay(); });
  $("speed").addEventListener("change", () => { view.speed = Number($("speed").value); });
  $("scenario").addEventListener("change", () => { applyPreset($("scenario").value, new Map()); saveToAddress(); });
  for (const k of ["mode", "runs", "lever", "lever_day", "users", "years", "seed"]) $(k).addEventListener("change", saveToAddress);
  $("run").addEventListener("click", run);
  state.status = "ready";
  if (q.get("autorun") === "1") run();
}

init();
