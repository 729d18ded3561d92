package dev.jfaas.app;

import dev.jfaas.app.logging.ConsoleLogging;
import dev.jfaas.gateway.GatewayConfig;
import dev.jfaas.gateway.scaling.AutoscalerSettings;
import dev.jfaas.images.ImageSettings;
import dev.jfaas.sandbox.SandboxSettings;
import dev.jfaas.settings.Setting;
import dev.jfaas.settings.Settings;
import dev.jfaas.store.sqlite.StoreSettings;
import dev.jfaas.triggers.topics.Brokers;
import dev.jfaas.worker.WorkerSettings;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every setting of a jfaas process, by the part it belongs to: what a start checks, what
 * {@code jfaas config} prints, and what the README's settings table is made from.
 */
final class SettingsCatalog {

    /** One part's settings, as that part declares them. */
    record Part(String name, List<Setting<?>> settings) {}

    /** Read by the {@code jfaas} launcher script, not by Java: listed so it is known and documented. */
    static final Setting<String> JAVA_OPTS = Setting.text("JFAAS_JAVA_OPTS", null,
            "extra JVM options for `./jfaas` (after the launcher's defaults, so they can override them)");

    static final List<Part> PARTS = List.of(
            new Part("gateway", GatewayConfig.SETTINGS),
            new Part("store", StoreSettings.SETTINGS),
            new Part("queue", QueueSettings.SETTINGS),
            new Part("worker", WorkerSettings.SETTINGS),
            new Part("standalone worker", List.of(WorkerCommand.GATEWAY_PASSWORD)),
            new Part("autoscaler", AutoscalerSettings.SETTINGS),
            new Part("provider", List.of(FunctionProviders.PROVIDER)),
            new Part("sandbox", SandboxSettings.SETTINGS),
            new Part("images", ImageSettings.SETTINGS),
            new Part("triggers", List.of(Brokers.SETTING)),
            new Part("process", List.of(Settings.CONFIG_FILE, ConsoleLogging.LEVEL, JAVA_OPTS)));

    private SettingsCatalog() {}

    static List<Setting<?>> all() {
        return PARTS.stream().flatMap(part -> part.settings().stream()).toList();
    }

    /**
     * Checks every setting at once.
     *
     * @return a warning for each {@code JFAAS_*} name that is no setting
     * @throws IllegalArgumentException a line for each bad value
     */
    static List<String> check(Settings settings) {
        return settings.check(all());
    }

    /** The README's settings table. */
    static String markdown() {
        var rows = all().stream().map(setting -> "| `" + setting.name() + "` | " + setting.shownDefault() + " | "
                + setting.help() + " |").collect(Collectors.joining("\n"));
        return "| variable | default | meaning |\n|---|---|---|\n" + rows + "\n";
    }
}
