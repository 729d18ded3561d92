package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One queue, several functions, through the real gateway and its embedded worker: a function's
 * backlog does not hold up another's calls, and a function that pushes back (429 past what it
 * can take, a limit jfaas cannot see) is sent less at once, its calls neither failed nor
 * counted as attempts.
 */
class FairQueuesTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    /** An http function that takes two calls at once and answers 429 to a third, as of-watchdog's max_inflight does. */
    static final String TWO_AT_ONCE = """
            import http.server, os, threading, time
            lock = threading.Lock()
            busy = [0]

            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"

                def do_POST(self):
                    self.rfile.read(int(self.headers.get("Content-Length") or 0))
                    with lock:
                        full = busy[0] >= 2
                        if not full:
                            busy[0] += 1
                    if full:
                        body = b"busy: two at once"
                        self.send_response(429)
                    else:
                        time.sleep(0.1)
                        with lock:
                            busy[0] -= 1
                        body = b"done"
                        self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

                def log_message(self, *args):
                    pass

            class Listener(http.server.ThreadingHTTPServer):
                request_queue_size = 1024

            Listener(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
            """;

    private static String accept(String function, String body) {
        var accepted = gateway.call("POST", "/async-function/" + function, body);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return accepted.headers().firstValue("X-Call-Id").orElseThrow();
    }

    private static String status(String callId) {
        return TestGateway.parse(gateway.system("GET", "/system/calls/" + callId, null).body()).path("status").asText();
    }

    @Test
    void aBacklogOfOneFunctionDoesNotHoldUpAnotherInTheSameQueue() {
        gateway.deploy(Functions.forking("backlog", "sleep 0.3", Map.of("max_inflight", "1")));
        gateway.deploy(Functions.forking("prompt", "cat"));
        var backlog = new ArrayList<String>();
        for (int i = 0; i < 40; i++) {
            backlog.add(accept("backlog", "b" + i));
        }
        var prompt = List.of(accept("prompt", "p1"), accept("prompt", "p2"), accept("prompt", "p3"));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> prompt.stream().allMatch(id -> status(id).equals("succeeded")));
        long waiting = backlog.stream().filter(id -> status(id).equals("queued")).count();
        assertThat(waiting).as("the prompt calls ran while most of the backlog (12 s of it) still waited").isGreaterThan(20);
        // One snapshot of the queue, not 40 statuses read one after another while calls end and others are leased.
        var queue = TestGateway.parse(gateway.system("GET", "/system/queues/faas-request", null).body());
        long leased = queue.path("functions").findParents("function").stream()
                .filter(f -> f.path("function").asText().equals("backlog")).findFirst().orElseThrow().path("inFlight").asLong();
        assertThat(leased).as("the worker leases no more of a function than it can run (max_inflight 1)").isLessThanOrEqualTo(2);
    }

    @Test
    void aFunctionThatPushesBackIsSentLessAtOnceAndNoCallIsLostOrCountedAsFailed() {
        var deployment = Functions.inDirectory("pushy", "python3 -u server.py", Map.of("mode", "http"),
                Map.of("server.py", TWO_AT_ONCE));
        gateway.deploy(deployment);
        var ids = new ArrayList<String>();
        for (int i = 0; i < 40; i++) {
            ids.add(accept("pushy", "c" + i));
        }
        // While its calls wait, the queue shows what the workers learned of it.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            var queue = TestGateway.parse(gateway.system("GET", "/system/queues/faas-request", null).body());
            return queue.path("functions").findParents("function").stream().anyMatch(f -> f.path("function").asText().equals("pushy")
                    && f.path("adaptiveLimit").asInt(0) >= 1 && f.path("adaptiveLimit").asInt() < 40);
        });
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> ids.stream().allMatch(id -> status(id).equals("succeeded")));
        for (var id : ids) {
            var record = TestGateway.parse(gateway.system("GET", "/system/calls/" + id, null).body());
            assertThat(record.path("attempts").asInt()).as("a push-back is not an attempt: %s", record).isEqualTo(1);
        }
        var metrics = gateway.call("GET", "/metrics", null).body();
        assertThat(metrics).contains("jfaas_async_adaptive_limit{function_name=\"pushy.openfaas-fn\"}");
        assertThat(metrics).containsPattern("jfaas_async_attempts_total\\{function_name=\"pushy.openfaas-fn\",outcome=\"pushed_back\"}");
    }
}
