package dev.jfaas.store.sqlite;

import dev.jfaas.settings.Setting;
import dev.jfaas.settings.Settings;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Where a gateway keeps what it must not lose, and how hard it keeps it.
 *
 * @param dataDir        the data directory: the store, the embedded queue, function directories, images
 * @param durability     how hard a commit waits for the disk
 * @param secretsKey     the key secrets are sealed with, base64 of 32 bytes, or null to use the key file
 * @param secretsKeyFile the 0600 file holding the key, made on first start
 */
public record StoreSettings(Path dataDir, Durability durability, String secretsKey, Path secretsKeyFile) {

    public static final Setting<Path> DATA = Setting.parsed("JFAAS_DATA", "./.jfaas", Path::of,
            "data directory (store, embedded queue, function directories, images)");
    public static final Setting<Durability> DURABILITY = Setting.oneOf("JFAAS_DURABILITY", "full",
            Map.of("full", Durability.FULL, "normal", Durability.NORMAL),
            "`full`: every acknowledged write (an accepted call, a deploy, a secret, a cancel or replay) survives a "
            + "machine crash; the writes of a call's run (its lease, its end) are fsync'd with the next such write, so "
            + "after a power loss a call that had just finished may run again (at least once); `normal`: survives a "
            + "process crash only, faster");
    public static final Setting<String> SECRETS_KEY = new Setting<>("JFAAS_SECRETS_KEY",
            "the key secrets are sealed with at rest (AES-256-GCM), base64 of 32 bytes; keep it apart from backups of "
            + "the store", "–", StoreSettings::key, settings -> null, Setting.Shown.SECRET);
    public static final Setting<Path> SECRETS_KEY_FILE = Setting.parsed("JFAAS_SECRETS_KEY_FILE", "secrets.key", Path::of,
            "when `JFAAS_SECRETS_KEY` is unset, the 0600 file holding that key, made on first start")
            .derived("`secrets.key` in the data directory", settings -> settings.get(DATA).resolve("secrets.key"));

    public static final List<Setting<?>> SETTINGS = List.of(DATA, DURABILITY, SECRETS_KEY, SECRETS_KEY_FILE);

    public static StoreSettings from(Settings settings) {
        return new StoreSettings(settings.get(DATA), settings.get(DURABILITY), settings.get(SECRETS_KEY),
                settings.get(SECRETS_KEY_FILE));
    }

    /** The cipher these settings name: the key, or the key file (made if missing). */
    public SecretCipher cipher() {
        return SecretCipher.from(secretsKey, secretsKeyFile);
    }

    private static String key(String text) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            bytes = new byte[0];
        }
        if (bytes.length != 32) {
            throw new IllegalArgumentException("use base64 of 32 random bytes (head -c 32 /dev/urandom | base64)");
        }
        return text.strip();
    }
}
