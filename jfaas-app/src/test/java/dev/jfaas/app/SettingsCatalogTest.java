package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jfaas.settings.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SettingsCatalogTest {

    @TempDir
    Path dir;

    @Test
    void theDocumentedSettingsTableIsTheCatalogs() throws IOException {
        var readme = Files.readString(Path.of("..", "docs", "configuration.md"));
        var start = readme.indexOf("| variable | default | meaning |");
        var end = readme.indexOf("\n\n", start);
        assertThat(readme.substring(start, end + 1))
                .as("docs/configuration.md's settings table; regenerate it with ./jfaas config --markdown")
                .isEqualTo(SettingsCatalog.markdown());
    }

    @Test
    void everySettingIsDeclaredOnceWithHelp() {
        var names = new HashSet<String>();
        for (var setting : SettingsCatalog.all()) {
            assertThat(names.add(setting.name())).as("declared twice: " + setting.name()).isTrue();
            assertThat(setting.help()).as(setting.name()).isNotBlank();
        }
        assertThat(names).contains("JFAAS_PORT", "JFAAS_QUEUE", "JFAAS_SANDBOX", "JFAAS_TRIGGERS", "JFAAS_PROVIDER",
                "JFAAS_LOG_LEVEL", "JFAAS_CONFIG");
    }

    @Test
    void everyDefaultIsAValidValue() {
        var settings = Settings.of(Map.of());
        assertThat(SettingsCatalog.check(settings)).isEmpty();
        for (var setting : SettingsCatalog.all()) {
            settings.get(setting);
        }
    }

    @Test
    void aStartWithBadSettingsNamesEachOneAndOpensNothing() {
        var data = dir.resolve("data");
        assertThatThrownBy(() -> JfaasServer.start(Map.of("JFAAS_DATA", data.toString(), "JFAAS_PORT", "eighty",
                "JFAAS_QUEUE", "kafka://127.0.0.1:9092", "JFAAS_SANDBOX", "docker", "JFAAS_TRIGGERS", "nats://a:1,nats://b:2",
                "JFAAS_SECRETS_KEY", "short")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(String.join("\n",
                        "JFAAS_PORT=\"eighty\": use a whole number from 0 to 65535",
                        "JFAAS_SECRETS_KEY=\"****\": use base64 of 32 random bytes (head -c 32 /dev/urandom | base64)",
                        "JFAAS_QUEUE=\"kafka://127.0.0.1:9092\": use embedded (durable, default), memory, nats://host:port or redis://host:port",
                        "JFAAS_SANDBOX=\"docker\": use one of bubblewrap, bwrap, none, off",
                        "JFAAS_TRIGGERS=\"nats://a:1,nats://b:2\": two nats brokers: name one of each kind"));
        assertThat(data).doesNotExist();
    }

    @Test
    void configPrintsEveryValueWhereItCameFromAndNoSecret() throws IOException {
        var file = Files.writeString(dir.resolve("jfaas.conf"), "JFAAS_QUEUE_MAX_INFLIGHT=4\nJFAAS_QUEU=memory\n");
        var process = Settings.of(Map.of("JFAAS_PORT", "0", "JFAAS_BASIC_AUTH_PASSWORD", "hunter2",
                "JFAAS_TRIGGERS", "amqp://guest:guest@127.0.0.1:5672"));
        var run = config(process, "--config", file.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).doesNotContain("hunter2", "guest:guest")
                .containsPattern("JFAAS_PORT +0 +environment")
                .containsPattern("JFAAS_QUEUE_MAX_INFLIGHT +4 +file")
                .containsPattern("JFAAS_LEASE_TIME +30s +default")
                .containsPattern("JFAAS_DURABILITY +full +default")
                .containsPattern("JFAAS_BASIC_AUTH_PASSWORD +\\*\\*\\*\\* +environment")
                .containsPattern("JFAAS_TRIGGERS +amqp://guest:\\*\\*\\*\\*@127.0.0.1:5672 +environment");
        assertThat(run.err()).contains("warning: JFAAS_QUEU (in " + file + ") is not a jfaas setting; did you mean JFAAS_QUEUE?");

        var changed = config(process, "--changed");
        assertThat(changed.out().lines().skip(1).map(line -> line.split(" +")[0]))
                .containsExactlyInAnyOrder("JFAAS_PORT", "JFAAS_BASIC_AUTH_PASSWORD", "JFAAS_TRIGGERS");
    }

    @Test
    void configSaysWhatIsWrongAndFails() {
        var run = config(Settings.of(Map.of("JFAAS_LEASE_TIME", "long", "JFAAS_SANDBOX_PIDS", "0")));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("error: JFAAS_LEASE_TIME=\"long\": use whole seconds (30) or a duration like 1m30s, 500ms, 2h",
                "error: JFAAS_SANDBOX_PIDS=\"0\": use a whole number from 1 to 4194304");
    }

    private record Run(int exit, String out, String err) {}

    private static Run config(Settings settings, String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var cli = new CommandLine(new ConfigCommand(() -> settings));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
