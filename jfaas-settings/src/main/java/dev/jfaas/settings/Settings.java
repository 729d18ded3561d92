package dev.jfaas.settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Where a jfaas process's settings come from, in the order that wins: the command line, the
 * environment, a settings file ({@code JFAAS_CONFIG}, lines of {@code NAME=value} as systemd's
 * EnvironmentFile), then each setting's default. The only place a jfaas process reads its environment
 * ({@link #fromProcess()}); parts get their typed settings from here.
 */
public final class Settings {

    /** Where a setting's value came from. */
    public enum Origin { DEFAULT, FILE, ENVIRONMENT, COMMAND_LINE }

    /** A setting as {@code jfaas config} shows it. */
    public record Entry(String name, String value, Origin origin, String help) {}

    /** A settings file of {@code NAME=value} lines, read before the environment (which wins). */
    public static final Setting<String> CONFIG_FILE = Setting.text("JFAAS_CONFIG", null,
            "a settings file of NAME=value lines (as systemd's EnvironmentFile); the environment and the command line win over it");

    private final Map<String, String> environment;
    private final Map<String, String> file;
    private final Path filePath;
    private final Map<String, String> commandLine;

    private Settings(Map<String, String> environment, Path filePath, Map<String, String> file, Map<String, String> commandLine) {
        this.environment = Map.copyOf(environment);
        this.filePath = filePath;
        this.file = Map.copyOf(file);
        this.commandLine = Map.copyOf(commandLine);
    }

    /** This process's settings: its environment, and the file {@code JFAAS_CONFIG} names. */
    public static Settings fromProcess() {
        return of(System.getenv());
    }

    /**
     * This process's environment without a settings file: for the client commands, which read
     * only their own variables ({@code OPENFAAS_URL}, …) through {@link #environment(String)}.
     */
    public static Settings environmentOnly() {
        return new Settings(System.getenv(), null, Map.of(), Map.of());
    }

    /** Settings from this environment, and the file its {@code JFAAS_CONFIG} names. */
    public static Settings of(Map<String, String> environment) {
        var none = new Settings(environment, null, Map.of(), Map.of());
        var path = none.get(CONFIG_FILE);
        return path == null || path.isBlank() ? none : none.withFile(Path.of(path));
    }

    /** These settings with the file's {@code NAME=value} lines under the environment. */
    public Settings withFile(Path path) {
        return new Settings(environment, path, readFile(path), commandLine);
    }

    /** These settings with a value given on the command line, which wins over every other. */
    public Settings with(String name, String value) {
        var more = new HashMap<>(commandLine);
        more.put(name, value);
        return new Settings(environment, filePath, file, more);
    }

    /**
     * The setting's value.
     *
     * @throws IllegalArgumentException one line naming the setting, the value and what it accepts
     */
    public <T> T get(Setting<T> setting) {
        var text = text(setting.name());
        if (text == null) {
            return setting.fallback().apply(this);
        }
        try {
            return setting.parser().parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting.name() + "=\"" + shown(setting, text) + "\"" + from(setting.name())
                    + ": " + e.getMessage());
        }
    }

    /** Where the setting's value comes from. */
    public Origin origin(Setting<?> setting) {
        var name = setting.name();
        if (commandLine.containsKey(name)) {
            return Origin.COMMAND_LINE;
        }
        if (present(environment.get(name))) {
            return Origin.ENVIRONMENT;
        }
        return present(file.get(name)) ? Origin.FILE : Origin.DEFAULT;
    }

    /** A variable of the environment that is not a jfaas setting (PATH, XDG_RUNTIME_DIR, KUBECONFIG, …). */
    public Optional<String> environment(String name) {
        return Optional.ofNullable(environment.get(name)).filter(Settings::present);
    }

    /**
     * Reads every known setting, so a bad value stops a start with every mistake at once, and
     * returns a warning for each {@code JFAAS_*} name that is set but not known.
     *
     * @throws IllegalArgumentException a line per bad value
     */
    public List<String> check(Collection<Setting<?>> known) {
        var problems = new java.util.LinkedHashSet<String>();
        for (var setting : known) {
            try {
                get(setting);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        var names = known.stream().map(Setting::name).toList();
        var unknown = new TreeSet<String>();
        for (var source : List.of(commandLine, environment, file)) {
            source.keySet().stream().filter(n -> n.startsWith("JFAAS_") && !names.contains(n)).forEach(unknown::add);
        }
        return unknown.stream().map(name -> name + from(name) + " is not a jfaas setting"
                + Spelling.closest(name, names).map(near -> "; did you mean " + near + "?").orElse("")).toList();
    }

    /** Every known setting with its value in force (secrets masked) and where it came from. */
    public List<Entry> describe(Collection<Setting<?>> known) {
        return known.stream().map(setting -> new Entry(setting.name(), shownValue(setting), origin(setting),
                setting.help())).toList();
    }

    private String shownValue(Setting<?> setting) {
        var text = text(setting.name());
        if (text != null) {
            return shown(setting, text);
        }
        var plain = setting.shownDefault();
        if (plain.matches("`[^`]*`")) {
            return shown(setting, plain.substring(1, plain.length() - 1));
        }
        // a default computed from the machine or other settings: the value it comes to here
        var value = setting.fallback().apply(this);
        return switch (value) {
            case null -> "";
            case java.time.Duration d -> shown(setting, Durations.text(d));
            case Collection<?> values -> shown(setting, String.join(",", values.stream().map(String::valueOf).toList()));
            default -> shown(setting, String.valueOf(value));
        };
    }

    private static String shown(Setting<?> setting, String text) {
        return switch (setting.shown()) {
            case PLAIN -> text;
            case SECRET -> text.isEmpty() ? "" : "****";
            case URLS -> masked(text);
        };
    }

    /** URLs with the passwords of their user parts masked: {@code amqp://guest:****@mq:5672}. */
    public static String masked(String urls) {
        return urls.replaceAll("(://[^/@:\\s,]*):[^@/\\s,]*@", "$1:****@");
    }

    private String from(String name) {
        return file.containsKey(name) && !commandLine.containsKey(name) && !present(environment.get(name))
                ? " (in " + filePath + ")" : "";
    }

    private String text(String name) {
        var given = commandLine.get(name);
        if (given != null) {
            return given;
        }
        var set = environment.get(name);
        if (present(set)) {
            return set;
        }
        var filed = file.get(name);
        return present(filed) ? filed : null;
    }

    private static boolean present(String text) {
        return text != null && !text.isBlank();
    }

    private static Map<String, String> readFile(Path path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path);
        } catch (IOException e) {
            throw new IllegalArgumentException("JFAAS_CONFIG=" + path + ": cannot read it (" + e.getMessage() + ")", e);
        }
        var values = new LinkedHashMap<String, String>();
        int number = 0;
        for (var raw : lines) {
            number++;
            var line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("JFAAS_CONFIG=" + path + " line " + number + ": expected NAME=value");
            }
            var value = line.substring(equals + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            values.put(line.substring(0, equals).strip(), value);
        }
        return values;
    }
}
