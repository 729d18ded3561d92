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
