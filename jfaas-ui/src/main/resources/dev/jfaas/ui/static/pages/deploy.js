import { api, namespace } from "../api.js";
import { field, h, lines, pairs, toast } from "../dom.js";

export async function show(main, [existing]) {
  const ns = namespace();
  let current = null;
  if (existing) current = await api("GET", `/system/function/${encodeURIComponent(existing)}?namespace=${encodeURIComponent(ns)}`);
  const vars = { ...(current?.envVars || {}) };
  const mode = vars.mode || "serializing";
  delete vars.mode;
  const input = (name, value, attrs = {}) => h("input", { name, value: value || "", ...attrs });
  const area = (name, value) => h("textarea", { name, placeholder: "key=value, one a line" }, value || "");
  const form = h("form", { id: "deploy-form" },
    field("Name", input("service", current?.name, { required: true, pattern: "[a-z0-9]([a-z0-9\\-]*[a-z0-9])?", readonly: !!current })),
    field("Image or directory", input("image", current?.image, { required: true, placeholder: "ghcr.io/team/fn:1.0 or /srv/fn" })),
    field("Process (fprocess)", input("envProcess", current?.envProcess, { placeholder: "python3 handler.py" })),
    field("Mode", h("select", { name: "mode" }, ["serializing", "streaming", "http"].map((m) =>
      h("option", { value: m, selected: m === mode }, m)))),
    field("Environment", area("envVars", lines(vars))),
    field("Labels", area("labels", lines(Object.fromEntries(Object.entries(current?.labels || {}).filter(([k]) => k !== "faas_function"))))),
    field("Annotations", area("annotations", lines(current?.annotations))),
    field("Secrets", input("secrets", (current?.secrets || []).join(", "), { placeholder: "names, comma-separated" })),
    field("Memory limit", input("memory", current?.limits?.memory, { placeholder: "128Mi" })),
    field("CPU limit", input("cpu", current?.limits?.cpu, { placeholder: "500m" })),
    h("div", { class: "actions" }, h("button", { type: "submit" }, current ? "Update" : "Deploy")));
  const preview = h("pre", { id: "deploy-json", "aria-label": "What is sent" });

  function body() {
    const data = new FormData(form);
    const envVars = pairs(data.get("envVars"));
    if (data.get("mode") !== "serializing") envVars.mode = data.get("mode");
    const deployment = {
      service: data.get("service"), image: data.get("image"), namespace: ns, envVars,
      labels: pairs(data.get("labels")), annotations: pairs(data.get("annotations")),
      secrets: String(data.get("secrets") || "").split(",").map((s) => s.trim()).filter(Boolean),
    };
    if (data.get("envProcess")) deployment.envProcess = data.get("envProcess");
    const limits = {};
    if (data.get("memory")) limits.memory = data.get("memory");
    if (data.get("cpu")) limits.cpu = data.get("cpu");
    if (Object.keys(limits).length) deployment.limits = limits;
    return deployment;
  }
  const update = () => { preview.textContent = JSON.stringify(body(), null, 2); };
  form.addEventListener("input", update);
  // What the gateway answered stays beside the form until the form changes, not only in a toast.
  const error = h("p", { id: "deploy-error", class: "bad", role: "alert" });
  form.append(error);
  form.addEventListener("input", () => { error.textContent = ""; });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      await api(current ? "PUT" : "POST", "/system/functions", body());
      toast(`${current ? "updated" : "deployed"} ${body().service}`);
      location.hash = `#/function/${encodeURIComponent(body().service)}`;
    } catch (e) { error.textContent = e.message; }
  });
  main.append(h("h1", {}, current ? `Update ${current.name}` : "Deploy a function"), form,
    h("h2", {}, "What is sent (POST /system/functions)"), preview);
  update();
}
