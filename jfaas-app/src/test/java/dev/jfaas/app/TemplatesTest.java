package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each built-in template as a user takes it: jfaas new, an edited handler (a secret, a slow path),
 * jfaas deploy -f stack.yml --build against a real gateway, then sync and async calls, a secret,
 * 429 past max_inflight, and a drain on scale-down that lets the call in flight finish.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TemplatesTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass(Map.of("JFAAS_AUTOSCALE", "false"));

    static Path configDir;

    @BeforeAll
    static void login() throws Exception {
        configDir = Files.createTempDirectory("jfaas-templates-config");
        gateway.system("POST", "/system/secrets", Map.of("name", "token", "value", "from-the-secret"));
        assertThat(cli(configDir, "login", "-p", TestGateway.PASSWORD).exit()).isZero();
    }

    record Run(int exit, String output) {}

    static Run cli(Path dir, String... args) throws IOException, InterruptedException {
        var java = ProcessHandle.current().info().command().orElse("java");
        var command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        if (!args[0].equals("new")) {
            command.addAll(List.of("-g", "http://127.0.0.1:" + gateway.port(), "--config-dir", configDir.toString()));
        }
        var process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return new Run(process.exitValue(), output);
    }

    /** What each template's handler becomes: /secret reads the secret, /slow takes two seconds, else an echo. */
    static final Map<String, Map<String, String>> HANDLERS = Map.of(
            "java", Map.of("src/main/java/function/Handler.java", """
                    package function;

                    import dev.jfaas.fn.*;

                    /** Echoes; /secret reads the secret, /slow takes two seconds. */
                    public final class Handler implements dev.jfaas.fn.Handler {
                        @Override
                        public Response handle(Request request, Context context) throws Exception {
                            if (request.path().equals("/secret")) {
                                return Response.ok(context.secret("token"));
                            }
                            if (request.path().equals("/slow")) {
                                Thread.sleep(2000);
                            }
                            return Response.ok("echo " + request.text());
                        }

                        public static void main(String[] args) {
                            Jfaas.serve(new Handler());
                        }
                    }
                    """, "src/test/java/function/HandlerTest.java", """
                    package function;

                    import static org.junit.jupiter.api.Assertions.assertEquals;

                    import dev.jfaas.fn.*;
                    import java.nio.file.Path;
                    import java.util.Map;
                    import org.junit.jupiter.api.Test;

                    class HandlerTest {
                        @Test
                        void echoes() throws Exception {
                            var context = new Context("t-java", Map.of(), Path.of("/nowhere"), System.err);
                            assertEquals("echo hi", new Handler().handle(Request.of("POST", "/", "hi"), context).text());
                        }
                    }
                    """),
            "python3-http", Map.of("handler.py", """
                    import time
                    def handle(method, path, headers, body):
                        if path == "/secret":
                            return 200, {}, open("/var/openfaas/secrets/token", "rb").read()
                        if path == "/slow":
                            time.sleep(2)
                        return 200, {}, b"echo " + body
                    """),
            "node-http", Map.of("handler.js", """
                    const fs = require("fs");
                    module.exports = async (method, path, headers, body) => {
                      if (path === "/secret") return { body: fs.readFileSync("/var/openfaas/secrets/token") };
                      if (path === "/slow") await new Promise((r) => setTimeout(r, 2000));
                      return { body: "echo " + body.toString() };
                    };
                    """),
            "bash", Map.of("handler.sh", """
                    #!/bin/sh
                    body=$(cat)
                    case "$Http_Path" in
                      /secret) cat /var/openfaas/secrets/token ;;
                      /slow) sleep 2; echo "echo $body" ;;
                      *) echo "echo $body" ;;
                    esac
                    """));

    @ParameterizedTest
    @ValueSource(strings = {"java", "python3-http", "node-http", "bash"})
    void aTemplateBecomesAWorkingFunction(String lang) throws Exception {
        if (lang.equals("node-http")) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/node")) || "true".equals(System.getenv("CI")), "node is not installed: skipped");
        }
        var dir = Files.createTempDirectory("jfaas-template-" + lang);
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        var name = "t-" + lang.replace("3", "");
        var made = cli(dir, "new", "--lang", lang, name);
        assertThat(made.exit()).as(made.output()).isZero();
        for (var file : HANDLERS.get(lang).entrySet()) {
            Files.writeString(dir.resolve(name).resolve(file.getKey()), file.getValue());
        }
        // At most one call at a time, and none waiting: the second concurrent call is a 429.
        var stack = dir.resolve("stack.yml");
        Files.writeString(stack, Files.readString(stack).replace("    environment:\n",
                "    secrets:\n    - token\n    environment:\n      max_inflight: 1\n      max_queued: 0\n"));
        var deployed = cli(dir, "deploy", "-f", "stack.yml", "--build");
        assertThat(deployed.exit()).as(deployed.output()).isZero();

        assertThat(gateway.call("POST", "/function/" + name, "hi").body().strip()).isEqualTo("echo hi");
        // a body of unknown length, streamed: it reaches the function chunked
        var chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/function/" + name))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream("in chunks".getBytes())))
                .build();
        assertThat(gateway.http.send(chunked, HttpResponse.BodyHandlers.ofString()).body().strip()).isEqualTo("echo in chunks");
        assertThat(gateway.call("POST", "/function/" + name + "/secret", "").body().strip()).isEqualTo("from-the-secret");
        var id = gateway.call("POST", "/async-function/" + name, "later").headers().firstValue("X-Call-Id").orElseThrow();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(gateway.system("GET", "/system/calls/" + id + "/result", null).body().strip()).isEqualTo("echo later"));

        var slow = slowCall(name);
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.describe(name).path("invocationCount").asInt() >= 3);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(gateway.call("POST", "/function/" + name, "second").statusCode()).isEqualTo(429));
        assertThat(slow.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

        // A drain on scale-down: the call in flight finishes, then the replica goes.
        var inFlight = slowCall(name);
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.call("POST", "/function/" + name, "x").statusCode() == 429);
        gateway.system("POST", "/system/scale-function/" + name, Map.of("serviceName", name, "replicas", 0));
        var finished = inFlight.get(15, TimeUnit.SECONDS);
        assertThat(finished.statusCode()).isEqualTo(200);
        assertThat(finished.body().strip()).isEqualTo("echo slow");
        gateway.awaitReady(name, 0);
    }

    private static CompletableFuture<HttpResponse<String>> slowCall(String name) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/function/" + name + "/slow"))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString("slow")).build();
        return gateway.http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }
}
