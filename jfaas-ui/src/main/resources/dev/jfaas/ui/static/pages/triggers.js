import { api, namespace } from "../api.js";
import { h, table } from "../dom.js";
import { time } from "../time.js";

// Schedules with their next firing and topic subscriptions with their state, as /system/triggers has them.
export async function show(main) {
  const area = h("div");
  let shown = "";
  main.append(h("h1", {}, "Triggers"), area);
  async function render() {
    const answer = await api("GET", `/system/triggers?namespace=${encodeURIComponent(namespace())}`);
    const signature = JSON.stringify(answer); // redrawn only when changed, so focus stays where it is
    if (signature === shown) return;
    shown = signature;
    const rows = answer.triggers.map((t) => h("tr", { "data-trigger": `${t.function}/${t.topic}` },
      h("td", {}, h("a", { href: `#/function/${encodeURIComponent(t.function)}` }, t.function)),
      h("td", {}, t.trigger || "every broker"),
      h("td", {}, t.kind === "schedule" ? `${t.schedule} (${t.timezone})` : t.topic),
      h("td", {}, time(t.next)),
      h("td", {}, time(t.lastFired)),
      h("td", {}, t.messages),
      h("td", { class: String(t.state).startsWith("subscribed") || t.state === "scheduled" ? "good" : "bad" }, t.state)));
    area.replaceChildren(
      h("p", {}, "Brokers: ", answer.brokers.length ? answer.brokers.join(", ") : "none (set JFAAS_TRIGGERS)"),
      rows.length ? table(["Function", "Trigger", "Topic or schedule", "Next", "Last fired", "Messages", "State"], rows)
        : h("p", { class: "muted" }, "No function has a schedule or a topic. Annotate one with topic: cron-function and a schedule, or with topic: a,b."));
  }
  await render();
  const timer = setInterval(() => render().catch(() => {}), 3000);
  return () => clearInterval(timer);
}
