// The portal speaks the gateway's own /system API. Every change carries the portal's header, which
// the gateway requires of a browser's mutating requests (a cross-site page cannot set it).

/**
 * fetch() on this gateway. Paths are made absolute against the page's origin: a page opened as
 * http://user:password@host/ui/ would otherwise resolve them to URLs with credentials, which
 * fetch refuses.
 */
export function request(path, init = {}) {
  const method = (init.method || "GET").toUpperCase();
  const headers = new Headers(init.headers || {});
  if (method !== "GET" && method !== "HEAD") headers.set("X-Jfaas-Portal", "1");
  return fetch(new URL(path, location.origin), { credentials: "same-origin", ...init, headers });
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
