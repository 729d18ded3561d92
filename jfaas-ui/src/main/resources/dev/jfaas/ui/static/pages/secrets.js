import { api, namespace } from "../api.js";
import { field, h, table, toast } from "../dom.js";

export async function show(main) {
  const ns = namespace();
  const name = h("input", { name: "name", required: true, pattern: "[a-z0-9]([a-z0-9\\-]*[a-z0-9])?" });
  const value = h("input", { name: "value", type: "password", required: true, autocomplete: "off" });
  const list = h("div");
  async function render() {
    const secrets = await api("GET", `/system/secrets?namespace=${encodeURIComponent(ns)}`);
    list.replaceChildren(secrets.length ? table(["Name", "Namespace", ""], secrets.map((s) => h("tr", {}, h("td", {}, s.name), h("td", {}, s.namespace),
      h("td", {}, h("button", { class: "danger", onclick: async () => {
        if (!confirm(`Delete secret ${s.name}?`)) return;
        await api("DELETE", "/system/secrets", { name: s.name, namespace: ns }); toast(`deleted ${s.name}`); render();
      } }, "Delete")))))
      : h("p", { class: "muted" }, "No secrets."));
  }
  const form = h("form", {}, field("Name", name), field("Value (never shown again)", value),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Create or update")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { name: name.value, namespace: ns, value: value.value };
    try {
      await api("POST", "/system/secrets", body).catch(async (e) => {
        if (!e.message.startsWith("409")) throw e;
        await api("PUT", "/system/secrets", body);
      });
      toast(`saved ${name.value}`); value.value = ""; render();
    } catch (e) { toast(e.message, true); }
  });
  main.append(h("h1", {}, "Secrets"), h("p", { class: "muted" }, "Values go in, never out: the gateway returns names only."), form, list);
  await render();
}
