// gdviz explorers in the browser: the picture is drawn from the model's state alone.
// Static layers are matplotlib PNGs (model "panels"); paths and curves are drawn on a canvas
// over each PNG from float32 columns (model "family", "extra"). See gdviz/widgets/scene.py.

const POINT = 100 / 72; // matplotlib points to pixels at the panels' 100 dpi

function floats(view) {
  if (!view) return new Float32Array(0);
  // a copy: a DataView's offset need not be a multiple of 4
  return new Float32Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

function ints(view) {
  if (!view) return new Int32Array(0);
  return new Int32Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

// The number as a student reads it: three digits for a stop, every digit typed otherwise.
export function formatValue(value, exact) {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(exact ? 6 : 3)));
}

function scaleOf(kind, linthresh) {
  if (kind === "log") return (v) => (v > 0 ? Math.log10(v) : NaN);
  if (kind === "symlog") {
    // matplotlib's SymmetricalLogTransform with base 10 and linscale 1
    const adj = 1 / (1 - 1 / 10);
    return (v) => {
      const a = Math.abs(v);
      if (a <= linthresh) return v * adj;
      return Math.sign(v) * linthresh * (adj + Math.log10(a / linthresh));
    };
  }
  return (v) => v;
}

// Data coordinates -> PNG pixels of one panel's axes.
function mapping(axes) {
  const [left, top, width, height] = axes.box;
  const sx = scaleOf(axes.xscale, axes.xlinthresh);
  const sy = scaleOf(axes.yscale, axes.ylinthresh);
  const [x0, x1] = axes.xlim.map(sx);
  const [y0, y1] = axes.ylim.map(sy);
  return {
    x: (v) => left + (width * (sx(v) - x0)) / (x1 - x0),
    y: (v) => top + height * (1 - (sy(v) - y0) / (y1 - y0)),
  };
}

function circle(ctx, x, y, diameter, fill, edge, edgeWidth) {
  ctx.beginPath();
  ctx.arc(x, y, diameter / 2, 0, 2 * Math.PI);
  ctx.fillStyle = fill;
  ctx.fill();
  if (edge) {
    ctx.lineWidth = edgeWidth;
    ctx.strokeStyle = edge;
    ctx.stroke();
  }
}

// Points 0..upto of a track as pixel pairs; non-finite points are null (a gap).
function pixels(run, track, map, upto) {
  const ys = run.columns[track.y];
  const xs = track.x ? run.columns[track.x] : null;
  const out = [];
  for (let i = 0; i <= upto; i++) {
    const px = map.x(xs ? xs[i] : i);
    const py = map.y(ys[i]);
    out.push(Number.isFinite(px) && Number.isFinite(py) ? [px, py] : null);
  }
  return out;
}

function polyline(ctx, points, colour, width) {
  ctx.beginPath();
  let open = false;
  for (const p of points) {
    if (!p) {
      open = false;
      continue;
    }
    if (open) ctx.lineTo(p[0], p[1]);
    else ctx.moveTo(p[0], p[1]);
    open = true;
  }
  ctx.lineWidth = width;
  ctx.strokeStyle = colour;
  ctx.lineJoin = "round";
  ctx.stroke();
}

function drawTrack(ctx, track, run, map, frame) {
  const points = pixels(run, track, map, frame);
  if (track.kind === "path") {
    polyline(ctx, points, track.colour, 1.8 * POINT);
    for (const p of points) if (p) circle(ctx, p[0], p[1], 3.5 * POINT, track.colour);
    const finite = points.filter((p) => p);
    if (finite.length) {
      const first = finite[0];
      const last = finite[finite.length - 1];
      circle(ctx, first[0], first[1], 10 * POINT, "white", track.colour, 1.5 * POINT);
      circle(ctx, last[0], last[1], 11 * POINT, track.colour, "black", 1 * POINT);
    }
  } else {
    polyline(ctx, points, track.colour, 2 * POINT);
    const p = points[points.length - 1];
    if (p) circle(ctx, p[0], p[1], 9 * POINT, track.colour, "black", 1 * POINT);
  }
}

// One panel's moving parts at ``scale`` canvas pixels per PNG pixel, from the state only.
function drawPanel(ctx, panel, index, state, scale) {
  ctx.save();
  ctx.scale(scale, scale);
  const [left, top, width, height] = panel.axes.box;
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  const map = mapping(panel.axes);
  if (state.run) {
    for (const track of state.tracks) {
      if (track.panel === index) drawTrack(ctx, track, state.run, map, state.frame);
    }
  }
  ctx.restore();
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function button(label, className, title) {
  const el = element("button", `gdviz-button ${className}`, label);
  el.type = "button";
  el.title = title;
  return el;
}

function render({ model, el }) {
  el.classList.add("gdviz-scene");
  // keys pressed here move our sliders and type into our entries, not JupyterLab's cells
  el.dataset.lmSuppressShortcuts = "true";
  el.addEventListener("keydown", (event) => event.stopPropagation());
  const slider = model.get("slider");
  const name = slider.name || "value";

  const main = element("div", "gdviz-row gdviz-main");
  const label = element("label", "gdviz-label", slider.label || name);
  const range = element("input", `gdviz-range gdviz-control-${name}`);
  range.type = "range";
  range.min = "0";
  range.step = "1";
  range.setAttribute("aria-label", slider.label || name);
  const entry = element("input", `gdviz-entry gdviz-entry-${name}`);
  entry.type = "text";
  entry.title = `type a ${slider.label || name} and press Enter`;
  const readout = element("span", "gdviz-readout");
  main.append(label, range, entry, readout);

  const panels = element("div", "gdviz-panels");

  const player = element("div", "gdviz-row gdviz-player");
  const play = button("▶ Play", "gdviz-play", "play the run from its start");
  const back = button("◀", "gdviz-back", "one step back");
  const frameRange = element("input", "gdviz-range gdviz-control-frame");
  frameRange.type = "range";
  frameRange.min = "0";
  frameRange.step = "1";
  frameRange.setAttribute("aria-label", "step shown");
  const forward = button("▶", "gdviz-forward", "one step forward");
  const frameText = element("span", "gdviz-frame-readout");
  const reset = button("Reset", "gdviz-reset", "back to how the explorer started");
  const save = button("Save picture", "gdviz-save", "download a PNG of what is shown");
  player.append(play, back, frameRange, forward, frameText, reset, save);

  const status = element("div", "gdviz-status");
  el.append(main, panels, player, status);

  // ---- state -------------------------------------------------------------------
  let views = []; // per panel: { panel, img, canvas }
  let family = null;
  let extra = null;
  let playing = false;

  function decodeFamily() {
    const f = model.get("family");
    if (!f || !f.count) return null;
    const columns = {};
    for (const [key, view] of Object.entries(f.columns)) columns[key] = floats(view);
    return { ...f, offsets: ints(f.offsets), columns };
  }

  function decodeExtra() {
    const x = model.get("extra");
    if (!x || x.value === undefined) return null;
    const columns = {};
    for (const [key, view] of Object.entries(x.columns)) columns[key] = floats(view);
    const length = Object.values(columns)[0]?.length ?? 0;
    return { ...x, columns, length };
  }

  // The run shown: the extra one if it is for the current value, else the stop's.
  function current() {
    const value = model.get("value");
    if (extra && extra.value === value) {
      return { run: extra, label: extra.label, readout: extra.readout, exact: true };
    }
    if (!family) return { run: null, label: "", readout: "", exact: false };
    const stop = Math.min(Math.max(model.get("stop"), 0), family.count - 1);
    const start = family.offsets[stop];
    const end = family.offsets[stop + 1];
    const columns = {};
    for (const [key, column] of Object.entries(family.columns)) {
      columns[key] = column.subarray(start, end);
    }
    return {
      run: { columns, length: end - start },
      label: family.labels[stop],
      readout: family.readouts[stop],
      exact: false,
    };
  }

  function state() {
    const shown = current();
    const last = shown.run ? shown.run.length - 1 : 0;
    const frame = Math.min(Math.max(model.get("frame"), 0), Math.max(last, 0));
    return { ...shown, last, frame, tracks: model.get("tracks") };
  }

  function frameLoss(s) {
    const losses = s.run?.columns.loss;
    if (!losses || !losses.length) return "";
    return `step ${s.frame} of ${s.last}: loss ${formatValue(losses[s.frame], false)}`;
  }

  function draw() {
    const s = state();
    views.forEach((view, index) => {
      const ctx = view.canvas.getContext("2d");
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, view.canvas.width, view.canvas.height);
      drawPanel(ctx, view.panel, index, s, view.canvas.width / view.panel.width);
    });
    if (family) {
      range.max = String(family.count - 1);
      range.value = String(model.get("stop"));
    }
    if (document.activeElement !== entry) {
      entry.value = formatValue(model.get("value"), s.exact);
    }
    readout.textContent = s.readout;
    frameRange.max = String(Math.max(s.last, 0));
    frameRange.value = String(s.frame);
    frameText.textContent = frameLoss(s);
    status.textContent = s.label;
    play.textContent = playing ? "❚❚ Pause" : "▶ Play";
    el.dataset.value = String(model.get("value"));
    el.dataset.frame = String(s.frame);
  }

  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  }

  function fit() {
    for (const view of views) {
      const ratio = window.devicePixelRatio || 1;
      const width = Math.max(1, Math.round(view.img.clientWidth * ratio));
      const height = Math.max(1, Math.round(view.img.clientHeight * ratio));
      if (view.canvas.width !== width || view.canvas.height !== height) {
        view.canvas.width = width;
        view.canvas.height = height;
      }
    }
    draw();
  }
  const observer = new ResizeObserver(fit);

  function buildPanels() {
    for (const view of views) {
      URL.revokeObjectURL(view.img.src);
      observer.unobserve(view.img);
    }
    panels.replaceChildren();
    views = model.get("panels").map((panel, index) => {
      const box = element("div", `gdviz-panel gdviz-panel-${index}`);
      box.style.width = `${panel.width}px`;
      const img = element("img", "gdviz-static");
      img.alt = panel.name || "";
      img.width = panel.width;
      img.height = panel.height;
      img.src = URL.createObjectURL(new Blob([panel.png], { type: "image/png" }));
      const canvas = element("canvas", "gdviz-canvas");
      box.append(img, canvas);
      panels.append(box);
      observer.observe(img);
      img.addEventListener("load", schedule);
      img.addEventListener("click", (event) => clicked(event, img, panel, index));
      return { panel, img, canvas };
    });
    fit();
  }

  // A click in linear axes tells the kernel where, in data coordinates (a new start).
  function clicked(event, img, panel, index) {
    const axes = panel.axes;
    if (axes.xscale !== "linear" || axes.yscale !== "linear") return;
    const rect = img.getBoundingClientRect();
    const px = ((event.clientX - rect.left) * panel.width) / rect.width;
    const py = ((event.clientY - rect.top) * panel.height) / rect.height;
    const [left, top, width, height] = axes.box;
    const u = (px - left) / width;
    const v = 1 - (py - top) / height;
    if (u < 0 || u > 1 || v < 0 || v > 1) return;
    const x = axes.xlim[0] + u * (axes.xlim[1] - axes.xlim[0]);
    const y = axes.ylim[0] + v * (axes.ylim[1] - axes.ylim[0]);
    stopPlaying();
    model.send({ event: "click", panel: index, x, y });
  }

  // ---- the student's input: answered here, the kernel told without waiting ------
  function setStop(stop) {
    if (!family) return;
    const i = Math.min(Math.max(stop, 0), family.count - 1);
    const length = family.offsets[i + 1] - family.offsets[i];
    model.set("stop", i);
    model.set("value", family.values[i]);
    model.set("frame", length - 1);
    model.save_changes();
    schedule();
  }

  function setFrame(frame, tell = true) {
    const s = state();
    model.set("frame", Math.min(Math.max(frame, 0), s.last));
    if (tell) model.save_changes();
    schedule();
  }

  function stopPlaying() {
    if (!playing) return;
    playing = false;
    model.save_changes();
    schedule();
  }

  function tick() {
    if (!playing) return;
    const s = state();
    const next = Math.min(s.frame + model.get("frame_step"), s.last);
    model.set("frame", next);
    draw(); // in this animation frame: Play is drawn at the display's rate
    if (next >= s.last) stopPlaying();
    else requestAnimationFrame(tick);
  }

  range.addEventListener("input", () => {
    stopPlaying();
    setStop(Number(range.value));
  });
  entry.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      stopPlaying();
      model.send({ event: "typed", text: entry.value });
      entry.blur();
    } else if (event.key === "Escape") {
      entry.blur();
    }
  });
  entry.addEventListener("blur", schedule);
  frameRange.addEventListener("input", () => {
    stopPlaying();
    setFrame(Number(frameRange.value));
  });
  back.addEventListener("click", () => {
    stopPlaying();
    setFrame(state().frame - 1);
  });
  forward.addEventListener("click", () => {
    stopPlaying();
    setFrame(state().frame + 1);
  });
  play.addEventListener("click", () => {
    if (playing) {
      stopPlaying();
      return;
    }
    const s = state();
    if (s.frame >= s.last) setFrame(0, false);
    playing = true;
    schedule();
    requestAnimationFrame(tick);
  });
  reset.addEventListener("click", () => {
    stopPlaying();
    model.send({ event: "reset" });
  });
  save.addEventListener("click", () => {
    // what is shown, at the PNGs' own resolution, panels side by side
    const s = state();
    const width = views.reduce((sum, view) => sum + view.panel.width, 0);
    const height = Math.max(...views.map((view) => view.panel.height));
    const picture = document.createElement("canvas");
    picture.width = width;
    picture.height = height;
    const ctx = picture.getContext("2d");
    ctx.fillStyle = "white";
    ctx.fillRect(0, 0, width, height);
    let left = 0;
    views.forEach((view, index) => {
      ctx.save();
      ctx.translate(left, 0);
      ctx.drawImage(view.img, 0, 0, view.panel.width, view.panel.height);
      drawPanel(ctx, view.panel, index, s, 1);
      ctx.restore();
      left += view.panel.width;
    });
    picture.toBlob((blob) => {
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = model.get("download_name");
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    }, "image/png");
  });

  // ---- the kernel's changes -----------------------------------------------------
  const refamily = () => {
    family = decodeFamily();
    schedule();
  };
  model.on("change:panels", buildPanels);
  model.on("change:family", refamily);
  model.on("change:extra", () => {
    extra = decodeExtra();
    schedule();
  });
  for (const key of ["value", "stop", "frame", "tracks"]) {
    model.on(`change:${key}`, schedule);
  }
  model.on("msg:custom", (message) => {
    if (message.event === "refresh") schedule();
  });

  family = decodeFamily();
  extra = decodeExtra();
  buildPanels();
  return () => {
    playing = false;
    observer.disconnect();
    for (const view of views) URL.revokeObjectURL(view.img.src);
  };
}

export default { render };
