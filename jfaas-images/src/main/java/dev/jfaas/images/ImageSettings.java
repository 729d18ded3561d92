package dev.jfaas.images;

import dev.jfaas.settings.Setting;
import dev.jfaas.settings.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How a gateway gets images.
 *
 * @param strict       an image neither in the store nor in a registry is refused instead of run on the host's root
 * @param registryAuth registry credentials, as Docker keeps them
 * @param maxImageSize largest image archive {@code POST /system/images} takes, in bytes
 * @param pullTimeout  how long a pull may take
 * @param pull         when an image is pulled at deploy
 */
public record ImageSettings(boolean strict, Path registryAuth, long maxImageSize, Duration pullTimeout, Pull pull) {

    /** When an image is pulled at deploy, in Kubernetes' imagePullPolicy words. */
    public enum Pull {
        /** when it is not in the store (the default) */
        IF_NOT_PRESENT,
        /** at every deploy and update, so a tag that moved is followed (the stored one is kept if the pull fails) */
        ALWAYS,
        /** never: an image not in the store is not found */
        NEVER
    }

    /**
     * Names under {@code local/} are never pulled: they name what is on this machine (a function
     * run on the host's root, an imported image), and a registry's {@code local/…} is someone else's.
     */
    public static boolean local(String image) {
        return image != null && image.startsWith("local/");
    }

    public static final Setting<Boolean> STRICT = Setting.oneOf("JFAAS_IMAGES", "lenient",
            Map.of("strict", true, "lenient", false),
            "`strict`: an image not in the store or a registry is a 400, never a run on the host's root");
    public static final Setting<Path> REGISTRY_AUTH = Setting.parsed("JFAAS_REGISTRY_AUTH", "~/.docker/config.json",
            Path::of, "registry credentials for pulls, as Docker keeps them")
            .derived("`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`", ImageSettings::dockerConfig);
    public static final Setting<Long> MAX_IMAGE_SIZE = Setting.number("JFAAS_MAX_IMAGE_SIZE", 4L << 30, 0,
            "largest image archive `POST /system/images` takes (bytes)");

    public static final Setting<Duration> PULL_TIMEOUT = Setting.duration("JFAAS_PULL_TIMEOUT", Duration.ofMinutes(10),
            "how long an image pull may take before it is stopped (a deploy waiting for it then fails with 504)");

    public static final Setting<Pull> PULL = Setting.oneOf("JFAAS_IMAGE_PULL", "if-not-present",
            Map.of("if-not-present", Pull.IF_NOT_PRESENT, "always", Pull.ALWAYS, "never", Pull.NEVER),
            "when a deploy pulls its image (as Kubernetes' imagePullPolicy): `if-not-present`, `always` (follow a moved tag) "
            + "or `never`; names under `local/` are never pulled");

    public static final List<Setting<?>> SETTINGS = List.of(STRICT, PULL, REGISTRY_AUTH, MAX_IMAGE_SIZE, PULL_TIMEOUT);

    public static ImageSettings from(Settings settings) {
        return new ImageSettings(settings.get(STRICT), settings.get(REGISTRY_AUTH), settings.get(MAX_IMAGE_SIZE),
                settings.get(PULL_TIMEOUT), settings.get(PULL));
    }

    /** The store these settings describe, under {@code dir}. */
    public ImageStore open(Path dir) {
        return new ImageStore(dir, registryAuth, pullTimeout);
    }

    private static Path dockerConfig(Settings settings) {
        return settings.environment("DOCKER_CONFIG").map(dir -> Path.of(dir, "config.json"))
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".docker", "config.json"));
    }
}
