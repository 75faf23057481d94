// gdviz explorers in the browser: the picture is drawn from the model's state alone.
// Static layers are matplotlib PNGs (model "panels"); what moves is drawn on a canvas over
// each PNG from float32 series (model "family", "extra"), as the model's "tracks" say.
// See gdviz/widgets/scene.py.

const POINT = 100 / 72; // matplotlib points to pixels at the panels' 100 dpi
const PICTURE_WIDTH = 940; // the widest row of a saved picture (gdviz.widgets.template)

function floats(view) {
  if (!view) return new Float32Array(0);
  // a copy: a DataView's offset need not be a multiple of 4
  return new Float32Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

function ints(view) {
  if (!view) return new Int32Array(0);
  return new Int32Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

// The number as a student reads it, as the kernel writes it (Python's "g" format): three
// digits for a stop, six for a value typed between stops, 3.3e-06 rather than 0.0000033;
// a whole number whole (a batch size of 1024 is not "1020").
export function formatValue(value, exact) {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  const digits = exact ? 6 : 3;
  const [mantissa, power] = value.toExponential(digits - 1).split("e");
  const exponent = Number(power);
  if (exponent < -4 || exponent >= digits) {
    const sign = exponent < 0 ? "-" : "+";
    return `${Number(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return String(Number(value.toPrecision(digits)));
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

// Points 0..upto of a track's chunk as pixel pairs; non-finite points are null (a gap).
function pixels(shown, track, map, upto) {
  const ys = shown.series[track.y];
  const xs = track.x ? shown.series[track.x] : null;
  const out = [];
  const last = Math.min(upto, ys.length - 1, xs ? xs.length - 1 : Infinity);
  for (let i = 0; i <= last; i++) {
    const px = map.x(xs ? xs[i] : i);
    const py = map.y(ys[i]);
    out.push(Number.isFinite(px) && Number.isFinite(py) ? [px, py] : null);
  }
  return out;
}

function polyline(ctx, points, colour, width, dash) {
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
  ctx.setLineDash(dash || []);
  ctx.lineWidth = width;
  ctx.strokeStyle = colour;
  ctx.lineJoin = "round";
  ctx.lineCap = "round";
  ctx.stroke();
  ctx.setLineDash([]);
}

function arrow(ctx, points, colour, width) {
  const finite = points.filter((p) => p);
  if (finite.length < 2) return;
  const [x0, y0] = finite[0];
  const [x1, y1] = finite[finite.length - 1];
  const length = Math.hypot(x1 - x0, y1 - y0);
  if (length < 1e-9) return;
  const head = Math.min(4 * width + 6, 0.5 * length);
  const ux = (x1 - x0) / length;
  const uy = (y1 - y0) / length;
  polyline(ctx, [finite[0], [x1 - ux * head * 0.8, y1 - uy * head * 0.8]], colour, width);
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - ux * head - uy * head * 0.45, y1 - uy * head + ux * head * 0.45);
  ctx.lineTo(x1 - ux * head + uy * head * 0.45, y1 - uy * head - ux * head * 0.45);
  ctx.closePath();
  ctx.fillStyle = colour;
  ctx.fill();
}

// Every series a track draws holds its whole chunk; "path" and "curve" stop at the frame.
function drawTrack(ctx, track, shown, map, frame) {
  if (!shown.series[track.y] || (track.x && !shown.series[track.x])) return;
  const colour = track.colour;
  const width = (track.width ?? (track.kind === "path" ? 1.8 : 2)) * POINT;
  const upto = track.kind === "path" || track.kind === "curve" ? frame : Infinity;
  const points = pixels(shown, track, map, upto);
  ctx.globalAlpha = track.alpha ?? 1;
  if (track.halo && track.kind !== "points" && track.kind !== "marker") {
    if (track.kind === "arrow") arrow(ctx, points, "white", width + 3 * POINT);
    else polyline(ctx, points, "white", width + 3 * POINT, track.dash);
  }
  if (track.kind === "path") {
    polyline(ctx, points, colour, width, track.dash);
    for (const p of points) if (p) circle(ctx, p[0], p[1], 3.5 * POINT, colour);
    const finite = points.filter((p) => p);
    if (finite.length) {
      const first = finite[0];
      const last = finite[finite.length - 1];
      circle(ctx, first[0], first[1], 10 * POINT, "white", colour, 1.5 * POINT);
      circle(ctx, last[0], last[1], 11 * POINT, colour, "black", 1 * POINT);
    }
  } else if (track.kind === "curve") {
    polyline(ctx, points, colour, width, track.dash);
    const p = points[points.length - 1];
    if (p) circle(ctx, p[0], p[1], 9 * POINT, colour, "black", 1 * POINT);
  } else if (track.kind === "line") {
    polyline(ctx, points, colour, width, track.dash);
  } else if (track.kind === "points") {
    const size = (track.size ?? 4) * POINT;
    for (const p of points) if (p) circle(ctx, p[0], p[1], size, colour);
  } else if (track.kind === "arrow") {
    arrow(ctx, points, colour, width);
  } else if (track.kind === "marker") {
    const at = points[Math.min(frame, points.length - 1)];
    if (at) circle(ctx, at[0], at[1], (track.size ?? 9) * POINT, colour, "black", 1 * POINT);
  }
  ctx.globalAlpha = 1;
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
  if (state.shown) {
    for (const track of state.tracks) {
      if (track.panel === index) drawTrack(ctx, track, state, map, state.frame);
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

  if (slider.player === false) {
    // no steps to play: Reset and Save picture stay, on the main slider's row
    main.append(reset, save);
    player.hidden = true;
  }
  const html = element("div", "gdviz-html");
  const status = element("div", "gdviz-status");
  el.append(main, panels, player, status, html);

  // ---- state -------------------------------------------------------------------
  let views = []; // per panel: { panel, img, canvas }
  let family = null;
  let extra = null;
  let playing = false;

  // A packed family (gdviz.widgets.scene.pack_family): its buffers as typed arrays.
  function decode(packed) {
    if (!packed || !packed.count) return null;
    const series = {};
    for (const [name, s] of Object.entries(packed.series)) {
      series[name] = {
        data: floats(s.data),
        offsets: ints(s.offsets),
        first: s.per === "frame" ? ints(s.first) : null,
      };
    }
    return { ...packed, frames: ints(packed.frames), series };
  }

  // The last frame of stop ``stop``: its own, or the model's last_frame if that is sooner.
  function lastOf(decoded, stop) {
    const cut = model.get("last_frame");
    return cut >= 0 ? Math.min(decoded.frames[stop], cut) : decoded.frames[stop];
  }

  // Stop ``stop`` of a decoded family at ``frame``: each series' chunk, and the stop's words.
  function pick(decoded, stop, frame) {
    const last = lastOf(decoded, stop);
    const f = Math.min(Math.max(frame, 0), last);
    const series = {};
    for (const [name, s] of Object.entries(decoded.series)) {
      const chunk = s.first ? s.first[stop] + f : stop;
      series[name] = s.data.subarray(s.offsets[chunk], s.offsets[chunk + 1]);
    }
    return {
      series,
      last,
      frame: f,
      label: decoded.labels[stop],
      readout: decoded.readouts[stop],
      html: decoded.html ? decoded.html[stop] : "",
      frameText: decoded.frame_texts
        ? decoded.frame_texts[stop][f]
        : decoded.frame_text
          ? decoded.frame_text[stop].replaceAll("{frame}", String(f)).replaceAll("{last}", String(last))
          : null,
    };
  }

  // What is shown: the extra stop if it is for the current value, else the slider's stop.
  function state() {
    const frame = model.get("frame");
    const tracks = model.get("tracks");
    const labels = model.get("labels");
    // status lines written for another last_frame than the one shown: being updated
    const stale = labels.for !== undefined && labels.for !== model.get("last_frame");
    if (extra && extra.value === model.get("value")) {
      return { ...pick(extra, 0, frame), shown: true, exact: true, stale, tracks };
    }
    if (!family) {
      return { series: {}, last: 0, frame: 0, label: "", readout: "", html: "", shown: false, tracks };
    }
    const stop = Math.min(Math.max(model.get("stop"), 0), family.count - 1);
    const picked = pick(family, stop, frame);
    if (labels.lines && labels.lines.length === family.count) picked.label = labels.lines[stop];
    return { ...picked, shown: true, exact: false, stale, tracks };
  }

  function frameWords(s) {
    if (s.frameText !== null && s.frameText !== undefined) return s.frameText;
    const losses = s.series.loss;
    if (!losses || losses.length < s.last + 1) return "";
    return `step ${s.frame} of ${s.last}: loss ${formatValue(losses[s.frame], false)}`;
  }

  function draw() {
    pending = false; // this draw is the one a schedule() asked for
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
    frameText.textContent = frameWords(s);
    status.textContent = s.stale ? `updating… ${s.label}` : s.label;
    status.classList.toggle("gdviz-stale", Boolean(s.stale));
    if (html.dataset.shown !== s.html) {
      html.innerHTML = s.html; // written by the kernel, which escapes what it embeds
      html.dataset.shown = s.html;
    }
    play.textContent = playing ? "❚❚ Pause" : "▶ Play";
    el.dataset.value = String(model.get("value"));
    el.dataset.frame = String(s.frame);
  }

  // One draw per animation frame at most: a change schedules one, unless a draw in this
  // frame (Play's tick draws the frame it advances to) has already shown it.
  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      if (pending) draw();
    });
  }

  // The student's own input is drawn at once, so the next frame shows it, whatever else
  // the page does before that frame (JupyterLab redrawing the kernel's busy and idle
  // status, say); more input before that frame is drawn in it.
  let drewForFrame = false;
  function drawNow() {
    if (drewForFrame) {
      schedule();
      return;
    }
    draw();
    drewForFrame = true;
    requestAnimationFrame(() => {
      drewForFrame = false;
    });
  }

  // The kernel hears of the student's input after the frame showing it, once a frame at
  // most: its answer (and the page's redraw of the kernel's status) then waits for no frame.
  let telling = false;
  function tellKernel() {
    if (telling) return;
    telling = true;
    requestAnimationFrame(() =>
      setTimeout(() => {
        telling = false;
        model.save_changes();
      }, 0),
    );
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
    model.set("stop", i);
    model.set("value", family.values[i]);
    // a frame that is a setting of its own (the race's budget) stays; else the whole run
    const last = lastOf(family, i);
    model.set("frame", slider.keep_frame ? Math.min(model.get("frame"), last) : last);
    tellKernel();
    drawNow();
  }

  function setFrame(frame, tell = true) {
    const s = state();
    model.set("frame", Math.min(Math.max(frame, 0), s.last));
    if (tell) tellKernel();
    drawNow();
  }

  function stopPlaying() {
    if (!playing) return;
    playing = false;
    model.save_changes();
    schedule();
  }

  // Play shows each frame for at least ``slider.frame_ms`` (an explorer of a few steps
  // walks them at a pace one can follow); without it, one frame per display frame.
  let shownAt = 0;
  function tick(now) {
    if (!playing) return;
    const pace = slider.frame_ms || 0;
    if (pace && now - shownAt < pace) {
      requestAnimationFrame(tick);
      return;
    }
    shownAt = now;
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
    shownAt = performance.now();
    schedule();
    requestAnimationFrame(tick);
  });
  reset.addEventListener("click", () => {
    stopPlaying();
    model.send({ event: "reset" });
  });
  save.addEventListener("click", () => {
    // what is shown, at the PNGs' own resolution, panels side by side in rows of at most
    // PICTURE_WIDTH pixels (as SceneExplorer.png places them)
    const s = state();
    const places = [];
    let [left, top, rowHeight, width] = [0, 0, 0, 0];
    for (const view of views) {
      if (left && left + view.panel.width > PICTURE_WIDTH) {
        [left, top, rowHeight] = [0, top + rowHeight, 0];
      }
      places.push([left, top]);
      left += view.panel.width;
      rowHeight = Math.max(rowHeight, view.panel.height);
      width = Math.max(width, left);
    }
    const picture = document.createElement("canvas");
    picture.width = width;
    picture.height = top + rowHeight;
    const ctx = picture.getContext("2d");
    ctx.fillStyle = "white";
    ctx.fillRect(0, 0, picture.width, picture.height);
    views.forEach((view, index) => {
      ctx.save();
      ctx.translate(...places[index]);
      ctx.drawImage(view.img, 0, 0, view.panel.width, view.panel.height);
      drawPanel(ctx, view.panel, index, s, 1);
      ctx.restore();
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
    family = decode(model.get("family"));
    schedule();
  };
  model.on("change:panels", buildPanels);
  model.on("change:family", refamily);
  model.on("change:extra", () => {
    extra = decode(model.get("extra"));
    schedule();
  });
  for (const key of ["value", "stop", "frame", "tracks", "labels"]) {
    model.on(`change:${key}`, schedule);
  }
  // a new last frame (a kernel control linked to it in the browser, say the descent's
  // steps): the run shown to its end at once; the kernel's answer follows
  model.on("change:last_frame", () => {
    if (!slider.keep_frame) model.set("frame", state().last);
    drawNow();
  });
  model.on("msg:custom", (message) => {
    if (message.event === "refresh") schedule();
  });

  family = decode(model.get("family"));
  extra = decode(model.get("extra"));
  buildPanels();
  return () => {
    playing = false;
    observer.disconnect();
    for (const view of views) URL.revokeObjectURL(view.img.src);
  };
}

export default { render };
