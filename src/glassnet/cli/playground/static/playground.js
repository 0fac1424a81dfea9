// glassnet playground: the page. Every number comes from the server (the glassnet engine);
// this file only sends what the student set and draws what comes back. User strings are
// shown with textContent only, never as HTML.
"use strict";

const COLORS = ["#e8710a", "#1a73e8", "#188038", "#c5221f", "#9334e6",
                "#795548", "#e52592", "#5f6368", "#a8a000", "#12b5cb"];
const $ = (id) => document.getElementById(id);
let session = null;
let state = null;
let lastVersion = -1;
let selectedPoint = 0;
let selectedUnit = null;
let cursor = null;  // keyboard cursor on the plot, in data coordinates
let edgeLines = [];  // [x0, y0, x1, y1, layer, source, unit] drawn on #edges

function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function say(text) { $("message").textContent = text || ""; }

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify(Object.assign({session}, body)),
  };
  const response = await fetch(path, Object.assign({credentials: "same-origin"}, options));
  const answer = await response.json();
  if (!response.ok) { say(answer.error || `error ${response.status}`); throw new Error(answer.error); }
  say("");
  return answer;
}

async function act(action, body) {
  try {
    const answer = await api(`/api/${action}`, body || {});
    if (answer && answer.version !== undefined) render(answer);
    return answer;
  } catch (error) { return null; }
}

// -- reading the controls -----------------------------------------------------------

function num(id) {
  const input = $(id);
  const value = input.value.trim() === "" ? NaN : Number(input.value);
  input.setAttribute("aria-invalid", Number.isFinite(value) ? "false" : "true");
  return value;
}

function dataBody() {
  return {preset: $("dataset").value, n_samples: Math.round(num("n-samples")),
          noise: num("noise"), seed: Math.round(num("data-seed")),
          classes: Math.round(num("classes"))};
}

function perceptronBody() {
  return {w1: num("w1"), w2: num("w2"), w_bias: num("w-bias"), learning_rate: num("learning-rate")};
}

function networkBody() {
  const units = $("layers").value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  return {
    // "4,4" or with an activation per layer: "8:relu,4:tanh"
    layers: units.map((u) => {
      const [count, activation] = u.split(":").map((part) => part.trim());
      return {units: Number(count), activation: activation || $("activation").value};
    }),
    output: $("output").value, optimizer: $("optimizer").value,
    learning_rate: num("learning-rate"), batch_size: Math.round(num("batch-size")),
    epochs: Math.round(num("epochs")), dropout: num("dropout"), l2: num("l2"),
    seed: Math.round(num("seed")),
  };
}

function allFinite(body) {
  return Object.values(body).every((v) => typeof v !== "number" || Number.isFinite(v));
}

async function sendPerceptron() {
  const body = perceptronBody();
  if (allFinite(body)) await act("perceptron", body);
}

async function sendNetwork() {
  const body = networkBody();
  if (allFinite(body)) await act("network", body);
}

async function loadData() {
  await act("load", dataBody());
  if ($("mode").value === "network") await sendNetwork();
  saveHash();
}

let csvText = null;

async function loadCsv(columns) {
  const body = {csv: csvText};
  if (columns) body.columns = columns;
  if (await act("load", body)) {
    $("csv-columns").hidden = true;
    if ($("mode").value === "network") await sendNetwork();
  }
}

// -- drawing --------------------------------------------------------------------------

function toPixel(canvas, b, x1, x2) {
  return [(x1 - b[0]) / (b[1] - b[0]) * canvas.width, (b[3] - x2) / (b[3] - b[2]) * canvas.height];
}

function toData(canvas, px, py) {
  const b = state.bounds;
  return [b[0] + px / canvas.width * (b[1] - b[0]), b[3] - py / canvas.height * (b[3] - b[2])];
}

function heat(canvas, size, colorOf) {
  const context = canvas.getContext("2d");
  const image = context.createImageData(size, size);
  for (let k = 0; k < size * size; k++) {
    const c = colorOf(k);
    image.data.set([c[0], c[1], c[2], 255], 4 * k);
  }
  const off = document.createElement("canvas");
  off.width = size; off.height = size;
  off.getContext("2d").putImageData(image, 0, 0);
  context.imageSmoothingEnabled = true;
  context.drawImage(off, 0, 0, canvas.width, canvas.height);
}

function mix(color, amount) {  // towards white: amount 0 white, 1 full colour
  return color.map((c) => Math.round(255 - (255 - c) * amount));
}

function drawPlot() {
  const canvas = $("canvas");
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  const b = state.bounds;
  if (state.regions) {
    heat(canvas, state.grid_size, (k) => {
      const confidence = state.confidence ? state.confidence[k] : 1;
      return mix(rgb(COLORS[state.regions[k] % 10]), 0.12 + 0.33 * confidence);
    });
  }
  if (state.mode === "perceptron" && state.perceptron) {
    const p = state.perceptron;  // the decision line w1*x1 + w2*x2 + w_bias = 0
    context.strokeStyle = "#c62828"; context.lineWidth = 2;
    context.beginPath();
    if (Math.abs(p.w2) > 1e-12) {
      const at = (x1) => -(p.w1 * x1 + p.w_bias) / p.w2;
      context.moveTo(...toPixel(canvas, b, b[0], at(b[0])));
      context.lineTo(...toPixel(canvas, b, b[1], at(b[1])));
    } else if (Math.abs(p.w1) > 1e-12) {
      const x1 = -p.w_bias / p.w1;
      context.moveTo(...toPixel(canvas, b, x1, b[2]));
      context.lineTo(...toPixel(canvas, b, x1, b[3]));
    }
    context.stroke();
  }
  const test = new Set(state.parts[2]);
  const train = new Set(state.parts[0]);
  state.data.x.forEach((point, i) => {
    const [px, py] = toPixel(canvas, b, point[0], point[1]);
    context.beginPath();
    context.arc(px, py, 5, 0, 2 * Math.PI);
    context.fillStyle = COLORS[state.data.y[i] % 10];
    context.fill();
    context.lineWidth = i === selectedPoint ? 3 : 1;
    context.strokeStyle = i === selectedPoint ? "#000" : (test.has(i) && !train.has(i) ? "#000" : "#fff");
    context.stroke();
    if (state.predicted && state.predicted[i] !== state.data.y[i]) {  // misclassified: a cross
      context.strokeStyle = "#b00020"; context.lineWidth = 2;
      context.beginPath();
      context.moveTo(px - 8, py - 8); context.lineTo(px + 8, py + 8);
      context.moveTo(px + 8, py - 8); context.lineTo(px - 8, py + 8);
      context.stroke();
    }
  });
  if (cursor) {
    const [px, py] = toPixel(canvas, b, cursor[0], cursor[1]);
    context.strokeStyle = "#000"; context.lineWidth = 1;
    context.strokeRect(px - 7, py - 7, 14, 14);
  }
}

function drawCurve(canvas, series, baseline, top) {
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  const values = series.flatMap((s) => s.values);
  const high = top !== undefined ? top : Math.max(1e-9, ...values);
  const n = Math.max(2, ...series.map((s) => s.values.length));
  const y = (v) => canvas.height - 6 - (v / high) * (canvas.height - 16);
  if (baseline !== undefined && baseline !== null) {
    context.strokeStyle = "#999"; context.setLineDash([2, 2]);
    context.beginPath(); context.moveTo(0, y(baseline)); context.lineTo(canvas.width, y(baseline)); context.stroke();
  }
  for (const s of series) {
    context.strokeStyle = s.color; context.lineWidth = 2; context.setLineDash(s.dash || []);
    context.beginPath();
    s.values.forEach((v, i) => {
      const px = (i / (n - 1)) * (canvas.width - 4) + 2;
      if (i === 0) context.moveTo(px, y(v)); else context.lineTo(px, y(v));
    });
    context.stroke();
  }
  context.setLineDash([]);
  context.fillStyle = "#333"; context.font = "11px sans-serif";
  context.fillText(canvas.getAttribute("aria-label"), 6, 12);
}

function drawCurves() {
  const h = state.history;
  if (state.mode === "perceptron") {
    drawCurve($("loss-curve"), [{values: h.errors || [], color: "#c62828"}]);
    drawCurve($("accuracy-curve"), [], state.baseline, 1);
    return;
  }
  drawCurve($("loss-curve"), [{values: h.loss || [], color: "#1a73e8"},
                              {values: h.test_loss || [], color: "#e8710a", dash: [5, 3]}]);
  drawCurve($("accuracy-curve"), [{values: h.accuracy || [], color: "#1a73e8"},
                                  {values: h.test_accuracy || [], color: "#e8710a", dash: [5, 3]}],
            state.baseline, 1);
}

// The network: input nodes, a column of unit heat maps per hidden layer, output nodes;
// edges drawn beneath, blue positive, orange negative, width by magnitude.
function drawNetwork() {
  const columns = $("columns");
  const shape = state.mode === "network"
    ? [2, ...state.network.layers.map((l) => l.units), state.weights[state.weights.length - 1][0].length]
    : [];
  const key = JSON.stringify(shape);
  if (columns.dataset.shape !== key) {
    columns.replaceChildren();
    shape.forEach((count, layer) => {
      const column = document.createElement("div");
      column.className = "column";
      const label = document.createElement("span");
      label.className = "label";
      label.textContent = layer === 0 ? "inputs" : (layer === shape.length - 1 ? "output" : `layer ${layer}`);
      column.appendChild(label);
      for (let j = 1; j <= count; j++) {
        let node;
        if (layer === 0 || layer === shape.length - 1) {
          node = document.createElement("div");
          node.className = "node";
          node.textContent = layer === 0 ? `x${j}` : `ŷ${j}`;
          if (layer === shape.length - 1) addUnitEvents(node, layer, j);
        } else {
          node = document.createElement("canvas");
          node.className = "unit";
          node.width = 44; node.height = 44;
          node.tabIndex = 0;
          node.dataset.testid = `unit-${layer}-${j}`;
          node.setAttribute("data-testid", `unit-${layer}-${j}`);
          node.setAttribute("aria-label", `unit ${j} of layer ${layer}: press Enter for its formula`);
          addUnitEvents(node, layer, j);
        }
        node.dataset.layer = layer; node.dataset.unit = j;
        column.appendChild(node);
      }
      columns.appendChild(column);
    });
    columns.dataset.shape = key;
  }
  (state.units || []).forEach((layerMaps, l) => layerMaps.forEach((values, j) => {
    const canvas = columns.querySelector(`[data-testid="unit-${l + 1}-${j + 1}"]`);
    if (!canvas) return;
    const scale = Math.max(1e-9, ...values.map(Math.abs));
    heat(canvas, state.unit_grid_size, (k) => mix(rgb(values[k] >= 0 ? "#1a73e8" : "#e8710a"),
                                                  Math.abs(values[k]) / scale * 0.9));
  }));
  drawEdges(shape);
}

function drawEdges(shape) {
  const view = $("network-view");
  const canvas = $("edges");
  canvas.width = view.clientWidth; canvas.height = view.clientHeight;
  const context = canvas.getContext("2d");
  context.clearRect(0, 0, canvas.width, canvas.height);
  edgeLines = [];
  if (!shape.length) return;
  const origin = view.getBoundingClientRect();
  const centre = (layer, j) => {
    const node = $("columns").querySelector(`[data-layer="${layer}"][data-unit="${j}"]`);
    const r = node.getBoundingClientRect();
    return [r.left - origin.left + r.width / 2, r.top - origin.top + r.height / 2, r.width / 2];
  };
  let largest = 1e-9;
  state.weights.forEach((w) => w.forEach((row) => row.forEach((v) => { largest = Math.max(largest, Math.abs(v)); })));
  state.weights.forEach((kernel, l) => kernel.forEach((row, i) => row.forEach((v, j) => {
    const [x0, y0, r0] = centre(l, i + 1);
    const [x1, y1, r1] = centre(l + 1, j + 1);
    context.strokeStyle = v >= 0 ? "#1a73e8" : "#e8710a";
    context.lineWidth = 0.5 + 4 * Math.abs(v) / largest;
    context.beginPath(); context.moveTo(x0 + r0, y0); context.lineTo(x1 - r1, y1); context.stroke();
    edgeLines.push([x0 + r0, y0, x1 - r1, y1, l + 1, i + 1, j + 1]);
  })));
}

function renderClasses() {
  const list = $("classes-list");
  list.replaceChildren();
  const picker = $("class-picker");
  const picked = picker.value;
  picker.replaceChildren();
  const names = state.data.names.slice();
  while (names.length < 10) names.push(String(names.length));
  names.forEach((name, k) => {
    if (k < state.data.names.length) {
      const item = document.createElement("li");
      item.className = `c${k}`;
      item.textContent = name;  // user data: text only
      list.appendChild(item);
    }
    const option = document.createElement("option");
    option.value = String(k);
    option.textContent = `${k}: ${name}`;
    picker.appendChild(option);
  });
  picker.value = picked || "0";
}

function setIfIdle(id, value) {
  const input = $(id);
  if (document.activeElement !== input && Number(input.value) !== value) input.value = String(value);
}

function render(next) {
  if (next.version < lastVersion) return;
  lastVersion = next.version;
  state = next;
  const network = state.mode === "network";
  $("mode").value = state.mode;
  $("perceptron-panel").hidden = network;
  $("network-panel").hidden = !network;
  $("download-model").hidden = !network;
  $("accuracy").textContent = state.accuracy === null ? "-" : state.accuracy.toFixed(3);
  $("accuracy-count").textContent = state.accuracy === null ? "" : `(${state.correct}/${state.total})`;
  $("scope").textContent = state.scope;
  $("baseline").textContent = state.baseline.toFixed(3);
  $("epoch").textContent = String(state.epoch);
  $("point-count").textContent = String(state.data.y.length);
  $("train").textContent = state.running ? "Pause" : "Train";
  $("train").setAttribute("aria-pressed", state.running ? "true" : "false");
  if (!network && state.perceptron) {
    const p = state.perceptron;
    for (const [id, value] of [["w1", p.w1], ["w2", p.w2], ["w-bias", p.w_bias]]) {
      setIfIdle(id, value);
      setIfIdle(`${id}-slider`, value);
    }
    $("equation").textContent = `${p.equation} (class 1 where z > 0)`;
  }
  if (selectedPoint >= state.data.y.length) selectedPoint = 0;
  renderClasses();
  const updates = $("updates");
  updates.replaceChildren();
  for (const line of (state.perceptron ? state.perceptron.updates : [])) {
    const item = document.createElement("li"); item.textContent = line; updates.appendChild(item);
  }
  const findings = $("findings");
  findings.replaceChildren();
  for (const f of state.findings) {
    const item = document.createElement("li");
    item.className = f.severity; item.textContent = `${f.name}: ${f.summary}`;
    findings.appendChild(item);
  }
  drawPlot();
  drawCurves();
  drawNetwork();
}

// -- explanations ---------------------------------------------------------------------

async function explain(body) {
  try {
    const answer = await api("/api/explain", Object.assign({point: selectedPoint}, body));
    $("formula").textContent = answer.lines.join("\n");
  } catch (error) { /* the message says why */ }
}

function addUnitEvents(node, layer, unit) {
  const show = () => {
    if (selectedUnit) selectedUnit.classList.remove("selected");
    selectedUnit = node; node.classList.add("selected");
    explain({kind: "unit", layer, unit});
  };
  node.addEventListener("mouseenter", show);
  node.addEventListener("click", show);
  node.addEventListener("focus", show);
  node.addEventListener("keydown", (event) => { if (event.key === "Enter") show(); });
}

function nearestPoint(x1, x2) {
  let best = 0, distance = Infinity;
  const b = state.bounds;
  state.data.x.forEach((p, i) => {
    const d = ((p[0] - x1) / (b[1] - b[0])) ** 2 + ((p[1] - x2) / (b[3] - b[2])) ** 2;
    if (d < distance) { distance = d; best = i; }
  });
  return best;
}

function selectPoint(index) {
  selectedPoint = index;
  drawPlot();
  explain(state.mode === "network" ? {kind: "unit", layer: 1, unit: 1} : {});
}

// -- the URL holds the setup, so a teacher can send a link ------------------------------

const HASHED = ["dataset", "n-samples", "noise", "data-seed", "classes", "split", "mode", "w1", "w2",
                "w-bias", "learning-rate", "layers", "activation", "output", "optimizer",
                "batch-size", "epochs", "dropout", "l2", "seed"];

function saveHash() {
  const params = new URLSearchParams();
  for (const id of HASHED) params.set(id, $(id).value);
  history.replaceState(null, "", `#${params.toString()}`);
}

function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  for (const id of HASHED) {
    if (!params.has(id)) continue;
    const input = $(id);
    const value = params.get(id);
    if (input.tagName === "SELECT" && ![...input.options].some((o) => o.value === value)) continue;
    input.value = value;
  }
  return params.size > 0 || [...params.keys()].length > 0;
}

// -- wiring -----------------------------------------------------------------------------

function wire() {
  $("dataset").addEventListener("change", loadData);
  for (const id of ["n-samples", "noise", "data-seed", "classes"]) $(id).addEventListener("change", loadData);
  $("split").addEventListener("change", async () => {
    const [train, validation, test] = $("split").value.split(",").map(Number);
    await act("split", {train, validation, test});
    if ($("mode").value === "network") await sendNetwork();
    saveHash();
  });
  $("mode").addEventListener("change", async () => {
    await act("mode", {mode: $("mode").value});
    if ($("mode").value === "network") {
      if (num("learning-rate") === 0.1) $("learning-rate").value = "0.03";
      await sendNetwork();
    } else {
      await sendPerceptron();
    }
    saveHash();
  });
  for (const id of ["w1", "w2", "w-bias"]) {
    $(id).addEventListener("input", () => { $(`${id}-slider`).value = $(id).value; sendPerceptron(); saveHash(); });
    $(`${id}-slider`).addEventListener("input", () => { $(id).value = $(`${id}-slider`).value; sendPerceptron(); saveHash(); });
  }
  $("learning-rate").addEventListener("change", () => {
    ($("mode").value === "network" ? sendNetwork : sendPerceptron)(); saveHash();
  });
  for (const id of ["layers", "activation", "output", "optimizer", "batch-size", "epochs", "dropout", "l2", "seed"]) {
    $(id).addEventListener("change", () => { sendNetwork(); saveHash(); });
  }
  $("build").addEventListener("click", sendNetwork);
  $("explain-step").addEventListener("click", () => {
    if (state && state.mode === "network") explain({kind: "step"});
    else say("The gradient-descent step is for network mode; in perceptron mode use Step.");
  });
  $("share").addEventListener("click", (event) => {
    event.preventDefault();
    saveHash();
    $("share").href = location.href;
    if (navigator.clipboard) navigator.clipboard.writeText(location.href).catch(() => {});
    say("This page's address now holds the setup: copy it to share.");
  });
  $("train").addEventListener("click", () => act(state && state.running ? "pause" : "start"));
  $("step").addEventListener("click", () => act("step"));
  $("reset").addEventListener("click", () => act("reset"));
  $("large-font").addEventListener("click", () => {
    const on = document.body.classList.toggle("large");
    $("large-font").setAttribute("aria-pressed", on ? "true" : "false");
  });
  const canvas = $("canvas");
  const where = (event) => {
    const r = canvas.getBoundingClientRect();
    return toData(canvas, (event.clientX - r.left) * canvas.width / r.width,
                  (event.clientY - r.top) * canvas.height / r.height);
  };
  canvas.addEventListener("click", (event) => {
    if (!state) return;
    const [x1, x2] = where(event);
    if (event.shiftKey) selectPoint(nearestPoint(x1, x2));
    else act("add-point", {x1, x2, label: Number($("class-picker").value)});
  });
  canvas.addEventListener("contextmenu", (event) => {
    event.preventDefault();
    const [x1, x2] = where(event);
    act("remove-point", {index: nearestPoint(x1, x2)});
  });
  canvas.addEventListener("keydown", (event) => {
    if (!state) return;
    const b = state.bounds;
    cursor = cursor || [(b[0] + b[1]) / 2, (b[2] + b[3]) / 2];
    const dx = (b[1] - b[0]) / 40, dy = (b[3] - b[2]) / 40;
    const moves = {ArrowLeft: [-dx, 0], ArrowRight: [dx, 0], ArrowUp: [0, dy], ArrowDown: [0, -dy]};
    if (moves[event.key]) {
      cursor = [cursor[0] + moves[event.key][0], cursor[1] + moves[event.key][1]];
      drawPlot();
    } else if (event.key === "Enter") {
      act("add-point", {x1: cursor[0], x2: cursor[1], label: Number($("class-picker").value)});
    } else if (event.key === "Delete" || event.key === "Backspace") {
      act("remove-point", {index: nearestPoint(cursor[0], cursor[1])});
    } else if (event.key === "e" || event.key === "E") {
      selectPoint(nearestPoint(cursor[0], cursor[1]));
    } else return;
    event.preventDefault();
  });
  $("edges").addEventListener("click", (event) => {
    const r = $("edges").getBoundingClientRect();
    const x = event.clientX - r.left, y = event.clientY - r.top;
    let best = null, distance = 8;
    for (const [x0, y0, x1, y1, layer, source, unit] of edgeLines) {
      const t = Math.max(0, Math.min(1, ((x - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / ((x1 - x0) ** 2 + (y1 - y0) ** 2)));
      const d = Math.hypot(x - (x0 + t * (x1 - x0)), y - (y0 + t * (y1 - y0)));
      if (d < distance) { distance = d; best = {kind: "weight", layer, source, unit}; }
    }
    if (best) explain(best);
  });
  $("csv-file").addEventListener("change", async () => {
    const file = $("csv-file").files[0];
    if (!file) return;
    if (file.size > 10 * 1024 * 1024) { say("CSV over the limit of 10 MB"); return; }
    csvText = await file.text();
    // The header, read roughly here only to offer its names; the server parses the file.
    const header = csvText.split(/\r?\n/, 1)[0].split(",").map((name) => name.trim().replace(/^"|"$/g, ""));
    if (header.length <= 3 || header.length > 50) { await loadCsv(null); return; }
    ["csv-x1", "csv-x2", "csv-label"].forEach((id, k) => {
      const select = $(id);
      select.replaceChildren();
      for (const name of header) {
        const option = document.createElement("option");
        option.value = name; option.textContent = name;  // user data: text only
        select.appendChild(option);
      }
      select.selectedIndex = k === 2 ? header.length - 1 : k;
    });
    $("csv-columns").hidden = false;
  });
  $("csv-load").addEventListener("click", () => loadCsv([$("csv-x1").value, $("csv-x2").value, $("csv-label").value]));
  window.addEventListener("resize", () => { if (state) drawNetwork(); });
}

async function start() {
  wire();
  const info = await api("/api/limits");
  for (const [name, label] of Object.entries(info.presets)) {
    const option = document.createElement("option");
    option.value = name; option.textContent = label;
    $("dataset").appendChild(option);
  }
  const shared = readHash();
  session = (await api("/api/session", {})).session;
  for (const kind of ["model", "csv", "python"]) {
    $(`download-${kind}`).href = `/api/download/${kind}?session=${encodeURIComponent(session)}`;
  }
  const events = new EventSource(`/api/events?session=${encodeURIComponent(session)}`);
  events.onmessage = (event) => render(JSON.parse(event.data));
  if (shared) {  // read every control first: each answer's render resets some of them
    const [train, validation, test] = $("split").value.split(",").map(Number);
    const mode = $("mode").value, data = dataBody(), perceptron = perceptronBody(), network = networkBody();
    await act("split", {train, validation, test});
    await act("load", data);
    await act("mode", {mode});
    if (mode === "network") await act("network", network);
    else if (allFinite(perceptron)) await act("perceptron", perceptron);
  } else {
    render(await api(`/api/state?session=${encodeURIComponent(session)}`));
  }
  document.body.dataset.ready = "true";
}

start();
