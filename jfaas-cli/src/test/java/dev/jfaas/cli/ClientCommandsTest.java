package dev.jfaas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The client commands against a stub gateway: what each sends, what it prints, how it fails. */
class ClientCommandsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String FUNCTIONS = """
            [{"name":"rev","namespace":"openfaas-fn","image":"jfaas/rev","invocationCount":7,"replicas":2,"availableReplicas":1},
             {"name":"echo","namespace":"openfaas-fn","image":"/srv/echo","invocationCount":0,"replicas":0,"availableReplicas":0}]""";

    @TempDir
    Path config;

    final StubGateway gateway = stub();

    static StubGateway stub() {
        try {
            return new StubGateway();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Command(name = "jfaas")
    static final class Root {}

    record Run(int exit, String out, String err) {}

    /** Runs {@code jfaas ARGS -g <stub> --config-dir <temp>}, as a user would type it. */
    Run jfaas(String... args) {
        var cli = new CommandLine(new Root());
        ClientCommands.all().forEach(cli::addSubcommand);
        var out = new StringWriter();
        var err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-g", gateway.url(), "--config-dir", config.toString()));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void listPrintsATableOrTheGatewaysJson() {
        gateway.on("GET /system/functions", 200, FUNCTIONS);
        var table = jfaas("list");
        assertThat(table.exit()).isZero();
        assertThat(table.out().lines().toList()).containsExactly(
                "Function   Invocations   Replicas",
                "rev        7             1/2",
                "echo       0             0/0");
        assertThat(jfaas("list", "--json").out().strip()).isEqualTo(FUNCTIONS.strip());
        assertThat(gateway.last().method()).isEqualTo("GET");
    }

    @Test
    void loginChecksAndStoresTheCredentialsWhichLaterCommandsSendAndLogoutForgets() {
        gateway.on("GET /system/functions", 200, "[]");
        var login = jfaas("login", "-u", "admin", "-p", "s3cret");
        assertThat(login.exit()).isZero();
        assertThat(login.out()).contains("credentials saved for admin");
        var expected = "Basic " + Base64.getEncoder().encodeToString("admin:s3cret".getBytes());
        assertThat(gateway.last().header("Authorization")).isEqualTo(expected);

        jfaas("list");
        assertThat(gateway.last().header("Authorization")).isEqualTo(expected);

        assertThat(jfaas("logout").exit()).isZero();
        jfaas("list");
        assertThat(gateway.last().header("Authorization")).isNull();
    }

    @Test
    void deployUpdatesOrCreatesWhatTheFlagsSayAndWaitsForAReplica() throws IOException {
        gateway.on("PUT /system/functions", 404, "not found")
                .on("POST /system/functions", 202, "")
                .on("GET /system/function/web", 200, "{\"name\":\"web\",\"replicas\":1,\"availableReplicas\":1}");
        var run = jfaas("deploy", "--name", "web", "--image", "/srv/web", "--fprocess", "python3 app.py", "-e", "mode=http",
                "--annotation", "com.jfaas.auth=basic", "--secret", "db");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("deployed web (" + gateway.url() + "/function/web)");
        var created = gateway.requests.stream().filter(r -> r.method().equals("POST")).findFirst().orElseThrow();
        var body = JSON.readTree(created.body());
        assertThat(body.path("service").asText()).isEqualTo("web");
        assertThat(body.path("image").asText()).isEqualTo("/srv/web");
        assertThat(body.path("envProcess").asText()).isEqualTo("python3 app.py");
        assertThat(body.path("envVars").path("mode").asText()).isEqualTo("http");
        assertThat(body.path("annotations").path("com.jfaas.auth").asText()).isEqualTo("basic");
        assertThat(body.path("secrets").get(0).asText()).isEqualTo("db");
        assertThat(gateway.last().uri()).isEqualTo("/system/function/web");
    }

    @Test
    void aFunctionThatCannotStartFailsTheDeployWithItsReason() {
        gateway.on("PUT /system/functions", 202, "")
                .on("GET /system/function/web", 200,
                        "{\"name\":\"web\",\"replicas\":1,\"availableReplicas\":0,\"message\":\"replica exited with status 1 before it was ready: missing config\"}");
        var run = jfaas("deploy", "--name", "web", "--image", "/srv/web");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("missing config");
    }

    @Test
    void invokeSendsTheBodyHeadersAndQueryAndPrintsTheAnswer() {
        gateway.on("POST /function/rev", 200, "olleh");
        var run = jfaas("invoke", "rev", "-d", "hello", "-H", "X-Tenant=a", "--query", "lang=en");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("olleh");
        var sent = gateway.last();
        assertThat(sent.uri()).isEqualTo("/function/rev?lang=en");
        assertThat(sent.body()).isEqualTo("hello");
        assertThat(sent.header("X-Tenant")).isEqualTo("a");
    }

    @Test
    void invokeAsyncPrintsTheCallIdAndSendsTheCallback() {
        gateway.on("POST /async-function/rev", 202, "", "X-Call-Id", "0195-abc");
        var run = jfaas("invoke", "rev", "--async", "--callback", "http://example.com/done", "--priority", "7", "-d", "x");
        assertThat(run.out().strip()).isEqualTo("0195-abc");
        assertThat(gateway.last().header("X-Callback-Url")).isEqualTo("http://example.com/done");
        assertThat(gateway.last().header("X-Priority")).isEqualTo("7");
    }

    @Test
    void removeScaleAndSecretsSendWhatTheOpenFaasApiTakes() throws IOException {
        gateway.on("DELETE /system/functions", 202, "")
                .on("POST /system/scale-function/rev", 202, "")
                .on("POST /system/secrets", 201, "")
                .on("GET /system/secrets", 200, "[{\"name\":\"db\",\"namespace\":\"openfaas-fn\"}]");

        assertThat(jfaas("remove", "rev").exit()).isZero();
        assertThat(JSON.readTree(gateway.last().body()).path("functionName").asText()).isEqualTo("rev");

        assertThat(jfaas("scale", "rev", "--replicas", "3").exit()).isZero();
        assertThat(JSON.readTree(gateway.last().body()).path("replicas").asInt()).isEqualTo(3);

        assertThat(jfaas("secret", "create", "db", "--from-literal", "pw").exit()).isZero();
        var secret = JSON.readTree(gateway.last().body());
        assertThat(secret.path("name").asText()).isEqualTo("db");
        assertThat(secret.path("value").asText()).isEqualTo("pw");

        assertThat(jfaas("secret", "list").out()).contains("db");
    }

    @Test
    void listQuietPrintsNamesOnly() {
        gateway.on("GET /system/functions", 200, FUNCTIONS);
        assertThat(jfaas("list", "-q").out().lines().toList()).containsExactly("rev", "echo");
        gateway.on("GET /system/functions?namespace=team-a", 200, "[]");
        assertThat(jfaas("list", "-n", "team-a").exit()).isZero();
        assertThat(gateway.last().uri()).isEqualTo("/system/functions?namespace=team-a");
    }

    @Test
    void deployTakesFaasCliFlags() throws IOException {
        gateway.on("PUT /system/functions", 202, "");
        var envFile = java.nio.file.Files.writeString(config.resolve("fn.env"), "# settings\nMODE=prod\nGREETING=hi there\n\n");
        var run = jfaas("deploy", "--name", "web", "--image", "/srv/web", "--no-wait", "-n", "team-a", "--memory-limit", "128Mi",
                "--cpu-limit", "500m", "--memory-request", "64Mi", "--constraint", "node.platform.os == linux", "--readonly",
                "--env-file", envFile.toString(), "-e", "MODE=dev");
        assertThat(run.exit()).as(run.err()).isZero();
        var body = JSON.readTree(gateway.last().body());
        assertThat(body.path("namespace").asText()).isEqualTo("team-a");
        assertThat(body.path("limits").path("memory").asText()).isEqualTo("128Mi");
        assertThat(body.path("limits").path("cpu").asText()).isEqualTo("500m");
        assertThat(body.path("requests").path("memory").asText()).isEqualTo("64Mi");
        assertThat(body.path("constraints").get(0).asText()).isEqualTo("node.platform.os == linux");
        assertThat(body.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(body.path("envVars").path("GREETING").asText()).isEqualTo("hi there");
        assertThat(body.path("envVars").path("MODE").asText()).as("-e wins over the file").isEqualTo("dev");
    }

    @Test
    void removeTakesAStackFile() throws IOException {
        gateway.on("DELETE /system/functions", 202, "");
        var stack = java.nio.file.Files.writeString(config.resolve("stack.yml"), """
                version: 1.0
                provider:
                  name: openfaas
                functions:
                  one:
                    image: local/one
                  two:
                    image: local/two
                    namespace: team-b
                """);
        var run = jfaas("remove", "-f", stack.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().lines().toList()).containsExactly("removed one", "removed two");
        assertThat(JSON.readTree(gateway.last().body()).path("namespace").asText()).isEqualTo("team-b");
        assertThat(jfaas("remove", "-f", stack.toString(), "--filter", "one").out().strip()).isEqualTo("removed one");
    }

    @Test
    void asyncCallsCanBeWaitedForCancelledAndReplayedOneByOne() throws Exception {
        gateway.on("GET /system/calls/c1/result", 202, "");
        var pending = jfaas("result", "c1");
        assertThat(pending.exit()).isEqualTo(2);
        var waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> jfaas("result", "--wait", "c1"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> gateway.requests.stream().filter(r -> r.uri().endsWith("/result")).count() >= 3);
        gateway.on("GET /system/calls/c1/result", 200, "olleh");
        var done = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(done.exit()).isZero();
        assertThat(done.out()).isEqualTo("olleh");

        gateway.on("DELETE /async-function/c1", 202, "");
        assertThat(jfaas("cancel", "c1").out().strip()).isEqualTo("cancelled c1");

        gateway.on("POST /system/calls/c2/replay", 202, "{\"replayed\":1}");
        assertThat(jfaas("dead-letters", "replay", "c2").out().strip()).isEqualTo("replayed 1 call(s)");

        gateway.on("GET /system/calls/c2", 200, "{\"callId\":\"c2\",\"function\":\"rev\",\"status\":\"dead\",\"attempts\":3}");
        var shown = jfaas("calls", "c2").out();
        assertThat(shown).contains("status:", "dead").doesNotContain("{");
    }

    @Test
    void namespacesAreListedMadeAndRemoved() throws IOException {
        gateway.on("GET /system/namespaces", 200, "[\"openfaas-fn\",\"team-a\"]")
                .on("POST /system/namespace/team-b", 201, "")
                .on("DELETE /system/namespace/team-b", 202, "");
        assertThat(jfaas("namespace", "list").out().lines().toList()).containsExactly("openfaas-fn", "team-a");
        assertThat(jfaas("namespace", "create", "team-b", "--label", "team=b").exit()).isZero();
        assertThat(JSON.readTree(gateway.last().body()).path("labels").path("team").asText()).isEqualTo("b");
        assertThat(jfaas("ns", "rm", "team-b").out().strip()).isEqualTo("removed namespace team-b");
    }

    @Test
    void everyCommandHasHelpAndAVersion() {
        var cli = new CommandLine(new Root());
        ClientCommands.all().forEach(cli::addSubcommand);
        ClientCommands.versioned(cli);
        for (var name : cli.getSubcommands().keySet()) {
            var out = new StringWriter();
            var err = new StringWriter();
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(err));
            var sub = cli.getSubcommands().get(name);
            assertThat(cli.execute(name, "-V")).as(name + ": " + err).isZero();
            assertThat(out.toString().strip()).as(name).isEqualTo(ClientCommands.VERSION);
            assertThat(sub.getUsageMessage()).as(name).contains("Usage:");
            for (var parameter : sub.getCommandSpec().positionalParameters()) {
                assertThat(parameter.description()).as(name + " " + parameter.paramLabel()).isNotEmpty();
            }
        }
    }

    @Test
    void failuresAreOneLineWithANonZeroExit() throws IOException {
        gateway.on("GET /system/functions", 401, "unauthorized");
        var denied = jfaas("list");
        assertThat(denied.exit()).isEqualTo(1);
        assertThat(denied.err().strip()).isEqualTo("error: unauthorized (401): run 'jfaas login' with the gateway's password");

        var missing = jfaas("describe", "ghost");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err().strip()).isEqualTo("error: the gateway answered 404: not found");

        int closed;
        try (var socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        var cli = new CommandLine(new Root());
        ClientCommands.all().forEach(cli::addSubcommand);
        var err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("list", "-g", "http://127.0.0.1:" + closed, "--config-dir", config.toString())).isEqualTo(1);
        assertThat(err.toString().strip()).startsWith("error: cannot connect to the gateway at http://127.0.0.1:" + closed)
                .doesNotContain("Exception").hasLineCount(1);
    }
}
