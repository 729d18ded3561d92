package dev.jfaas.gateway.scaling;

import dev.jfaas.settings.Setting;
import dev.jfaas.settings.Settings;
import java.time.Duration;
import java.util.List;

/**
 * The built-in autoscaler's settings.
 *
 * @param enabled         whether it runs at all
 * @param interval        how often it looks at the load
 * @param scaleDownWindow how long the load must stay low before replicas are taken away
 */
public record AutoscalerSettings(boolean enabled, Duration interval, Duration scaleDownWindow) {

    public static final Setting<Boolean> ENABLED = Setting.flag("JFAAS_AUTOSCALE", true,
            "run the built-in autoscaler (replicas from load, `com.openfaas.scale.*` labels)");
    public static final Setting<Duration> INTERVAL = Setting.duration("JFAAS_AUTOSCALE_INTERVAL", Duration.ofSeconds(2),
            "how often the autoscaler looks at the load");
    public static final Setting<Duration> SCALE_DOWN_WINDOW = Setting.duration("JFAAS_SCALE_DOWN_WINDOW",
            Duration.ofSeconds(30), "how long the load must stay low before the autoscaler takes replicas away");

    public static final List<Setting<?>> SETTINGS = List.of(ENABLED, INTERVAL, SCALE_DOWN_WINDOW);

    public static AutoscalerSettings from(Settings settings) {
        return new AutoscalerSettings(settings.get(ENABLED), settings.get(INTERVAL), settings.get(SCALE_DOWN_WINDOW));
    }
}
