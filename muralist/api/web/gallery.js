// The gallery: the tenant's delivered images, newest first, each with the prompt it was made from.

import { api } from "./api.js";

const prompts = new Map(); // job id → its prompt (a job's images share one)
let cursor = null;

async function promptOf(jobId) {
  if (!prompts.has(jobId)) {
    prompts.set(jobId, api(`/api/v1/generations/${jobId}`).then((job) => job.params.prompt));
  }
  return prompts.get(jobId);
}

function card(image, prompt) {
  const figure = document.createElement("figure");
  figure.className = "card";
  figure.style.margin = "0";
  const img = document.createElement("img");
  img.src = image.url;
  img.alt = prompt;
  img.loading = "lazy";
  const caption = document.createElement("p");
  caption.textContent = prompt;
  const meta = document.createElement("p");
  meta.className = "meta";
  meta.textContent = `${image.kind} · ${image.width}×${image.height} · seed ${image.seed}`;
  figure.append(img, caption, meta);
  return figure;
}

/** Show the first page (or, with `more`, the next one). */
export async function showGallery(more = false) {
  const grid = document.getElementById("gallery-grid");
  const button = document.getElementById("gallery-more");
  if (!more) cursor = null;
  const query = cursor ? `?limit=24&cursor=${encodeURIComponent(cursor)}` : "?limit=24";
  const page = await api(`/api/v1/images${query}`);
  const cards = await Promise.all(page.data.map(async (image) => card(image, await promptOf(image.job_id))));
  if (!more) grid.innerHTML = "";
  grid.append(...cards);
  if (!grid.children.length) grid.textContent = "No images yet: make some on the Create tab.";
  cursor = page.next_cursor;
  button.hidden = !cursor;
  button.onclick = () => showGallery(true);
}
