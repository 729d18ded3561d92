import { api, namespace, qualified, request } from "../api.js";
import { field, h, pairs, toast } from "../dom.js";

function hex(bytes) {
  const out = [];
  for (let i = 0; i < Math.min(bytes.length, 4096); i += 16) {
    const row = Array.from(bytes.slice(i, i + 16));
    out.push(i.toString(16).padStart(6, "0") + "  " + row.map((b) => b.toString(16).padStart(2, "0")).join(" "));
  }
  return out.join("\n");
}

export async function show(main, [preset]) {
  const list = await api("GET", `/system/functions?namespace=${encodeURIComponent(namespace())}`);
  const fn = h("select", { name: "function", id: "invoke-function" }, list.map((f) => h("option", { value: f.name, selected: f.name === preset }, f.name)));
  const method = h("select", { name: "method" }, ["POST", "GET", "PUT", "PATCH", "DELETE"].map((m) => h("option", {}, m)));
  const path = h("input", { name: "path", value: "/", id: "invoke-path" });
  const query = h("input", { name: "query", placeholder: "a=1&b=2" });
  const headers = h("textarea", { name: "headers", placeholder: "Header-Name=value, one a line" });
  const body = h("textarea", { name: "body", id: "invoke-body", placeholder: "the request body" });
  const file = h("input", { type: "file", name: "file" });
  const async = h("input", { type: "checkbox", name: "async", id: "invoke-async" });
  const asJson = h("input", { type: "checkbox", name: "json" });
  const result = h("section", { id: "invoke-result", "aria-live": "polite" });
  const form = h("form", { id: "invoke-form" }, field("Function", fn), field("Method", method), field("Path", path), field("Query", query),
    field("Headers", headers), field("Body", body), field("…or a file", file), field("Body is JSON", asJson), field("Async", async),
    h("div", { class: "actions" }, h("button", { type: "submit", id: "invoke-send" }, "Send")));

  function url(prefix) {
    const p = path.value.startsWith("/") ? path.value : `/${path.value}`;
    return `/${prefix}/${qualified(fn.value)}${p === "/" ? "" : p}${query.value ? `?${query.value}` : ""}`;
  }

  function curl(target, sent) {
    const parts = [`curl -i -X ${method.value}`];
    for (const [k, v] of Object.entries(sent)) parts.push(`-H '${k}: ${v.replaceAll("'", "'\\''")}'`);
    if (body.value) parts.push(`--data-binary '${body.value.replaceAll("'", "'\\''")}'`);
    parts.push(`'${location.origin}${target}'`);
    return parts.join(" ");
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const sent = pairs(headers.value);
    if (asJson.checked) sent["Content-Type"] = "application/json";
    const payload = file.files[0] ? await file.files[0].arrayBuffer() : (method.value === "GET" ? undefined : body.value);
    const target = url(async.checked ? "async-function" : "function");
    const started = performance.now();
    let response;
    try {
      response = await request(target, { method: async.checked ? "POST" : method.value, headers: sent, body: payload, retry: false });
    } catch (e) { toast(e.message, true); return; }
    const took = performance.now() - started;
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    const shown = h("pre", { id: "invoke-output" });
    const type = response.headers.get("Content-Type") || "";
    try { shown.textContent = type.includes("json") ? JSON.stringify(JSON.parse(text), null, 2) : text; } catch { shown.textContent = text; }
    const download = h("a", { href: URL.createObjectURL(new Blob([bytes], { type })), download: "response" }, "download");
    const views = h("span", { class: "actions" },
      h("button", { type: "button", class: "secondary", onclick: () => { shown.textContent = text; } }, "text"),
      h("button", { type: "button", class: "secondary", onclick: () => { shown.textContent = hex(bytes); } }, "hex"),
      h("button", { type: "button", class: "secondary", onclick: () => { navigator.clipboard?.writeText(curl(target, sent)); toast("copied as curl"); } }, "copy as curl"),
      download);
    const head = Array.from(response.headers.entries()).map(([k, v]) => `${k}: ${v}`).join("\n");
    result.replaceChildren(h("h2", {}, "Answer"),
      h("p", { id: "invoke-status" }, `${response.status} in ${took.toFixed(1)} ms`), views, h("h2", {}, "Headers"), h("pre", {}, head),
      h("h2", {}, "Body"), shown, h("h2", {}, "As curl"), h("pre", { id: "invoke-curl" }, curl(target, sent)));
    if (async.checked && response.status === 202) follow(response.headers.get("X-Call-Id"));
  });

  // An async call, followed to its result.
  async function follow(id) {
    const state = h("p", { id: "invoke-call" }, `call ${id}: queued`);
    result.prepend(state);
    for (let i = 0; i < 300; i++) {
      const record = await api("GET", `/system/calls/${encodeURIComponent(id)}`);
      state.textContent = `call ${id}: ${record.status} (attempts ${record.attempts})`;
      if (!["queued", "running", "retrying"].includes(record.status)) {
        const answer = await request(`/system/calls/${encodeURIComponent(id)}/result`);
        result.append(h("h2", {}, "Result"), h("pre", { id: "invoke-async-result" }, await answer.text()),
          h("p", {}, h("a", { href: `#/calls/${encodeURIComponent(id)}` }, "the call's record")));
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  main.append(h("h1", {}, "Invoke"), h("div", { class: "split" }, form, result));
}
