// The Create page: prompt → queue position → progress with a live preview → a 2×2 grid, with Upscale
// (U) and Vary (V) under each image and Download PNG after upscaling. Plus the account line and the
// gallery. Plain DOM code: each function does one thing a person can see.

import { ApiError, api, blobUrl, follow, forgetKey, getKey, inWords, setKey, takeKeyFromFragment } from "./api.js";
import { showGallery } from "./gallery.js";

const $ = (id) => document.getElementById(id);
let account = null;
let lastJob = null; // the job whose grid is shown
let upscaledImage = null;

// ------------------------------------------------------------------ notices and the key

export function notice(message, kind = "error") {
  const box = $("notice");
  box.textContent = message;
  box.className = kind;
  box.hidden = !message;
}

function showKeyPanel(message) {
  $("key-message").textContent = message;
  $("key-panel").hidden = false;
  $("create").hidden = true;
  $("gallery").hidden = true;
  $("key-input").focus();
}

/** Errors from any action: a key problem opens the key panel, the rest become a notice. */
export function report(error) {
  if (error instanceof ApiError && error.kind === "key") {
    notice("");
    showKeyPanel(error.message);
  } else {
    notice(error instanceof ApiError ? error.message : `Something went wrong in the page: ${error}`);
    if (!(error instanceof ApiError)) console.error(error);
  }
}

// ------------------------------------------------------------------ account

async function loadAccount() {
  account = await api("/api/v1/account");
  const quota =
    account.images_per_day === null
      ? `${account.used_today} images today · unlimited`
      : `${account.used_today} of ${account.images_per_day} images today · ${account.remaining_today} left · ` +
        `resets 00:00 UTC (in ${inWords(account.resets_at - Date.now() / 1000)})`;
  const line = $("account");
  line.innerHTML = "";
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.textContent = account.tier;
  line.append(badge, ` ${account.tenant} · ${quota}`);
  $("admin-link").hidden = !account.admin;
  $("budget").textContent = `of ${account.step_budget} (${account.tier} budget)`;
  $("steps").max = account.step_budget;
  if (Number($("steps").value) > account.step_budget) $("steps").value = account.step_budget;
  fillSelect($("sampler"), account.samplers, (s) => s);
  const sizes = [];
  for (let side = account.base_size; side <= account.max_size; side *= 2) sizes.push(side);
  fillSelect($("size"), sizes, (s) => `${s}×${s}`);
}

function fillSelect(select, values, label) {
  if (select.options.length) return;
  for (const value of values) select.add(new Option(label(value), value));
}

// ------------------------------------------------------------------ generating

function request() {
  const body = {
    prompt: $("prompt").value.trim(),
    negative_prompt: $("negative").value.trim(),
    steps: Number($("steps").value),
    sampler: $("sampler").value,
    guidance_scale: Number($("guidance").value),
  };
  const seed = $("seed").value.trim();
  if (seed !== "") body.seed = seed; // digits, sent as a JSON number (api.js)
  if ($("size").value) body.width = body.height = Number($("size").value);
  return body;
}

async function generate(event) {
  event?.preventDefault();
  const body = request();
  if (!body.prompt) {
    notice("Type a prompt first: what should the image show?");
    $("prompt").focus();
    return;
  }
  if (body.seed !== undefined && !/^\d+$/.test(body.seed)) {
    notice(`A seed is a whole number (0 or more), or empty for a random one; got "${body.seed}".`);
    return;
  }
  if (account && body.steps > account.step_budget) {
    notice(`The ${account.tier} tier allows ${account.step_budget} steps per image; you asked for ${body.steps}.`);
    return;
  }
  await start(() => api("/api/v1/generations", { method: "POST", body }), "grid");
}

/** Submit a job (`send` makes the POST) and follow it until it ends; `mode` is grid or upscale. */
async function start(send, mode) {
  notice("");
  setBusy(true);
  try {
    const job = await send();
    await watch(job, mode);
  } catch (error) {
    $("job").hidden = true;
    report(error);
  } finally {
    setBusy(false);
    loadAccount().catch(() => {});
  }
}

function setBusy(busy) {
  $("generate").disabled = busy;
  for (const button of document.querySelectorAll(".card button, #again")) button.disabled = busy;
}

async function watch(job, mode) {
  $("job").hidden = false;
  $("preview").hidden = true;
  $("progress").value = 0;
  const status = $("job-status");
  status.textContent = mode === "upscale" ? "Upscaling: waiting for a worker…" : "Queued: waiting for a worker…";
  const ended = await follow(job.events_url, (name, data) => {
    if (name === "queued") {
      status.textContent = `Position ${data.position} in the queue · starts in about ${inWords(data.eta_s)}`;
    } else if (name === "started") {
      status.textContent = "Starting…";
    } else if (name === "progress") {
      $("progress").max = data.total;
      $("progress").value = data.step;
      status.textContent = `${mode === "upscale" ? "Upscaling" : "Drawing"}: step ${data.step} of ${data.total}`;
      if (data.preview) {
        $("preview").src = data.preview;
        $("preview").hidden = false;
      }
    } else {
      ending(name, data, mode);
    }
  });
  if (!["completed", "review", "blocked", "failed", "cancelled"].includes(ended)) {
    throw new ApiError("unreachable", "The server closed the connection before the job ended. Reload to see it.");
  }
}

function ending(name, job, mode) {
  $("job").hidden = true;
  if (name === "completed") {
    if (mode === "upscale") showUpscaled(job.images[0]);
    else showGrid(job);
  } else if (name === "review") {
    notice("An image was held for review by a moderator. It appears in your gallery once approved.", "info");
  } else if (name === "blocked") {
    notice(job.error || "The safety filter blocked the images of this job; nothing was delivered.");
  } else if (name === "failed") {
    notice(`The job failed: ${job.error || "no reason given"}. Try again; if it keeps failing, tell your admin.`);
  } else if (name === "cancelled") {
    notice("The job was cancelled.", "info");
  }
}

// ------------------------------------------------------------------ the grid

function showGrid(job) {
  lastJob = job;
  const grid = $("grid");
  grid.innerHTML = "";
  for (const image of job.images) {
    const card = document.createElement("figure");
    card.className = "card";
    card.style.margin = "0";
    const img = document.createElement("img");
    img.src = image.url;
    img.alt = `image ${image.index + 1}, seed ${image.seed}`;
    const actions = document.createElement("div");
    actions.className = "actions";
    actions.append(
      button(`U${image.index + 1}`, `Upscale image ${image.index + 1}`, () => upscale(image)),
      button(`V${image.index + 1}`, `Variations of image ${image.index + 1}`, () => vary(image)),
    );
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = `seed ${image.seed}`;
    card.append(img, actions, meta);
    grid.append(card);
  }
  const p = job.params;
  $("params-text").textContent =
    `${p.prompt}${p.negative_prompt ? ` — not: ${p.negative_prompt}` : ""}\n` +
    `seed ${p.seed} · ${p.steps} steps · ${p.sampler} · guidance ${p.guidance_scale} · ${p.width}×${p.height} · ` +
    `${p.kind}`;
  $("result").hidden = false;
}

function button(text, title, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.title = title;
  b.setAttribute("aria-label", title);
  b.addEventListener("click", onClick);
  return b;
}

function upscale(image) {
  start(() => api(`/api/v1/images/${image.id}/upscale`, { method: "POST", body: {} }), "upscale");
}

function vary(image) {
  start(() => api(`/api/v1/images/${image.id}/variations`, { method: "POST", body: {} }), "grid");
}

function showUpscaled(image) {
  upscaledImage = image;
  $("upscaled-title").textContent = `Upscaled · ${image.width}×${image.height} · ${image.upscaler || ""}`;
  $("upscaled-img").src = image.url;
  $("upscaled").hidden = false;
  $("upscaled").scrollIntoView({ block: "nearest" });
}

async function download() {
  try {
    const url = await blobUrl(upscaledImage.download_url);
    const a = document.createElement("a");
    a.href = url;
    a.download = `muralist-${upscaledImage.id}.png`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (error) {
    report(error);
  }
}

function again() {
  if (!lastJob) return;
  const p = lastJob.params;
  $("prompt").value = p.prompt;
  $("negative").value = p.negative_prompt || "";
  $("seed").value = p.seed;
  $("steps").value = p.steps;
  $("sampler").value = p.sampler;
  $("guidance").value = p.guidance_scale;
  $("size").value = p.width;
  generate();
}

async function copyParams() {
  const text = JSON.stringify(lastJob?.params ?? {}, null, 2);
  try {
    await navigator.clipboard.writeText(text);
    notice("Parameters copied: paste them into a request body to make the same images again.", "info");
  } catch {
    notice("The browser did not allow copying; select the parameters text and copy it by hand.", "info");
  }
}

// ------------------------------------------------------------------ wiring

function showTab(name) {
  $("create").hidden = name !== "create";
  $("gallery").hidden = name !== "gallery";
  $("tab-create").setAttribute("aria-pressed", String(name === "create"));
  $("tab-gallery").setAttribute("aria-pressed", String(name === "gallery"));
  if (name === "gallery") showGallery().catch(report);
}

async function boot() {
  takeKeyFromFragment();
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    setKey($("key-input").value);
    $("key-input").value = "";
    boot();
  });
  if (!getKey()) {
    showKeyPanel(
      "No API key yet. Open the link that `muralist serve` printed (it ends in #key=mur_…), or paste a key below.",
    );
    return;
  }
  try {
    await loadAccount();
  } catch (error) {
    report(error);
    return;
  }
  notice("");
  $("key-panel").hidden = true;
  showTab("create");
}

function wire() {
  $("generate-form").addEventListener("submit", generate);
  $("prompt").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("generate-form").requestSubmit();
    }
  });
  $("again").addEventListener("click", again);
  $("copy-params").addEventListener("click", copyParams);
  $("download").addEventListener("click", download);
  $("tab-create").addEventListener("click", () => showTab("create"));
  $("tab-gallery").addEventListener("click", () => showTab("gallery"));
  $("change-key").addEventListener("click", () => {
    forgetKey();
    showKeyPanel("Paste the API key to use in this browser.");
  });
  window.addEventListener("hashchange", boot);
}

wire();
boot();
