import { api, namespace, request } from "../api.js";
import { field, h, table } from "../dom.js";
import { parse } from "../metrics.js";
import { when } from "../time.js";

function ago(seconds) {
  if (!seconds) return "never";
  const s = Math.max(0, Date.now() / 1000 - seconds);
  if (s < 60) return `${Math.round(s)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return when(seconds);
}

export async function show(main) {
  const filter = h("input", { type: "search", placeholder: "name, image or command" });
  const body = h("div");
  main.append(h("h1", {}, "Functions"), field("Filter", filter), body,
    h("p", {}, h("a", { href: "#/deploy" }, "Deploy a function")));
  let list = [];
  let errors = {};
  let lastCall = {};
  async function load() {
    const [functions, metrics] = await Promise.all([api("GET", `/system/functions?namespace=${encodeURIComponent(namespace())}`),
      request("/metrics").then((r) => r.text()).then(parse)]);
    const e = {};
    const last = {};
    for (const s of metrics) {
      if (s.name === "gateway_function_invocation_total") {
        const counts = (e[s.labels.function_name] ||= { all: 0, bad: 0 });
        counts.all += s.value;
        if (!String(s.labels.code).startsWith("2")) counts.bad += s.value;
      } else if (s.name === "jfaas_function_last_call_timestamp_seconds") {
        last[s.labels.function_name] = s.value;
      }
    }
    list = functions; errors = e; lastCall = last;
  }
  function render() {
    const q = filter.value.toLowerCase();
    const rows = list.filter((f) => !q || [f.name, f.image, f.envProcess].some((x) => String(x || "").toLowerCase().includes(q)))
      .map((f) => {
        const e = errors[`${f.name}.${f.namespace}`] || { all: 0, bad: 0 };
        const vars = f.envVars || {};
        return h("tr", {},
          h("td", {}, h("a", { href: `#/function/${encodeURIComponent(f.name)}` }, f.name)),
          h("td", {}, f.namespace),
          h("td", { class: f.availableReplicas < f.replicas ? "bad" : "" }, `${f.availableReplicas || 0} / ${f.replicas || 0}`),
          h("td", {}, vars.mode || "serializing"),
          h("td", {}, f.image, h("br"), h("span", { class: "muted" }, f.envProcess || vars.fprocess || "")),
          h("td", {}, f.invocationCount || 0),
          h("td", {}, e.all ? `${((100 * e.bad) / e.all).toFixed(1)} %` : "–"),
          h("td", {}, ago(lastCall[`${f.name}.${f.namespace}`])),
          h("td", {}, f.message ? h("span", { class: "bad" }, f.message) : ""));
      });
    body.replaceChildren(rows.length ? table(["Name", "Namespace", "Ready", "Mode", "Image / process", "Calls", "Errors", "Last call", "Note"], rows)
      : h("p", { class: "muted" }, list.length ? "No function matches." : "No functions yet."));
  }
  filter.addEventListener("input", render);
  await load();
  render();
  let shown = "";
  const timer = setInterval(() => load().then(() => {
    const signature = JSON.stringify([list, errors, lastCall]); // redrawn only when changed, so focus stays
    if (signature !== shown) { shown = signature; render(); }
  }).catch(() => {}), 5000);
  return () => clearInterval(timer);
}
