package dev.jfaas.app;

import dev.jfaas.settings.Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jfaas config}: the settings a gateway started here would have, and where each comes from. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Print every setting a gateway started here would run with: its value (secrets masked) and",
            "where it came from (default, file, environment). Checks them as a start does: a bad value",
            "is an error naming the variable, an unknown JFAAS_* name a warning with the closest known one."},
        footer = {"", "Examples:", "  jfaas config", "  JFAAS_QUEUE=nats://127.0.0.1:4222 jfaas config --changed",
            "  jfaas config --config /etc/jfaas/jfaas.conf", "  jfaas config --markdown   # the README's settings table"})
final class ConfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "a settings file of NAME=value lines (default: $JFAAS_CONFIG)")
    Path file;

    @Option(names = "--changed", description = "only the settings that are not at their default")
    boolean changed;

    @Option(names = "--markdown", description = "print the table of every setting, its default and meaning, in Markdown")
    boolean markdown;

    /** The process's settings, or what a test gives in their place. */
    private final java.util.function.Supplier<Settings> process;

    ConfigCommand() {
        this(Settings::fromProcess);
    }

    ConfigCommand(java.util.function.Supplier<Settings> process) {
        this.process = process;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (markdown) {
            out.print(SettingsCatalog.markdown());
            out.flush();
            return 0;
        }
        Settings settings;
        try {
            settings = file == null ? process.get() : process.get().withFile(file);
            SettingsCatalog.check(settings).forEach(warning -> err.println("warning: " + warning));
        } catch (IllegalArgumentException e) {
            e.getMessage().lines().forEach(line -> err.println("error: " + line));
            return 1;
        }
        var entries = settings.describe(SettingsCatalog.all()).stream()
                .filter(entry -> !changed || entry.origin() != Settings.Origin.DEFAULT).toList();
        int width = entries.stream().mapToInt(entry -> entry.name().length()).max().orElse(4);
        int valueWidth = Math.min(40, entries.stream().mapToInt(entry -> entry.value().length()).max().orElse(5));
        out.printf("%-" + width + "s  %-" + valueWidth + "s  %s%n", "NAME", "VALUE", "FROM");
        for (var entry : entries) {
            out.printf("%-" + width + "s  %-" + valueWidth + "s  %s%n", entry.name(), entry.value(),
                    entry.origin().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        }
        out.flush();
        return 0;
    }
}
