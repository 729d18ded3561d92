package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jfaas.images.TestImages;
import dev.jfaas.images.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** When a deploy pulls its image: JFAAS_IMAGE_PULL as Kubernetes' imagePullPolicy, and never for local/ names. */
class ImagePullTest {

    static Path work;
    static TestRegistry registry;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("jfaas-pull-test");
        registry = TestRegistry.start(work, null, null);
    }

    @AfterAll
    static void stop() throws Exception {
        registry.close();
    }

    static void push(String tag, String says) throws Exception {
        var spec = new TestImages.Spec("example.com/moving:1", Map.of("/home/app/handler.sh", "echo " + says + "\n"),
                List.of(), List.of(), Map.of("fprocess", "sh handler.sh"), "/home/app", "");
        registry.push(work, TestImages.archive(work, spec, "oci-archive"), "oci-archive", tag);
    }

    static Map<String, Object> function(String name, String image) {
        return new HashMap<>(Map.of("service", name, "image", image));
    }

    @Test
    void alwaysFollowsATagThatMovedIfNotPresentKeepsWhatItHas() throws Exception {
        push("team/moving:1", "one");
        var image = registry.host() + "/team/moving:1";
        try (var always = TestGateway.start(Map.of("JFAAS_IMAGE_PULL", "always"));
                var ifNotPresent = TestGateway.start(Map.of())) {
            always.deploy(function("moving", image));
            ifNotPresent.deploy(function("moving", image));
            assertThat(always.call("POST", "/function/moving", "").body()).isEqualTo("one\n");

            push("team/moving:1", "two");
            for (var gateway : List.of(always, ifNotPresent)) {
                var update = gateway.system("PUT", "/system/functions", function("moving", image));
                assertThat(update.statusCode()).as(update.body()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(always.call("POST", "/function/moving", "").body()).isEqualTo("two\n"));
            assertThat(ifNotPresent.call("POST", "/function/moving", "").body()).as("the stored image").isEqualTo("one\n");
        }
    }

    @Test
    void neverAndLocalNamesDoNotPull() throws Exception {
        push("team/never:1", "pulled");
        try (var never = TestGateway.start(Map.of("JFAAS_IMAGE_PULL", "never"))) {
            var refused = never.system("POST", "/system/functions", function("never", registry.host() + "/team/never:1"));
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("image not found", "JFAAS_IMAGE_PULL=never");
        }
        try (var gateway = TestGateway.start(Map.of())) {
            var local = Functions.forking("local-cat", "cat");
            local.put("image", "local/cat");
            gateway.deploy(local);
            assertThat(gateway.describe("local-cat").path("message").asText()).contains("local/ names are never pulled");
            assertThat(gateway.call("POST", "/function/local-cat", "here").body()).isEqualTo("here");
        }
    }
}
