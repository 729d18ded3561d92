package dev.jfaas.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    static final Setting<Integer> PORT = Setting.integer("JFAAS_PORT", 8080, 0, 65535, "HTTP port");
    static final Setting<Duration> LEASE = Setting.duration("JFAAS_LEASE_TIME", Duration.ofSeconds(30), "lease");
    static final Setting<String> QUEUE = Setting.text("JFAAS_QUEUE", "embedded", "queue").urls();
    static final Setting<String> PASSWORD = Setting.text("JFAAS_BASIC_AUTH_PASSWORD", null, "password").secret();
    static final Setting<Long> BODY = Setting.number("JFAAS_MAX_BODY_SIZE", 1000, 0, "body");
    static final Setting<Long> ASYNC_BODY = Setting.number("JFAAS_MAX_ASYNC_BODY_SIZE", 0, 0, "async body")
            .derived("the body size", settings -> settings.get(BODY) / 2);
    static final List<Setting<?>> ALL = List.of(PORT, LEASE, QUEUE, PASSWORD, BODY, ASYNC_BODY);

    @TempDir
    Path dir;

    @Test
    void aValueComesFromTheCommandLineThenTheEnvironmentThenTheFileThenTheDefault() throws IOException {
        var file = Files.writeString(dir.resolve("jfaas.conf"), """
                # a comment
                JFAAS_PORT=9000
                export JFAAS_LEASE_TIME="45s"
                JFAAS_QUEUE='nats://127.0.0.1:4222'
                """);
        var settings = Settings.of(Map.of("JFAAS_CONFIG", file.toString(), "JFAAS_QUEUE", "memory"));

        assertThat(settings.get(PORT)).isEqualTo(9000);
        assertThat(settings.origin(PORT)).isEqualTo(Settings.Origin.FILE);
        assertThat(settings.get(LEASE)).isEqualTo(Duration.ofSeconds(45));
        assertThat(settings.get(QUEUE)).isEqualTo("memory");
        assertThat(settings.origin(QUEUE)).isEqualTo(Settings.Origin.ENVIRONMENT);
        assertThat(settings.get(BODY)).isEqualTo(1000);
        assertThat(settings.origin(BODY)).isEqualTo(Settings.Origin.DEFAULT);

        var overridden = settings.with("JFAAS_PORT", "0");
        assertThat(overridden.get(PORT)).isZero();
        assertThat(overridden.origin(PORT)).isEqualTo(Settings.Origin.COMMAND_LINE);
    }

    @Test
    void aBlankVariableCountsAsUnset() {
        var settings = Settings.of(Map.of("JFAAS_PORT", " "));
        assertThat(settings.get(PORT)).isEqualTo(8080);
        assertThat(settings.origin(PORT)).isEqualTo(Settings.Origin.DEFAULT);
    }

    @Test
    void aDerivedDefaultFollowsTheSettingItComesFrom() {
        assertThat(Settings.of(Map.of()).get(ASYNC_BODY)).isEqualTo(500);
        assertThat(Settings.of(Map.of("JFAAS_MAX_BODY_SIZE", "64")).get(ASYNC_BODY)).isEqualTo(32);
        assertThat(Settings.of(Map.of("JFAAS_MAX_BODY_SIZE", "64", "JFAAS_MAX_ASYNC_BODY_SIZE", "7")).get(ASYNC_BODY)).isEqualTo(7);
    }

    @Test
    void everyBadValueIsOneLineNamingTheVariableAndWhatItAccepts() {
        var settings = Settings.of(Map.of("JFAAS_PORT", "http", "JFAAS_LEASE_TIME", "soon", "JFAAS_MAX_BODY_SIZE", "-1"));

        assertThatThrownBy(() -> settings.get(PORT)).hasMessage("JFAAS_PORT=\"http\": use a whole number from 0 to 65535");
        assertThatThrownBy(() -> settings.check(ALL)).hasMessage(String.join("\n",
                "JFAAS_PORT=\"http\": use a whole number from 0 to 65535",
                "JFAAS_LEASE_TIME=\"soon\": " + Durations.ACCEPTED,
                "JFAAS_MAX_BODY_SIZE=\"-1\": use a whole number of at least 0"));
    }

    @Test
    void aBadValueFromTheFileSaysWhichFile() throws IOException {
        var file = Files.writeString(dir.resolve("jfaas.conf"), "JFAAS_PORT=99999\n");
        assertThatThrownBy(() -> Settings.of(Map.of("JFAAS_CONFIG", file.toString())).get(PORT))
                .hasMessage("JFAAS_PORT=\"99999\" (in " + file + "): use a whole number from 0 to 65535");
    }

    @Test
    void aFileThatIsNotSettingsOrCannotBeReadIsOneLine() throws IOException {
        var file = Files.writeString(dir.resolve("jfaas.conf"), "JFAAS_PORT 80\n");
        assertThatThrownBy(() -> Settings.of(Map.of("JFAAS_CONFIG", file.toString())))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("JFAAS_CONFIG=" + file + " line 1: expected NAME=value");
        assertThatThrownBy(() -> Settings.of(Map.of("JFAAS_CONFIG", dir.resolve("missing").toString())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("JFAAS_CONFIG=" + dir.resolve("missing") + ": cannot read it");
    }

    @Test
    void anUnknownNameIsWarnedAboutWithTheClosestKnownOne() {
        var warnings = Settings.of(Map.of("JFAAS_QUEU", "redis://x", "JFAAS_NOTHING_LIKE_IT_AT_ALL", "1", "PATH", "/bin"))
                .check(ALL);
        assertThat(warnings).containsExactly(
                "JFAAS_NOTHING_LIKE_IT_AT_ALL is not a jfaas setting",
                "JFAAS_QUEU is not a jfaas setting; did you mean JFAAS_QUEUE?");
    }

    @Test
    void secretsAndPasswordsInUrlsAreNeverShown() {
        var settings = Settings.of(Map.of("JFAAS_BASIC_AUTH_PASSWORD", "hunter2",
                "JFAAS_QUEUE", "redis://:s3cret@127.0.0.1:6379,amqp://guest:guest@mq:5672"));
        var entries = settings.describe(ALL);

        assertThat(entries).extracting(Settings.Entry::value).noneMatch(v -> v.contains("hunter2") || v.contains("s3cret")
                || v.contains("guest:guest"));
        assertThat(entries).filteredOn(e -> e.name().equals("JFAAS_QUEUE")).extracting(Settings.Entry::value)
                .containsExactly("redis://:****@127.0.0.1:6379,amqp://guest:****@mq:5672");
        assertThatThrownBy(() -> Settings.of(Map.of("JFAAS_QUEUE", "x")).with("JFAAS_BASIC_AUTH_PASSWORD", "hunter2")
                .get(Setting.integer("JFAAS_BASIC_AUTH_PASSWORD", 0, 0, 1, "").secret()))
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void describeShowsTheValueInForceAndItsOrigin() {
        var entries = Settings.of(Map.of("JFAAS_PORT", "0")).describe(ALL);
        assertThat(entries).extracting(Settings.Entry::name, Settings.Entry::value, Settings.Entry::origin).contains(
                org.assertj.core.groups.Tuple.tuple("JFAAS_PORT", "0", Settings.Origin.ENVIRONMENT),
                org.assertj.core.groups.Tuple.tuple("JFAAS_LEASE_TIME", "30s", Settings.Origin.DEFAULT),
                org.assertj.core.groups.Tuple.tuple("JFAAS_BASIC_AUTH_PASSWORD", "", Settings.Origin.DEFAULT),
                org.assertj.core.groups.Tuple.tuple("JFAAS_MAX_ASYNC_BODY_SIZE", "500", Settings.Origin.DEFAULT));
    }

    @Test
    void durationsReadAsOpenFaasWritesThemAndPrintAsGoDoes() {
        assertThat(Durations.parse("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.text(Duration.ofHours(24))).isEqualTo("24h");
        assertThat(Durations.text(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Durations.text(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(Durations.text(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThatThrownBy(() -> Durations.parse("1x")).hasMessage(Durations.ACCEPTED);
    }

    @Test
    void spellingFindsTyposNotStrangers() {
        assertThat(Spelling.closest("JFAAS_SANDBOX_PID", List.of("JFAAS_SANDBOX_PIDS", "JFAAS_SANDBOX"))).contains("JFAAS_SANDBOX_PIDS");
        assertThat(Spelling.closest("JFAAS_COLOUR", List.of("JFAAS_PORT", "JFAAS_QUEUE"))).isEmpty();
        assertThat(Spelling.distance("kitten", "sitting")).isEqualTo(3);
    }
}
