import { api } from "./api.js";
import { h, table } from "./dom.js";

/** A dead or failed call's kept request: method, path, headers, the start of its body. */
export async function keptRequest(id) {
  const kept = await api("GET", `/system/calls/${encodeURIComponent(id)}/request`);
  const target = `${kept.method} ${kept.path || "/"}${kept.query ? `?${kept.query}` : ""}`;
  const body = kept.body !== null && kept.body !== undefined ? kept.body : `(binary, base64) ${kept.bodyBase64}`;
  return h("div", { class: "kept", "data-kept": id },
    h("p", {}, h("code", {}, target), ` · ${kept.bodyBytes} bytes${kept.truncated ? " (first 16 KiB shown)" : ""}`),
    h("pre", { class: "preview" }, body || "(empty body)"),
    kept.headers.length ? h("details", {}, h("summary", {}, `${kept.headers.length} headers`),
      table(["Header", "Value"], kept.headers.map((x) => h("tr", {}, h("td", {}, x.name), h("td", {}, x.value))))) : "");
}
