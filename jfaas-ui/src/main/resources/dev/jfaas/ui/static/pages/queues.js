import { api } from "../api.js";
import { h, table, toast } from "../dom.js";
import { keptRequest } from "../request-view.js";

export async function show(main) {
  const area = h("div");
  const open = new Set();
  let shown = "";
  main.append(h("h1", {}, "Queues and dead letters"), area);
  async function render() {
    const [queues, dead] = await Promise.all([api("GET", "/system/queues"), api("GET", "/system/calls?status=dead&limit=200")]);
    // Redrawn only when something changed: a redraw would take the keyboard focus and selections away.
    const signature = JSON.stringify([queues, dead, [...open]]);
    if (signature === shown) return;
    shown = signature;
    const rows = queues.map((q) => h("tr", {}, h("td", {}, q.name), h("td", {}, q.depth), h("td", {}, q.inFlight), h("td", {}, q.delayed),
      h("td", { class: q.dead ? "bad" : "" }, q.dead), h("td", {}, `${Number(q.oldestAgeSeconds || 0).toFixed(1)} s`),
      h("td", {}, h("span", { class: "actions" },
        h("button", { class: "secondary", "data-replay-queue": q.name, onclick: async () => {
          const r = await api("POST", `/system/queues/${encodeURIComponent(q.name)}/dead-letters/replay`); toast(`replayed ${r.replayed}`); render();
        } }, "Replay all"),
        h("button", { class: "danger", onclick: async () => {
          if (!confirm(`Purge every dead letter of ${q.name}? They cannot be replayed after.`)) return;
          const r = await api("DELETE", `/system/queues/${encodeURIComponent(q.name)}/dead-letters`); toast(`purged ${r.purged}`); render();
        } }, "Purge")))));
    // Per function: the functions of one queue take turns, and one that pushes back (429) is sent
    // fewer calls at once ("at once": its adaptive limit, while it is held back).
    const byFunction = queues.flatMap((q) => (q.functions || []).map((f) => h("tr", { "data-function": `${q.name}/${f.function}.${f.namespace}` },
      h("td", {}, q.name), h("td", {}, `${f.function}.${f.namespace}`), h("td", {}, f.depth), h("td", {}, f.inFlight), h("td", {}, f.delayed),
      h("td", { class: f.dead ? "bad" : "" }, f.dead), h("td", {}, `${Number(f.oldestAgeSeconds || 0).toFixed(1)} s`),
      h("td", { class: f.adaptiveLimit == null ? "muted" : "warn", title: "calls sent at once while it pushes back (429)" },
        f.adaptiveLimit == null ? "—" : `${f.adaptiveLimit} (pushing back)`))));
    const checks = [];
    const deadRows = dead.map((c) => {
      const box = h("input", { type: "checkbox", "aria-label": `select ${c.callId}`, value: c.callId });
      checks.push(box);
      return h("tr", { "data-dead": c.callId }, h("td", {}, box), h("td", {}, h("a", { href: `#/calls/${encodeURIComponent(c.callId)}` }, c.callId)),
        h("td", {}, c.function), h("td", {}, c.queue), h("td", {}, c.attempts), h("td", { class: "bad" }, c.error || ""),
        h("td", {}, h("span", { class: "actions" },
          h("button", { class: "secondary", "data-preview": c.callId, "aria-expanded": String(open.has(c.callId)), onclick: () => {
            if (open.has(c.callId)) open.delete(c.callId); else open.add(c.callId);
            render();
          } }, open.has(c.callId) ? "Hide request" : "Request"),
          h("button", { class: "secondary", "data-replay": c.callId, onclick: async () => {
            await api("POST", `/system/calls/${encodeURIComponent(c.callId)}/replay`); toast(`replayed ${c.callId}`); render();
          } }, "Replay"))));
    });
    // The rows whose request is shown stay open across refreshes.
    const rowsWithRequests = [];
    for (const row of deadRows) {
      rowsWithRequests.push(row);
      const id = row.dataset.dead;
      if (!open.has(id)) continue;
      let shown;
      try { shown = await keptRequest(id); } catch (e) { shown = h("p", { class: "muted" }, e.message); }
      rowsWithRequests.push(h("tr", { class: "detail" }, h("td", { colspan: 7 }, shown)));
    }
    area.replaceChildren(
      queues.length ? table(["Queue", "Queued", "Running", "Delayed", "Dead", "Oldest", ""], rows) : h("p", { class: "muted" }, "No queues yet."),
      byFunction.length ? h("div", {}, h("h2", {}, "By function"),
        table(["Queue", "Function", "Queued", "Running", "Delayed", "Dead", "Oldest", "At once"], byFunction)) : "",
      h("h2", {}, "Dead letters"),
      dead.length ? h("div", {}, h("p", {}, h("button", { onclick: async () => {
        for (const box of checks.filter((b) => b.checked)) await api("POST", `/system/calls/${encodeURIComponent(box.value)}/replay`);
        toast("replayed the selected"); render();
      } }, "Replay selected")), table(["", "Call", "Function", "Queue", "Attempts", "Last error", ""], rowsWithRequests))
        : h("p", { class: "muted", id: "no-dead" }, "No dead letters."));
  }
  await render();
  const timer = setInterval(() => render().catch(() => {}), 3000);
  return () => clearInterval(timer);
}
