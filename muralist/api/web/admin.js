// The admin page (admin keys only): queue depth and the oldest wait per lane, the running jobs, and
// the review queue, where a moderator approves or rejects held images.

import { ApiError, api, blobUrl, getKey, inWords, takeKeyFromFragment } from "./api.js";

const $ = (id) => document.getElementById(id);
const previews = new Map(); // review item id → object URL of its held image

function notice(message) {
  $("notice").textContent = message;
  $("notice").hidden = !message;
}

function rows(table, cells) {
  const body = $(table).querySelector("tbody");
  body.innerHTML = "";
  for (const values of cells) {
    const tr = document.createElement("tr");
    for (const value of values) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.append(td);
    }
    body.append(tr);
  }
}

async function reviewCard(item) {
  if (!previews.has(item.id)) previews.set(item.id, await blobUrl(item.preview_url));
  const card = document.createElement("figure");
  card.className = "card";
  card.style.margin = "0";
  const img = document.createElement("img");
  img.src = previews.get(item.id);
  img.alt = `held image ${item.image_id}`;
  const why = document.createElement("p");
  why.className = "meta";
  why.textContent = `${item.verdict.category || "?"} · score ${item.verdict.score ?? "?"} · tenant ${item.tenant_id}`;
  const actions = document.createElement("div");
  actions.className = "actions";
  for (const decision of ["approve", "reject"]) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = decision === "approve" ? "Approve" : "Reject";
    b.className = decision === "approve" ? "" : "quiet";
    b.addEventListener("click", async () => {
      try {
        await api(`/api/v1/admin/reviews/${item.id}/${decision}`, { method: "POST" });
        refresh();
      } catch (error) {
        notice(error.message);
      }
    });
    actions.append(b);
  }
  card.append(img, why, actions);
  return card;
}

async function refresh() {
  try {
    const [queue, reviews] = await Promise.all([api("/api/v1/admin/queue"), api("/api/v1/admin/reviews")]);
    rows("lanes", queue.lanes.map((l) => [l.lane, String(l.waiting), l.waiting ? inWords(l.oldest_wait_s) : "—"]));
    rows(
      "running",
      queue.running.length
        ? queue.running.map((j) => [j.id.slice(0, 8), j.tier, j.kind, `${j.step} / ${j.total}`, inWords(j.running_s)])
        : [["nothing running", "", "", "", ""]],
    );
    const cards = await Promise.all(reviews.map(reviewCard));
    const box = $("reviews");
    box.innerHTML = "";
    box.className = cards.length ? "" : "meta";
    if (cards.length) {
      box.style.display = "grid";
      box.style.gridTemplateColumns = "repeat(auto-fill, minmax(150px, 1fr))";
      box.style.gap = "10px";
      box.append(...cards);
    } else {
      box.textContent = "No images are waiting for review.";
    }
    notice("");
    $("admin").hidden = false;
  } catch (error) {
    $("admin").hidden = error instanceof ApiError && (error.kind === "key" || error.kind === "forbidden");
    notice(
      error.kind === "forbidden"
        ? "This page is for admin keys only. Your key belongs to a tenant that is not an admin."
        : error.message,
    );
  }
}

takeKeyFromFragment();
if (!getKey()) notice("No API key yet: open the Create page with the link `muralist serve` printed first.");
else {
  refresh();
  setInterval(refresh, 2000);
}
