package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests a browser could be made to send for the admin (CSRF), and malformed ones, over raw
 * sockets where an HTTP client would tidy them up: each gets a clear 4xx, never a 500.
 */
class HostileInputTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    static final String AUTH = "Authorization: " + TestGateway.basic(TestGateway.USER, TestGateway.PASSWORD) + "\r\n";

    @BeforeAll
    static void deploy() {
        gateway.deploy(Functions.forking("cat", "cat"));
    }

    /** Sends raw bytes, returns the status line and body of the answer. */
    static String[] raw(String request) throws IOException {
        try (var socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            var answer = readAnswer(socket.getInputStream());
            var status = answer.substring(0, answer.indexOf("\r\n"));
            var body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            return new String[] {status, body};
        }
    }

    private static String readAnswer(InputStream in) throws IOException {
        var out = new StringBuilder();
        int length = -1;
        int c;
        while ((c = in.read()) >= 0) {
            out.append((char) c);
            int end = out.indexOf("\r\n\r\n");
            if (end >= 0) {
                var head = out.substring(0, end).toLowerCase();
                int at = head.indexOf("content-length:");
                if (at >= 0) {
                    length = Integer.parseInt(head.substring(at + 15, head.indexOf("\r\n", at) < 0 ? head.length() : head.indexOf("\r\n", at)).strip());
                }
                var body = in.readNBytes(Math.max(0, length));
                return out + new String(body, StandardCharsets.ISO_8859_1);
            }
        }
        return out.toString();
    }

    static String deployJson(String name) {
        return "{\"service\":\"" + name + "\",\"image\":\"x\",\"envProcess\":\"cat\"}";
    }

    static String post(String path, String headers, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + gateway.port() + "\r\n" + AUTH + headers
                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
    }

    @Test
    void aCrossSitePageCannotDeployWithTheAdminsCredentials() throws IOException {
        var forged = raw(post("/system/functions", "Origin: http://evil.example\r\nContent-Type: text/plain\r\n", deployJson("evil")));
        assertThat(forged[0]).contains("403");
        assertThat(forged[1]).contains("cross-site request refused");
        var fetched = raw(post("/system/functions", "Sec-Fetch-Site: cross-site\r\nContent-Type: application/json\r\n", deployJson("evil")));
        assertThat(fetched[0]).contains("403");
        assertThat(gateway.system("GET", "/system/function/evil", null).statusCode()).isEqualTo(404);
    }

    @Test
    void theGatewaysOwnPagesAndClientsWithoutAnOriginStillWork() throws IOException {
        var origin = "Origin: http://127.0.0.1:" + gateway.port() + "\r\n";
        var sameOrigin = raw(post("/system/functions", origin + "Content-Type: application/json\r\n", deployJson("from-page")));
        assertThat(sameOrigin[0]).contains("202");
        var formFromPage = raw(post("/system/functions", origin + "Content-Type: text/plain\r\n", deployJson("form")));
        assertThat(formFromPage[0]).contains("415");
        var curlLike = raw(post("/system/functions", "Content-Type: application/x-www-form-urlencoded\r\n", deployJson("from-curl")));
        assertThat(curlLike[0]).contains("202");
    }

    @Test
    void malformedRequestsAreClearFourHundreds() throws IOException {
        assertThat(raw("GET /system/info HTTP/1.1\r\n" + AUTH + "\r\n")[0]).contains("400");
        assertThat(raw("GET /function/cat HTTP/1.1\r\nConnection: close\r\n\r\n")[0]).contains("400");
        var badEscape = raw("GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(badEscape[0]).contains("400");
        assertThat(badEscape[1]).contains("%");
        assertThat(raw("GET /system/%zz HTTP/1.1\r\nHost: x\r\n" + AUTH + "Connection: close\r\n\r\n")[0]).contains("400");
        var smuggled = raw("POST /function/cat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: 3\r\n\r\nabc");
        assertThat(smuggled[0]).contains("400");
        assertThat(raw("POST /function/cat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n")[0]).contains("501");
    }

    @Test
    void anUnknownQueueIsNotFoundAndAKnownEmptyOneIsThere() {
        assertThat(gateway.system("GET", "/system/queues/absent", null).statusCode()).isEqualTo(404);
        assertThat(gateway.system("GET", "/system/queues/faas-request", null).statusCode()).isEqualTo(200);
        var named = Functions.forking("queued", "cat");
        named.put("annotations", Map.of("com.openfaas.queue", "slow-lane"));
        gateway.deploy(named);
        assertThat(gateway.system("GET", "/system/queues/slow-lane", null).statusCode()).isEqualTo(200);
    }
}
