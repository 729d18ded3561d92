package dev.jfaas.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.gateway.auth.BasicAuth;
import dev.jfaas.gateway.auth.Credentials;
import dev.jfaas.invoke.Body;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway's credentials: asked for where a function wants them, never passed on anywhere. */
class AuthorizeTest {

    static final BasicAuth AUTH = new BasicAuth(new Credentials("admin", "s3cret"));
    static final String ADMIN = "Basic " + Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8));
    static final Calls.Function PUBLIC = Calls.Function.annotated(Map.of());
    static final Calls.Function PRIVATE = Calls.Function.annotated(Map.of(Authorize.ANNOTATION, "basic"));

    @Test
    void aFunctionThatAsksForTheCredentialsIsRefusedWithoutThemAndNothingGoesOn() {
        var next = new Calls.Next();
        var result = Authorize.atEntry(AUTH).apply(Calls.to(PRIVATE, Body.EMPTY, "Authorization", "Basic d3Jvbmc6d3Jvbmc="), next).result();
        assertThat(result.status()).isEqualTo(401);
        assertThat(result.headers().get("WWW-Authenticate")).isEqualTo(BasicAuth.CHALLENGE);
        assertThat(result.headers().get("X-Jfaas-Internal")).isEqualTo("auth");
        assertThat(next.passed.get()).isNull();
    }

    @Test
    void withTheCredentialsTheCallGoesOnWithoutThem() {
        var next = new Calls.Next();
        var result = Authorize.atEntry(AUTH).apply(Calls.to(PRIVATE, Body.EMPTY, "Authorization", ADMIN, "X-Other", "kept"), next).result();
        assertThat(result.status()).isEqualTo(200);
        assertThat(next.passed.get().headers().contains("Authorization")).isFalse();
        assertThat(next.passed.get().headers().get("X-Other")).isEqualTo("kept");
    }

    @Test
    void aPublicFunctionNeverReceivesTheGatewaysCredentialsButKeepsItsOwnScheme() {
        var next = new Calls.Next();
        Authorize.atEntry(AUTH).apply(Calls.to(PUBLIC, Body.EMPTY, "Authorization", ADMIN), next);
        assertThat(next.passed.get().headers().contains("Authorization")).as("the admin's password, sent by a browser").isFalse();
        Authorize.atEntry(AUTH).apply(Calls.to(PUBLIC, Body.EMPTY, "Authorization", "Bearer the-functions-own-token"), next);
        assertThat(next.passed.get().headers().get("Authorization")).isEqualTo("Bearer the-functions-own-token");
    }

    @Test
    void anAcceptedCallIsNotAskedAgainButStillLosesTheCredentials() {
        var next = new Calls.Next();
        assertThat(Authorize.accepted(AUTH).apply(Calls.to(PRIVATE, Body.EMPTY), next).result().status()).isEqualTo(200);
        Authorize.accepted(AUTH).apply(Calls.to(PRIVATE, Body.EMPTY, "Authorization", ADMIN), next);
        assertThat(next.passed.get().headers().contains("Authorization")).isFalse();
    }
}
