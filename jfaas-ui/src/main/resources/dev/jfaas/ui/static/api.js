// The portal speaks the gateway's own /system API. Every change carries the portal's header, which
// the gateway requires of a browser's mutating requests (a cross-site page cannot set it).

/**
 * fetch() on this gateway. Paths are made absolute against the page's origin: a page opened as
 * http://user:password@host/ui/ would otherwise resolve them to URLs with credentials, which
 * fetch refuses.
 */
export async function request(path, init = {}) {
  const method = (init.method || "GET").toUpperCase();
  const headers = new Headers(init.headers || {});
  const reading = method === "GET" || method === "HEAD";
  if (!reading) headers.set("X-Jfaas-Portal", "1");
  const url = new URL(path, location.origin);
  const options = { credentials: "same-origin", ...init, headers };
  // A read the browser dropped before any answer (ERR_NETWORK_CHANGED as Wi-Fi or a VPN comes and
  // goes) is asked again twice, so a page does not stay empty for a blip; a change is never sent
  // twice, nor a function's call (retry: false), nor a request its page gave up (aborted).
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, options);
    } catch (e) {
      if (!reading || init.retry === false || e.name === "AbortError" || attempt === 3) throw e;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await request(path, {
    method, headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try { message = JSON.parse(text).error || text; } catch { /* plain text */ }
    throw new Error(`${response.status}: ${message}`);
  }
  if (!text) return null;
  try { return JSON.parse(text); } catch { return text; }
}

export function namespace() {
  return localStorage.getItem("jfaas.namespace") || "openfaas-fn";
}

export function setNamespace(ns) {
  localStorage.setItem("jfaas.namespace", ns);
}

/** name.namespace as the invoke routes take it. */
export function qualified(name) {
  return namespace() === "openfaas-fn" ? name : `${name}.${namespace()}`;
}
