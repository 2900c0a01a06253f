// Talking to the Muralist HTTP API: the key kept in the browser, JSON requests, problem details
// turned into sentences a person understands, and Server-Sent Events read over fetch (EventSource
// cannot send the Authorization header).

const KEY = "muralist.key";

/** The key from a first-run URL (`/#key=mur_…`), moved into localStorage and out of the address bar. */
export function takeKeyFromFragment() {
  const match = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (!match) return;
  localStorage.setItem(KEY, decodeURIComponent(match[1]));
  history.replaceState(null, "", location.pathname + location.search);
}

export const getKey = () => localStorage.getItem(KEY);
export const setKey = (key) => localStorage.setItem(KEY, key.trim());
export const forgetKey = () => localStorage.removeItem(KEY);

/** An error the page can show as it is: `message` is written for the person, `kind` drives the UI. */
export class ApiError extends Error {
  constructor(kind, message, extra = {}) {
    super(message);
    this.kind = kind;
    Object.assign(this, extra);
  }
}

function unreachable() {
  return new ApiError(
    "unreachable",
    `Can't reach the Muralist server at ${location.origin}. Check that \`muralist serve\` is still running ` +
      "and that this computer is online, then try again.",
  );
}

/** "in 3 h 12 min" for a number of seconds. */
export function inWords(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A problem+json response → an ApiError that says what happened and what to do. */
async function problem(response) {
  let body = {};
  try {
    body = await response.json();
  } catch {
    body = { detail: `the server answered ${response.status} ${response.statusText}` };
  }
  const type = body.type || "";
  if (response.status === 401) {
    const missing = !getKey();
    return new ApiError(
      "key",
      missing
        ? "No API key yet. Open the link that `muralist serve` printed (it ends in #key=mur_…), or paste a key below."
        : "This API key is unknown or was revoked. Paste a new key below (an admin makes one with " +
            "`muralist tenants create NAME --tier pro`).",
    );
  }
  if (type.endsWith("/content-policy")) {
    const category = (body.category || "content policy").replaceAll("_", " ");
    return new ApiError(
      "blocked",
      `This prompt was refused by the content policy (category: ${category}). Nothing was generated and ` +
        "it did not count against your quota. Rephrase the prompt and try again.",
      { category: body.category },
    );
  }
  if (type.endsWith("/quota")) {
    const wait = Number(response.headers.get("Retry-After") || 0);
    const at = new Date(Date.now() + wait * 1000);
    return new ApiError(
      "quota",
      `You have used today's image quota. It resets at 00:00 UTC (${at.toLocaleTimeString([], {
        hour: "2-digit",
        minute: "2-digit",
      })} your time, in ${inWords(wait)}).`,
      { retryAfter: wait },
    );
  }
  if (type.endsWith("/rate-limit")) {
    const wait = Number(response.headers.get("Retry-After") || 1);
    return new ApiError("rate", `Too many requests at once. Try again in ${inWords(wait)}.`, { retryAfter: wait });
  }
  if (response.status === 403) return new ApiError("forbidden", body.detail);
  if (response.status >= 500) {
    return new ApiError("server", `The server had a problem (${response.status}): ${body.detail || "no detail"}.`);
  }
  return new ApiError("request", body.detail || `The request failed (${response.status}).`, { field: body.field });
}

// Seeds go up to 2^63 - 1, past JavaScript's exact integers (2^53): the page keeps them as strings
// of digits, read from and written to the wire as JSON numbers, so "again with the same seed" is exact.
const SEED_IN = /"seed":\s*(\d+)/g;
const SEED_OUT = /"seed":"(\d+)"/g;
export const parseJson = (text) => JSON.parse(text.replace(SEED_IN, '"seed":"$1"'));
const toJson = (body) => JSON.stringify(body).replace(SEED_OUT, '"seed":$1');

/** fetch with the key; JSON in and out; throws ApiError. */
export async function api(path, { method = "GET", body, raw = false } = {}) {
  const headers = { Authorization: `Bearer ${getKey() || ""}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : toJson(body) });
  } catch {
    throw unreachable();
  }
  if (!response.ok) throw await problem(response);
  return raw ? response : parseJson(await response.text());
}

/** Follow a job's events: calls on(name, data) for each; resolves with the last event's name. */
export async function follow(eventsUrl, on) {
  const path = new URL(eventsUrl, location.href).pathname;
  const response = await api(path, { raw: true });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let last = null;
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch {
      throw unreachable();
    }
    if (chunk.done) break;
    buffer += chunk.value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message";
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) name = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      if (!data) continue; // a keep-alive comment
      last = name;
      on(name, parseJson(data));
    }
  }
  return last;
}

/** A PNG through the API (bearer key) as an object URL, for downloads and admin previews. */
export async function blobUrl(path) {
  const response = await api(new URL(path, location.href).pathname, { raw: true });
  return URL.createObjectURL(await response.blob());
}
