package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway's own credentials reach no function and are stored nowhere, whichever way a call
 * comes in: sync (as curl, faas-cli or a browser logged in to the portal sends it), async, or
 * async held open; to a function that asks for them or to one that does not.
 */
class CredentialsTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    static final String ADMIN = TestGateway.basic(TestGateway.USER, TestGateway.PASSWORD);

    @BeforeAll
    static void deploy() {
        gateway.deploy(Functions.forking("public-env", "env"));
        var guarded = Functions.forking("guarded-env", "env");
        guarded.put("annotations", Map.of("com.jfaas.auth", "basic"));
        gateway.deploy(guarded);
    }

    @Test
    void aSyncCallPassesNoCredentialsOnWhetherTheFunctionAskedForThemOrNot() {
        for (var function : new String[] {"public-env", "guarded-env"}) {
            var response = gateway.call("POST", "/function/" + function, "", "Authorization", ADMIN, "X-Mine", "kept");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("Http_X_Mine=kept").doesNotContain("Http_Authorization", TestGateway.PASSWORD);
        }
        var own = gateway.call("POST", "/function/public-env", "", "Authorization", "Bearer the-functions-own");
        assertThat(own.body()).as("a scheme of the function's own is its business").contains("Http_Authorization=Bearer the-functions-own");
    }

    @Test
    void anAsyncCallIsStoredAndRunWithoutThem() throws IOException {
        var accepted = gateway.call("POST", "/async-function/guarded-env", "", "Authorization", ADMIN);
        assertThat(accepted.statusCode()).isEqualTo(202);
        var id = accepted.headers().firstValue("X-Call-Id").orElseThrow();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(gateway.system("GET", "/system/calls/" + id + "/result", null).statusCode()).isEqualTo(200));
        assertThat(gateway.system("GET", "/system/calls/" + id + "/result", null).body())
                .contains("Http_Method=POST").doesNotContain("Http_Authorization", TestGateway.PASSWORD);
        var held = gateway.call("POST", "/function/public-env", "", "Authorization", ADMIN, "Prefer", "respond-async, wait=10");
        assertThat(held.statusCode()).isEqualTo(200);
        assertThat(held.body()).doesNotContain("Http_Authorization");
        assertThat(gateway.call("POST", "/async-function/guarded-env", "").statusCode()).as("still asked for").isEqualTo(401);
        var encoded = ADMIN.substring("Basic ".length());
        try (Stream<Path> files = Files.walk(gateway.dataDir)) {
            for (var file : files.filter(Files::isRegularFile).toList()) {
                var text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertThat(text).as(file.toString()).doesNotContain(encoded).doesNotContain(TestGateway.PASSWORD);
            }
        }
    }
}
