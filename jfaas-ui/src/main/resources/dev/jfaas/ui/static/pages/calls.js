import { api, namespace, request } from "../api.js";
import { field, h, table, toast } from "../dom.js";
import { time } from "../time.js";
import { keptRequest } from "../request-view.js";

const STATUSES = ["", "queued", "running", "retrying", "succeeded", "failed", "dead", "cancelled"];

async function record(main, id) {
  const call = await api("GET", `/system/calls/${encodeURIComponent(id)}`);
  const result = await request(`/system/calls/${encodeURIComponent(id)}/result`);
  const value = (k, v) => (k.endsWith("At") ? time(v) : typeof v === "object" ? JSON.stringify(v) : v);
  const rows = Object.entries(call).map(([k, v]) => h("tr", {}, h("td", {}, k), h("td", {}, value(k, v))));
  // Only what the call's state allows: a call still to run can be cancelled, one that ended badly replayed.
  const actions = [];
  if (["dead", "failed"].includes(call.status)) {
    actions.push(h("button", { id: "call-replay", onclick: async () => {
      await api("POST", `/system/calls/${encodeURIComponent(id)}/replay`); toast("replayed");
    } }, "Replay"));
  }
  if (["queued", "running", "retrying"].includes(call.status)) {
    actions.push(h("button", { id: "call-cancel", class: "danger", onclick: async () => {
      if (!confirm("Cancel this call?")) return;
      await api("DELETE", `/async-function/${encodeURIComponent(id)}`); toast("cancelled");
    } }, "Cancel"));
  }
  main.append(h("h1", {}, `Call ${id}`),
    h("div", { class: "actions" }, actions),
    table(["Field", "Value"], rows), h("h2", {}, `Result (${result.status})`), h("pre", { id: "call-result" }, await result.text()));
  if (["dead", "failed"].includes(call.status)) {
    main.append(h("h2", {}, "Request (as it would be replayed)"), await keptRequest(id).catch((e) => h("p", { class: "muted" }, e.message)));
  }
}

export async function show(main, [id]) {
  if (id) return record(main, id);
  const byId = h("input", { name: "id", placeholder: "a call id" });
  const fn = h("input", { name: "function", placeholder: "function name" });
  const status = h("select", { name: "status" }, STATUSES.map((s) => h("option", { value: s }, s || "any")));
  const list = h("div");
  const form = h("form", {}, field("Call id", byId), field("Function", fn), field("Status", status),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Search")));
  async function search() {
    if (byId.value.trim()) { location.hash = `#/calls/${encodeURIComponent(byId.value.trim())}`; return; }
    const q = new URLSearchParams({ limit: "200" });
    if (fn.value) q.set("function", fn.value.includes(".") ? fn.value : `${fn.value}.${namespace()}`);
    if (status.value) q.set("status", status.value);
    const calls = await api("GET", `/system/calls?${q}`);
    list.replaceChildren(calls.length ? table(["Call", "Function", "Status", "Attempts", "Accepted", "Code", "Error"], calls.map((c) =>
      h("tr", {}, h("td", {}, h("a", { href: `#/calls/${encodeURIComponent(c.callId)}` }, c.callId)), h("td", {}, c.function),
        h("td", { class: ["dead", "failed"].includes(c.status) ? "bad" : "" }, c.status), h("td", {}, `${c.attempts}/${c.maxAttempts}`),
        h("td", {}, time(c.acceptedAt)), h("td", {}, c.statusCode || ""), h("td", {}, c.error || ""))))
      : h("p", { class: "muted" }, "No calls."));
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); search().catch((x) => toast(x.message, true)); });
  main.append(h("h1", {}, "Calls"), form, list);
  await search();
}
