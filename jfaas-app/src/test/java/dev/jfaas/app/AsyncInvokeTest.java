package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Async calls end to end: accept, queue, run by the embedded worker, retry, dead-letter, call back. */
class AsyncInvokeTest {

    @RegisterExtension
    // The callbacks here go to servers the test runs on loopback, which callbacks may not reach unless listed.
    static final TestGateway gateway = TestGateway.perClass(Map.of("JFAAS_CALLBACK_MIN_WAIT", "50ms", "JFAAS_LEASE_TIME", "3s",
            "JFAAS_CALLBACK_ALLOWED_HOSTS", "127.0.0.1"));

    @BeforeAll
    static void deploy() {
        gateway.deploy(Functions.forking("echo", "cat"));
    }

    static String callId(HttpResponse<String> accepted) {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        var id = accepted.headers().firstValue("X-Call-Id").orElseThrow();
        assertThat(accepted.headers().firstValue("Location")).hasValue("/system/calls/" + id);
        assertThat(accepted.body()).isEmpty();
        return id;
    }

    static JsonNode awaitStatus(String callId, String status) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(25)).until(() ->
                record(callId).path("status").asText().equals(status));
        return record(callId);
    }

    static JsonNode record(String callId) {
        var response = gateway.system("GET", "/system/calls/" + callId, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestGateway.parse(response.body());
    }

    /** A function whose working directory the test can see; its scripts run with sh. */
    static Path deployScript(String name, String script, Map<String, String> annotations, Map<String, String> env) {
        var deployment = Functions.inDirectory(name, "sh run.sh", env, Map.of("run.sh", script));
        deployment.put("annotations", annotations);
        gateway.deploy(deployment);
        return Path.of((String) deployment.get("image"));
    }

    @Test
    void acceptedCallRunsAndItsResultIsKept() {
        var id = callId(gateway.call("POST", "/async-function/echo/some/path?q=1", "hello async", "X-Custom", "c1"));
        var record = awaitStatus(id, "succeeded");
        assertThat(record.path("function").asText()).isEqualTo("echo");
        assertThat(record.path("namespace").asText()).isEqualTo("openfaas-fn");
        assertThat(record.path("queue").asText()).isEqualTo("faas-request");
        assertThat(record.path("attempts").asInt()).isEqualTo(1);
        assertThat(record.path("statusCode").asInt()).isEqualTo(200);
        assertThat(record.path("acceptedAt").asText()).isNotEmpty();
        assertThat(record.path("finishedAt").asText()).isNotEmpty();
        var result = gateway.system("GET", "/system/calls/" + id + "/result", null);
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.body()).isEqualTo("hello async");
        assertThat(result.headers().firstValue("X-Call-Id")).hasValue(id);
        assertThat(result.headers().firstValue("X-Duration-Seconds")).isPresent();
    }

    @Test
    void asyncByHeaderOnTheSyncRoute() {
        var id = callId(gateway.call("POST", "/function/echo", "by header", "X-Invoke-Mode", "async"));
        awaitStatus(id, "succeeded");
        var byPrefer = callId(gateway.call("POST", "/function/echo", "by prefer", "Prefer", "respond-async"));
        awaitStatus(byPrefer, "succeeded");
        assertThat(gateway.system("GET", "/system/calls/" + byPrefer + "/result", null).body()).isEqualTo("by prefer");
    }

    @Test
    void preferWaitAnswersLikeASyncCallWhenItEndsInTime() {
        var response = gateway.call("POST", "/function/echo", "waited", "Prefer", "respond-async, wait=20");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("waited");
        assertThat(response.headers().firstValue("X-Call-Id")).isPresent();
    }

    @Test
    void callersCallIdIsUsedOnceThenReplaced() {
        var first = callId(gateway.call("POST", "/async-function/echo", "a", "X-Call-Id", "caller-chosen-id"));
        assertThat(first).isEqualTo("caller-chosen-id");
        var second = callId(gateway.call("POST", "/async-function/echo", "b", "X-Call-Id", "caller-chosen-id"));
        assertThat(second).isNotEqualTo("caller-chosen-id");
    }

    @Test
    void idempotencyKeyReturnsTheFirstCallsId() {
        var first = callId(gateway.call("POST", "/async-function/echo", "x", "X-Idempotency-Key", "order-42"));
        var again = callId(gateway.call("POST", "/async-function/echo", "x", "X-Idempotency-Key", "order-42"));
        assertThat(again).isEqualTo(first);
    }

    @Test
    void badInputIsRejectedBeforeAnythingIsStored() {
        assertThat(gateway.call("POST", "/async-function/nope", "x").statusCode()).isEqualTo(404);
        assertThat(gateway.call("POST", "/async-function/Bad_Name", "x").statusCode()).isEqualTo(404);
        var badCallback = gateway.call("POST", "/async-function/echo", "x", "X-Callback-Url", "not a url");
        assertThat(badCallback.statusCode()).isEqualTo(400);
        assertThat(badCallback.body()).contains("X-Callback-Url");
        assertThat(gateway.call("POST", "/async-function/echo", "x", "X-Callback-Url", "ftp://h/x").statusCode()).isEqualTo(400);
        assertThat(gateway.call("POST", "/async-function/echo", "x", "X-Priority", "10").statusCode()).isEqualTo(400);
        assertThat(gateway.call("POST", "/async-function/echo", "x", "X-Priority", "high").statusCode()).isEqualTo(400);
        assertThat(gateway.call("GET", "/async-function/echo", null).statusCode()).isEqualTo(405);
        assertThat(gateway.system("GET", "/system/calls/unknown-id", null).statusCode()).isEqualTo(404);
        assertThat(gateway.system("GET", "/system/calls?status=sleeping", null).statusCode()).isEqualTo(400);
        assertThat(gateway.system("GET", "/system/calls?limit=0", null).statusCode()).isEqualTo(400);
    }

    @Test
    void callbackGetsTheResponseAndTheCallsIdentity() throws Exception {
        var received = new LinkedBlockingQueue<Map<String, String>>();
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/cb", exchange -> {
            var got = new HashMap<String, String>();
            exchange.getRequestHeaders().forEach((k, v) -> got.put(k.toLowerCase(), v.getFirst()));
            got.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            got.put("method", exchange.getRequestMethod());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            received.add(got);
        });
        server.start();
        try {
            var url = "http://127.0.0.1:" + server.getAddress().getPort() + "/cb";
            var id = callId(gateway.call("POST", "/async-function/echo", "call me back", "X-Callback-Url", url));
            var callback = received.poll(20, TimeUnit.SECONDS);
            assertThat(callback).isNotNull();
            assertThat(callback.get("method")).isEqualTo("POST");
            assertThat(callback.get("body")).isEqualTo("call me back");
            assertThat(callback.get("x-call-id")).isEqualTo(id);
            assertThat(callback.get("x-function-name")).isEqualTo("echo");
            assertThat(callback.get("x-function-status")).isEqualTo("200");
            assertThat(callback.get("x-duration-seconds")).isNotEmpty();
            assertThat(callback.get("x-retry")).isEqualTo("1");
            assertThat(callback.get("x-retry-max")).isEqualTo("5");
            await().atMost(Duration.ofSeconds(10)).until(() -> record(id).path("callbackStatus").asText().startsWith("delivered"));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void unreachableCallbackIsRetriedAndItsFailureRecorded() {
        var id = callId(gateway.call("POST", "/async-function/echo", "x", "X-Callback-Url", "http://127.0.0.1:9/nothing-listens"));
        await().atMost(Duration.ofSeconds(20)).until(() -> record(id).path("callbackStatus").asText().startsWith("failed after 5 attempts"));
    }

    @Test
    void failingTwiceThenSucceedingIsRetried() {
        deployScript("flaky", """
                n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count
                if [ $n -le 2 ]; then echo "attempt $n fails" >&2; exit 1; fi
                echo "ok on attempt $n"
                """, Map.of("com.openfaas.retry.min_wait", "50ms", "com.openfaas.retry.max_wait", "100ms"), Map.of());
        var id = callId(gateway.call("POST", "/async-function/flaky", ""));
        var record = awaitStatus(id, "succeeded");
        assertThat(record.path("attempts").asInt()).isEqualTo(3);
        assertThat(gateway.system("GET", "/system/calls/" + id + "/result", null).body()).isEqualTo("ok on attempt 3\n");
    }

    @Test
    void deadLetterAfterMaxAttemptsThenReplayToSuccess() throws IOException {
        var dir = deployScript("doomed", """
                if [ -f healed ]; then echo healed; else echo "not yet" >&2; exit 1; fi
                """, Map.of("com.openfaas.retry.attempts", "3", "com.openfaas.retry.min_wait", "50ms",
                "com.openfaas.retry.max_wait", "50ms", "com.openfaas.queue", "doomed-queue"), Map.of());
        var id = callId(gateway.send(java.net.http.HttpRequest.newBuilder(gateway.uri("/async-function/doomed/orders?n=7"))
                .header("X-Order", "7").header("Cookie", "session=the-callers")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("the order")).build()));
        var record = awaitStatus(id, "dead");
        assertThat(record.path("attempts").asInt()).isEqualTo(3);
        var kept = TestGateway.parse(gateway.system("GET", "/system/calls/" + id + "/request", null).body());
        assertThat(kept.path("body").asText()).isEqualTo("the order");
        assertThat(kept.path("path").asText()).isEqualTo("/orders");
        assertThat(kept.path("query").asText()).isEqualTo("n=7");
        assertThat(kept.path("headers").toString()).contains("{\"name\":\"X-Order\",\"value\":\"7\"}")
                .contains("(withheld)").doesNotContain("the-callers");
        assertThat(record.path("queue").asText()).isEqualTo("doomed-queue");
        assertThat(record.path("error").asText()).contains("3 attempts").contains("not yet");
        var dead = gateway.system("GET", "/system/calls/" + id + "/result", null);
        assertThat(dead.statusCode()).isEqualTo(500);
        assertThat(dead.body()).contains("not yet");

        var queues = TestGateway.parse(gateway.system("GET", "/system/queues/doomed-queue", null).body());
        assertThat(queues.path("dead").asInt()).isEqualTo(1);
        assertThat(gateway.call("GET", "/metrics", null).body())
                .contains("jfaas_dead_letters{function_name=\"doomed.openfaas-fn\",queue=\"doomed-queue\"} 1");

        Files.writeString(dir.resolve("healed"), "yes");
        var replay = gateway.system("POST", "/system/queues/doomed-queue/dead-letters/replay?function=doomed", null);
        assertThat(replay.statusCode()).isEqualTo(202);
        assertThat(TestGateway.parse(replay.body()).path("replayed").asInt()).isEqualTo(1);
        awaitStatus(id, "succeeded");
        assertThat(gateway.system("GET", "/system/calls/" + id + "/result", null).body()).isEqualTo("healed\n");
        assertThat(gateway.system("DELETE", "/system/queues/doomed-queue/dead-letters", null).body()).contains("\"purged\":0");
    }

    @Test
    void aFinalErrorThatIsNotRetriedFailsAtOnce() {
        deployScript("teapot", "exit 0\n", Map.of("com.openfaas.retry.codes", "503"), Map.of());
        deployScript("picky", "echo bad >&2; exit 3\n", Map.of("com.openfaas.retry.codes", "503"), Map.of());
        var id = callId(gateway.call("POST", "/async-function/picky", ""));
        var record = awaitStatus(id, "failed");
        assertThat(record.path("attempts").asInt()).isEqualTo(1);
        assertThat(record.path("statusCode").asInt()).isEqualTo(500);
        assertThat(gateway.system("POST", "/system/calls/" + id + "/replay", null).statusCode()).isEqualTo(202);
        awaitStatus(id, "failed");
    }

    @Test
    void callsPastMaxAgeAreDeadLettered() {
        deployScript("aging", "exit 1\n", Map.of("com.jfaas.retry.max_age", "1s", "com.openfaas.retry.min_wait", "2s",
                "com.openfaas.retry.max_wait", "2s"), Map.of());
        var id = callId(gateway.call("POST", "/async-function/aging", ""));
        var record = awaitStatus(id, "dead");
        assertThat(record.path("attempts").asInt()).isEqualTo(1);
        assertThat(record.path("error").asText()).contains("max_age");
    }

    @Test
    void higherPriorityRunsFirstAndQueuedCallsCanBeCancelled() throws IOException {
        // The first call holds the only slot until the test says go, not for a fixed 0.4 s: on a
        // loaded machine the three calls after it were not all queued by then, and "low" ran
        // before "high" was there to pass it (a CI run of 2026-12-07).
        var dir = deployScript("serial", "cat >> order.txt; echo >> order.txt; while [ ! -e go ]; do sleep 0.05; done\n",
                Map.of("com.openfaas.queue", "serial-queue"), Map.of("max_inflight", "1"));
        var blocker = callId(gateway.call("POST", "/async-function/serial", "blocker"));
        awaitStatus(blocker, "running");
        var low = callId(gateway.call("POST", "/async-function/serial", "low"));
        var cancelled = callId(gateway.call("POST", "/async-function/serial", "cancelled"));
        var high = callId(gateway.call("POST", "/async-function/serial", "high", "X-Priority", "9"));

        var pending = gateway.system("GET", "/system/calls/" + low + "/result", null);
        assertThat(pending.statusCode()).isEqualTo(202);
        assertThat(pending.headers().firstValue("Retry-After")).isPresent();

        assertThat(gateway.call("DELETE", "/async-function/" + cancelled, null).statusCode()).isEqualTo(202);
        assertThat(record(cancelled).path("status").asText()).isEqualTo("cancelled");
        assertThat(gateway.call("DELETE", "/async-function/" + cancelled, null).statusCode()).isEqualTo(409);
        assertThat(gateway.call("DELETE", "/async-function/no-such-call", null).statusCode()).isEqualTo(404);
        assertThat(record(blocker).path("status").asText()).as("the first call still holds the slot").isEqualTo("running");
        Files.createFile(dir.resolve("go"));

        awaitStatus(low, "succeeded");
        awaitStatus(high, "succeeded");
        assertThat(Files.readAllLines(dir.resolve("order.txt"))).containsExactly("blocker", "high", "low");
    }

    @Test
    void cancellingARunningCallStopsIt() throws IOException {
        // The sleep's odd length marks it among the machine's processes (its pid in the sandbox means nothing here).
        var dir = deployScript("long", "echo started > started; sleep 30.271; echo finished > finished\n",
                Map.of("com.openfaas.queue", "long-queue"), Map.of("exec_timeout", "60s"));
        var id = callId(gateway.call("POST", "/async-function/long", ""));
        awaitStatus(id, "running");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("started")));
        assertThat(ChildProcesses.running("sleep", "30.271")).isEqualTo(1);
        assertThat(gateway.call("DELETE", "/async-function/" + id, null).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> ChildProcesses.running("sleep", "30.271") == 0);
        assertThat(record(id).path("status").asText()).isEqualTo("cancelled");
        assertThat(dir.resolve("finished")).doesNotExist();
    }

    @Test
    void callsAreListedAndFiltered() {
        var id = callId(gateway.call("POST", "/async-function/echo", "listed"));
        awaitStatus(id, "succeeded");
        var listed = TestGateway.parse(gateway.system("GET", "/system/calls?function=echo&status=succeeded&limit=500", null).body());
        assertThat(listed.isArray()).isTrue();
        assertThat(listed.findValuesAsText("callId")).contains(id);
        assertThat(listed.findValuesAsText("status")).containsOnly("succeeded");
        var queues = gateway.system("GET", "/system/queues", null);
        assertThat(queues.statusCode()).isEqualTo(200);
        assertThat(gateway.call("GET", "/metrics", null).body()).contains("jfaas_async_attempts_total").contains("jfaas_queue_inflight");
    }

    @Test
    void acceptedCallsSurviveARestartAndRun() {
        try (var own = TestGateway.start(Map.of("JFAAS_WORKER", "false"))) {
            own.deploy(Functions.forking("later", "cat"));
            var ids = List.of(
                    callId(own.call("POST", "/async-function/later", "one")),
                    callId(own.call("POST", "/async-function/later", "two")));
            assertThat(TestGateway.parse(own.system("GET", "/system/calls/" + ids.get(0), null).body()).path("status").asText())
                    .isEqualTo("queued");
            own.restartWith(Map.of("JFAAS_WORKER", "true"));
            for (var id : ids) {
                await().atMost(Duration.ofSeconds(30)).until(() -> TestGateway.parse(
                        own.system("GET", "/system/calls/" + id, null).body()).path("status").asText().equals("succeeded"));
            }
            assertThat(own.system("GET", "/system/calls/" + ids.get(1) + "/result", null).body()).isEqualTo("two");
        }
    }

    @Test
    void aQueuesConcurrencyBoundsTheCallsRunningAtOnce() throws IOException {
        // A worker frees a call's slot once the function answered, while its end is still being
        // written: the bound is on calls in functions, and it must hold however fast they end.
        try (var own = TestGateway.start(Map.of("JFAAS_QUEUE_MAX_INFLIGHT", "3"))) {
            var deployment = Functions.inDirectory("counted", "sh run.sh", Map.of(), Map.of("run.sh",
                    "mkdir -p running; touch running/$$; ls running | wc -l >> counts; sleep 0.05; rm running/$$; echo done\n"));
            own.deploy(deployment);
            var dir = Path.of((String) deployment.get("image"));
            var ids = new java.util.ArrayList<String>();
            for (int i = 0; i < 30; i++) {
                ids.add(callId(own.call("POST", "/async-function/counted", "c" + i)));
            }
            for (var id : ids) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(25)).until(() -> TestGateway.parse(
                        own.system("GET", "/system/calls/" + id, null).body()).path("status").asText().equals("succeeded"));
            }
            var counts = Files.readAllLines(dir.resolve("counts")).stream().map(String::strip).map(Integer::parseInt).toList();
            assertThat(counts).hasSize(30);
            assertThat(counts).allSatisfy(running -> assertThat(running).isBetween(1, 3));
            assertThat(counts).as("calls ran side by side").anySatisfy(running -> assertThat(running).isGreaterThan(1));
        }
    }

    @Test
    void callsAFunctionCannotRunYetStayQueuedAndCanBeCancelled() throws IOException {
        // A worker leases only what a function can run now (max_inflight 1 here): the rest wait
        // in the queue, for any worker, and a cancel keeps them from starting.
        try (var own = TestGateway.start(Map.of("JFAAS_WORKER", "false", "JFAAS_EVENT_LOOPS", "1"))) {
            var deployment = Functions.inDirectory("held", "sh run.sh", Map.of("max_inflight", "1"), Map.of("run.sh",
                    "echo \"$(cat)\" >> ran.txt; sleep 1\n"));
            own.deploy(deployment);
            var dir = Path.of((String) deployment.get("image"));
            var first = callId(own.call("POST", "/async-function/held", "first"));
            var kept = callId(own.call("POST", "/async-function/held", "kept"));
            var cancelled = callId(own.call("POST", "/async-function/held", "cancelled"));
            own.restartWith(Map.of("JFAAS_WORKER", "true"));
            var ran = dir.resolve("ran.txt");
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> Files.exists(ran) && !Files.readAllLines(ran).isEmpty());
            assertThat(Files.readAllLines(ran)).containsExactly("first");
            for (var id : List.of(kept, cancelled)) {
                assertThat(TestGateway.parse(own.system("GET", "/system/calls/" + id, null).body()).path("status").asText())
                        .as("not leased while the function is at its limit").isEqualTo("queued");
            }
            assertThat(own.call("DELETE", "/async-function/" + cancelled, null).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> TestGateway.parse(
                    own.system("GET", "/system/calls/" + kept, null).body()).path("status").asText().equals("succeeded"));
            assertThat(Files.readAllLines(ran)).containsExactly("first", "kept");
            assertThat(TestGateway.parse(own.system("GET", "/system/calls/" + cancelled, null).body())
                    .path("status").asText()).isEqualTo("cancelled");
        }
    }
}
