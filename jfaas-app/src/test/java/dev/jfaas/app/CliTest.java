package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The jfaas command against a real gateway, as a user runs it. */
class CliTest {

    record Run(int exit, String out, String err) {}

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();
    static Path configDir;

    @BeforeAll
    static void login() throws IOException {
        configDir = Files.createTempDirectory("jfaas-cli");
        assertThat(jfaas("login", "-p", TestGateway.PASSWORD).exit()).isZero();
    }

    /** Runs a client command with this test's gateway and config directory. */
    static Run jfaas(String... args) {
        var all = new ArrayList<>(List.of(args));
        int insertAt = args.length > 1 && List.of("secret").contains(args[0]) ? 2 : 1;
        all.addAll(insertAt, List.of("-g", "http://127.0.0.1:" + gateway.port(), "--config-dir", configDir.toString()));
        var out = new StringWriter();
        var err = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    static void assertOneLineError(Run run, String contains) {
        assertThat(run.exit()).isNotZero();
        assertThat(run.err().strip()).startsWith("error: ").contains(contains);
        assertThat(run.err().strip().lines()).hasSize(1);
    }

    @Test
    void loginStoresCredentialsTheFaasCliWay() throws IOException {
        var config = Files.readString(configDir.resolve("config.yml"));
        assertThat(config).contains("authenticated_auths").contains("gateway: \"http://127.0.0.1:" + gateway.port() + "\"")
                .contains("token:").contains("auth: \"basic\"");
        assertOneLineError(jfaas("login", "-p", "wrong"), "401");
    }

    @Test
    void deployReturnsAsSoonAsTheGatewayKnowsWhyAFunctionCannotStart() {
        var dir = Functions.write(Map.of("start.sh", "echo 'missing config' >&2\nexit 4\n"));
        long start = System.nanoTime();
        var run = jfaas("deploy", "--name", "unstartable", "--image", dir.toString(), "--fprocess", "sh start.sh", "--env", "mode=http");
        assertOneLineError(run, "cannot start");
        assertThat(run.err()).contains("exited with status 4", "missing config");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(20));
    }

    @Test
    void deployFromFlagsListInvokeAndRemove() {
        var deployed = jfaas("deploy", "--name", "cli-rev", "--image", "local/rev", "--fprocess", "rev", "--label", "team=cli");
        assertThat(deployed.exit()).as(deployed.err()).isZero();
        assertThat(deployed.out()).contains("deployed cli-rev");
        var list = jfaas("list", "-v");
        assertThat(list.out()).contains("Function").contains("cli-rev").contains("local/rev").contains("1/1");
        var invoked = jfaas("invoke", "cli-rev", "-d", "abc\n");
        assertThat(invoked.exit()).isZero();
        assertThat(invoked.out()).isEqualTo("cba\n");
        assertThat(jfaas("describe", "cli-rev").out()).contains("Ready").contains("/function/cli-rev.openfaas-fn");
        assertThat(jfaas("deploy", "--name", "cli-rev", "--image", "local/rev", "--fprocess", "cat").exit())
                .as("deploying again updates").isZero();
        assertThat(jfaas("remove", "cli-rev").exit()).isZero();
        assertOneLineError(jfaas("describe", "cli-rev"), "404");
    }

    @Test
    void invokeReadsTheBodyFromStdin() {
        jfaas("deploy", "--name", "cli-stdin", "--image", "local/rev", "--fprocess", "rev");
        var original = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("piped\n".getBytes()));
            assertThat(jfaas("invoke", "cli-stdin").out()).isEqualTo("depip\n");
        } finally {
            System.setIn(original);
        }
    }

    @Test
    void asyncInvokeThenResult() {
        jfaas("deploy", "--name", "cli-echo", "--image", "local/cat", "--fprocess", "cat");
        var accepted = jfaas("invoke", "cli-echo", "--async", "--priority", "5", "-d", "later");
        assertThat(accepted.exit()).isZero();
        var id = accepted.out().strip();
        assertThat(id).matches("[0-9a-f-]{36}");
        await().atMost(Duration.ofSeconds(20)).until(() -> jfaas("result", id).exit() == 0);
        assertThat(jfaas("result", id).out()).isEqualTo("later");
        assertThat(jfaas("calls", "--function", "cli-echo").out()).contains(id).contains("succeeded");
        assertThat(jfaas("calls", id).out()).containsPattern("status: +succeeded");
        assertThat(jfaas("calls", id, "--json").out()).contains("\"status\":\"succeeded\"");
        assertThat(jfaas("queues").out()).contains("Queue");
    }

    @Test
    void triggersListsSchedulesWithTheirNextFiring() {
        var deployed = jfaas("deploy", "--name", "cli-cron", "--image", "local/cat", "--fprocess", "cat",
                "--annotation", "topic=cron-function", "--annotation", "schedule=*/5 * * * *");
        assertThat(deployed.exit()).as(deployed.err()).isZero();
        var shown = jfaas("triggers");
        assertThat(shown.exit()).isZero();
        assertThat(shown.out()).contains("Brokers: none", "cli-cron.openfaas-fn", "*/5 * * * * (UTC)", "scheduled");
        var bad = jfaas("deploy", "--name", "cli-bad-cron", "--image", "local/cat", "--fprocess", "cat",
                "--annotation", "topic=cron-function", "--annotation", "schedule=often");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("invalid schedule \"often\"");
        jfaas("remove", "cli-cron");
    }

    @Test
    void deployFromAStackFile() throws IOException {
        var dir = Functions.write(Map.of("hello.sh", "echo \"hello $NAME\"\n"));
        var stack = dir.resolve("stack.yml");
        Files.writeString(stack, """
                version: 1.0
                provider:
                  name: openfaas
                functions:
                  cli-hello:
                    lang: dockerfile
                    image: %s
                    fprocess: sh hello.sh
                    environment:
                      NAME: stack
                    labels:
                      com.openfaas.scale.max: "2"
                """.formatted(dir));
        var deployed = jfaas("deploy", "-f", stack.toString());
        assertThat(deployed.exit()).as(deployed.err()).isZero();
        assertThat(jfaas("invoke", "cli-hello", "-d", "").out()).isEqualTo("hello stack\n");
    }

    @Test
    void secretsRoundTrip() {
        assertThat(jfaas("secret", "create", "cli-key", "--from-literal", "v1").exit()).isZero();
        assertThat(jfaas("secret", "list").out()).contains("cli-key").doesNotContain("v1");
        assertThat(jfaas("secret", "update", "cli-key", "--from-literal", "v2").exit()).isZero();
        assertOneLineError(jfaas("secret", "create", "cli-key", "--from-literal", "v3"), "409");
        assertThat(jfaas("secret", "remove", "cli-key").exit()).isZero();
        assertThat(jfaas("secret", "list").out()).doesNotContain("cli-key");
    }

    @Test
    void logsOfAFunction() {
        gateway.deploy(Functions.httpEcho("cli-logs", Map.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> jfaas("logs", "cli-logs").out().contains("listening on"));
        assertThat(jfaas("logs", "cli-logs", "--tail", "1", "--since", "10m").exit()).isZero();
    }

    @Test
    void followedLogsShowLinesWrittenLater() {
        var dir = Functions.write(Map.of("run.sh", "echo \"called $Http_X_Call_Id\" >&2\ncat\n"));
        var deployed = jfaas("deploy", "--name", "cli-follow", "--image", dir.toString(), "--fprocess", "sh run.sh");
        assertThat(deployed.exit()).as(deployed.err()).isZero();
        var out = new StringWriter();
        var follower = Thread.ofVirtual().start(() -> Main.commandLine().setOut(new PrintWriter(out, true)).execute("logs",
                "cli-follow", "--follow", "-g", "http://127.0.0.1:" + gateway.port(), "--config-dir", configDir.toString()));
        try {
            // Calls made after the follow began must show up in it.
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
                jfaas("invoke", "cli-follow", "-d", "x");
                return out.toString().contains("called ");
            });
        } finally {
            follower.interrupt(); // the stream ends when the gateway stops; the thread must not hold the test
        }
    }

    @Test
    void deadLettersListedAndReplayed() {
        var deployed = jfaas("deploy", "--name", "cli-fail", "--image", "local/fail", "--fprocess", "false",
                "--annotation", "com.openfaas.retry.attempts=1");
        assertThat(deployed.exit()).as(deployed.err()).isZero();
        var id = jfaas("invoke", "cli-fail", "--async", "-d", "").out().strip();
        await().atMost(Duration.ofSeconds(20)).until(() -> jfaas("dead-letters", "list", "--function", "cli-fail").out().contains(id));
        var replayed = jfaas("dead-letters", "replay", "--function", "cli-fail");
        assertThat(replayed.out()).contains("replayed 1 call(s)");
    }

    @Test
    void badInputGivesOneLineErrorsAndNonZeroExits() throws IOException {
        assertOneLineError(jfaas("deploy", "-f", "/no/such/stack.yml"), "no such file");
        var bad = Files.createTempFile("bad", ".yml");
        Files.writeString(bad, "functions: [unclosed");
        assertOneLineError(jfaas("deploy", "-f", bad.toString()), "invalid YAML");
        assertOneLineError(jfaas("invoke", "no-such-function", "-d", "x"), "404");
        assertOneLineError(jfaas("deploy", "--name", "Bad_Name", "--image", "x", "--fprocess", "cat"), "invalid function name");
        assertOneLineError(jfaas("deploy", "--image", "x"), "--name");
        var unreachable = Main.commandLine().setErr(new PrintWriter(new StringWriter()))
                .execute("list", "-g", "http://127.0.0.1:9", "--config-dir", configDir.toString());
        assertThat(unreachable).isNotZero();
    }

    @Test
    void everyCommandHasHelp() {
        for (var command : List.of("deploy", "list", "describe", "invoke", "remove", "scale", "logs", "calls", "result",
                "queues", "dead-letters", "secret", "login", "logout", "version", "up", "worker")) {
            var out = new StringWriter();
            int exit = Main.commandLine().setOut(new PrintWriter(out)).execute(command, "--help");
            assertThat(exit).as(command).isZero();
            assertThat(out.toString()).as(command).contains("Usage: jfaas " + command);
        }
        assertThat(jfaas("version").out()).contains("jfaas CLI").contains("jfaas-process");
    }
}
