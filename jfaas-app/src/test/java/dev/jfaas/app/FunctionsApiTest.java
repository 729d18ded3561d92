package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The OpenFaaS function lifecycle API, including every way to get it wrong. */
class FunctionsApiTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    @Test
    void deployListDescribeUpdateScaleRemove() {
        var deployment = Functions.forking("lifecycle", "cat", Map.of("content_type", "text/plain"));
        deployment.put("labels", Map.of("team", "a"));
        deployment.put("annotations", Map.of("topic", "x"));
        gateway.deploy(deployment);

        var list = TestGateway.parse(gateway.system("GET", "/system/functions", null).body());
        assertThat(list.isArray()).isTrue();
        var listed = java.util.stream.StreamSupport.stream(list.spliterator(), false)
                .filter(f -> f.path("name").asText().equals("lifecycle")).findFirst().orElseThrow();
        assertThat(listed.path("image").asText()).isEqualTo("local/test");
        assertThat(listed.path("namespace").asText()).isEqualTo("openfaas-fn");
        assertThat(listed.path("envProcess").asText()).isEqualTo("cat");
        assertThat(listed.path("labels").path("faas_function").asText()).isEqualTo("lifecycle");
        assertThat(listed.path("labels").path("team").asText()).isEqualTo("a");
        assertThat(listed.path("annotations").path("topic").asText()).isEqualTo("x");
        assertThat(listed.path("replicas").asInt()).isEqualTo(1);
        assertThat(listed.path("availableReplicas").asInt()).isEqualTo(1);
        assertThat(listed.path("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(listed.has("secrets")).as("empty fields are omitted").isFalse();
        assertThat(listed.path("limits").path("memory").asText()).as("the gateway's default memory limit").isEqualTo("256Mi");

        deployment.put("envProcess", "rev");
        assertThat(gateway.system("PUT", "/system/functions", deployment).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(gateway.call("POST", "/function/lifecycle", "abc\n").body()).isEqualTo("cba\n"));

        assertThat(gateway.system("POST", "/system/scale-function/lifecycle",
                Map.of("serviceName", "lifecycle", "replicas", 3)).statusCode()).isEqualTo(202);
        gateway.awaitReady("lifecycle", 3);
        assertThat(gateway.describe("lifecycle").path("replicas").asInt()).isEqualTo(3);

        assertThat(gateway.system("POST", "/system/scale-function/lifecycle",
                Map.of("serviceName", "lifecycle", "replicas", 0)).statusCode()).isEqualTo(202);
        gateway.awaitReady("lifecycle", 0);

        assertThat(gateway.system("DELETE", "/system/functions", Map.of("functionName", "lifecycle")).statusCode()).isEqualTo(202);
        assertThat(gateway.system("GET", "/system/function/lifecycle", null).statusCode()).isEqualTo(404);
        assertThat(gateway.call("POST", "/function/lifecycle", "x").statusCode()).isEqualTo(404);
    }

    @Test
    void scaleIsClampedToTheFunctionsMaximum() {
        var deployment = Functions.forking("clamped", "cat");
        deployment.put("labels", Map.of("com.openfaas.scale.max", "2"));
        gateway.deploy(deployment);
        gateway.system("POST", "/system/scale-function/clamped", Map.of("serviceName", "clamped", "replicas", 9));
        gateway.awaitReady("clamped", 2);
        assertThat(gateway.describe("clamped").path("replicas").asInt()).isEqualTo(2);
    }

    @Test
    void functionScaledToZeroStartsOnTheFirstCall() {
        gateway.deploy(Functions.httpEcho("sleeper", Map.of()));
        gateway.system("POST", "/system/scale-function/sleeper", Map.of("serviceName", "sleeper", "replicas", 0));
        gateway.awaitReady("sleeper", 0);
        var response = gateway.call("GET", "/function/sleeper/", null);
        assertThat(response.statusCode()).as(response.headers() + " " + response.body()).isEqualTo(200);
        assertThat(gateway.describe("sleeper").path("replicas").asInt()).isEqualTo(1);
    }

    @Test
    void deployingTwiceIs409() {
        gateway.deploy(Functions.forking("twice", "cat"));
        var response = gateway.system("POST", "/system/functions", Functions.forking("twice", "cat"));
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body()).contains("twice").contains("exists");
    }

    @Test
    void updatingAnAbsentFunctionIs404SoFaasCliPostsInstead() {
        assertThat(gateway.system("PUT", "/system/functions", Functions.forking("absent", "cat")).statusCode()).isEqualTo(404);
    }

    @Test
    void removingOrScalingOrDescribingAnAbsentFunctionIs404() {
        assertThat(gateway.system("DELETE", "/system/functions", Map.of("functionName", "ghost")).statusCode()).isEqualTo(404);
        assertThat(gateway.system("POST", "/system/scale-function/ghost", Map.of("replicas", 1)).statusCode()).isEqualTo(404);
        assertThat(gateway.system("GET", "/system/function/ghost", null).statusCode()).isEqualTo(404);
    }

    @Test
    void malformedJsonIs400() {
        var response = gateway.system("POST", "/system/functions", "{\"service\": ");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).startsWith("invalid JSON");
    }

    @Test
    void aFieldOfTheWrongTypeIsNamedWithTheTypeItShouldHave() {
        var envVars = gateway.system("POST", "/system/functions", "{\"service\": \"typed\", \"envVars\": \"x=1\"}");
        assertThat(envVars.statusCode()).isEqualTo(400);
        assertThat(envVars.body()).startsWith("invalid JSON for field \"envVars\": expected an object").doesNotContain("java.");
        var secrets = gateway.system("POST", "/system/functions", "{\"service\": \"typed\", \"secrets\": \"db\"}");
        assertThat(secrets.body()).startsWith("invalid JSON for field \"secrets\": expected an array").doesNotContain("java.");
        var replicas = gateway.system("POST", "/system/scale-function/typed", "{\"replicas\": \"many\"}");
        assertThat(replicas.statusCode()).isEqualTo(400);
        assertThat(replicas.body()).contains("\"replicas\"", "expected a number").doesNotContain("java.");
    }

    @Test
    void emptyBodyIs400() {
        assertThat(gateway.system("POST", "/system/functions", "").statusCode()).isEqualTo(400);
        assertThat(gateway.system("POST", "/system/functions", "null").statusCode()).isEqualTo(400);
        assertThat(gateway.system("POST", "/system/functions", "[1]").statusCode()).isEqualTo(400);
    }

    @Test
    void missingServiceOrImageOrProcessIs400() {
        var noService = new HashMap<String, Object>(Map.of("image", "x", "envProcess", "cat"));
        assertThat(gateway.system("POST", "/system/functions", noService).body()).contains("service is required");
        var noImage = new HashMap<String, Object>(Map.of("service", "noimage", "envProcess", "cat"));
        var response = gateway.system("POST", "/system/functions", noImage);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("image is required");
        var noProcess = new HashMap<String, Object>(Map.of("service", "noprocess", "image", "x"));
        assertThat(gateway.system("POST", "/system/functions", noProcess).statusCode()).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Upper", "with.dot", "under_score", "-leading", "trailing-", "", "a234567890123456789012345678901234567890123456789012345678901234"})
    void invalidNamesAre400AndNotStored(String name) {
        var response = gateway.system("POST", "/system/functions", Functions.forking(name, "cat"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isNotBlank();
        assertThat(gateway.system("GET", "/system/functions", null).body()).doesNotContain("\"" + name + "\"");
    }

    @Test
    void unknownFieldIs400NamingIt() {
        var deployment = Functions.forking("typo", "cat");
        deployment.put("replicaz", 3);
        var response = gateway.system("POST", "/system/functions", deployment);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("unknown field \"replicaz\"");
    }

    @Test
    void fieldsOpenFaasClientsStillSendAreAccepted() {
        var deployment = Functions.forking("legacy", "cat");
        deployment.put("registryAuth", "");
        deployment.put("network", "func_functions");
        assertThat(gateway.system("POST", "/system/functions", deployment).statusCode()).isEqualTo(202);
    }

    @Test
    void wrongTypesAre400() {
        var deployment = Functions.forking("typed", "cat");
        deployment.put("labels", List.of("not", "a", "map"));
        assertThat(gateway.system("POST", "/system/functions", deployment).statusCode()).isEqualTo(400);
    }

    @Test
    void badWatchdogSettingsAre400() {
        assertThat(gateway.system("POST", "/system/functions",
                Functions.forking("badmode", "cat", Map.of("mode", "telepathy"))).body()).contains("invalid mode");
        assertThat(gateway.system("POST", "/system/functions",
                Functions.forking("badtimeout", "cat", Map.of("exec_timeout", "soon"))).statusCode()).isEqualTo(400);
        assertThat(gateway.system("POST", "/system/functions",
                Functions.forking("badinflight", "cat", Map.of("max_inflight", "-1"))).statusCode()).isEqualTo(400);
    }

    @Test
    void badScalingLabelsAre400() {
        var deployment = Functions.forking("badscale", "cat");
        deployment.put("labels", Map.of("com.openfaas.scale.min", "5", "com.openfaas.scale.max", "2"));
        assertThat(gateway.system("POST", "/system/functions", deployment).statusCode()).isEqualTo(400);
        deployment.put("labels", Map.of("com.openfaas.scale.max", "many"));
        assertThat(gateway.system("POST", "/system/functions", deployment).statusCode()).isEqualTo(400);
    }

    @Test
    void negativeOrNonNumericReplicasAre400() {
        gateway.deploy(Functions.forking("scaled", "cat"));
        assertThat(gateway.system("POST", "/system/scale-function/scaled", Map.of("replicas", -1)).statusCode()).isEqualTo(400);
        assertThat(gateway.system("POST", "/system/scale-function/scaled", Map.of("replicas", "lots")).statusCode()).isEqualTo(400);
        assertThat(gateway.system("POST", "/system/scale-function/scaled", Map.of("serviceName", "scaled")).statusCode()).isEqualTo(400);
    }

    @Test
    void unknownSecretIs400() {
        var deployment = Functions.forking("needs-secret", "cat");
        deployment.put("secrets", List.of("does-not-exist"));
        var response = gateway.system("POST", "/system/functions", deployment);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("does-not-exist");
    }

    @Test
    void unknownNamespaceIs400() {
        var deployment = Functions.forking("elsewhere", "cat");
        deployment.put("namespace", "nowhere");
        assertThat(gateway.system("POST", "/system/functions", deployment).statusCode()).isEqualTo(400);
        assertThat(gateway.system("GET", "/system/functions?namespace=nowhere", null).statusCode()).isEqualTo(400);
        assertThat(gateway.system("GET", "/system/functions?namespace=Bad_NS", null).statusCode()).isEqualTo(400);
    }

    @Test
    void errorsAreJsonForJsonClients() {
        var request = java.net.http.HttpRequest.newBuilder(gateway.uri("/system/function/ghost"))
                .header("Authorization", TestGateway.basic(TestGateway.USER, TestGateway.PASSWORD))
                .header("Accept", "application/json").GET().build();
        var response = gateway.send(request);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(TestGateway.parse(response.body()).path("error").asText()).contains("ghost");
    }

    @Test
    void functionsInAnotherNamespace() {
        assertThat(gateway.system("POST", "/system/namespace/team-b", null).statusCode()).isEqualTo(201);
        var deployment = Functions.forking("nsfn", "cat");
        deployment.put("namespace", "team-b");
        assertThat(gateway.system("POST", "/system/functions", deployment).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(gateway.call("POST", "/function/nsfn.team-b", "b").body()).isEqualTo("b"));
        assertThat(gateway.call("POST", "/function/nsfn", "b").statusCode()).isEqualTo(404);
        assertThat(gateway.system("GET", "/system/functions?namespace=team-b", null).body()).contains("\"nsfn\"");
        assertThat(gateway.system("GET", "/system/function/nsfn?namespace=team-b", null).statusCode()).isEqualTo(200);
        assertThat(gateway.system("DELETE", "/system/namespace/team-b", null).statusCode()).isEqualTo(400);
        assertThat(gateway.system("DELETE", "/system/functions", Map.of("functionName", "nsfn", "namespace", "team-b")).statusCode()).isEqualTo(202);
        assertThat(gateway.system("DELETE", "/system/namespace/team-b", null).statusCode()).isEqualTo(202);
    }
}
