package dev.jfaas.gateway.entry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** X-Forwarded-Host is the caller's Host only when that is a host and port. */
class ForwardedHeadersTest {

    @Test
    void hostsWithOrWithoutAPortAreAuthorities() {
        for (var host : new String[] {"gateway", "gateway:8080", "127.0.0.1:31112", "[::1]", "[::1]:8080",
                "my-fn.example.com", "h:0080", "under_score.local:1"}) {
            assertThat(ForwardedHeaders.isAuthority(host)).as(host).isTrue();
        }
    }

    @Test
    void pathsUserInfoListsAndBadPortsAreNot() {
        for (var host : new String[] {null, "", "evil.com/path", "a@b", "x, y", "h:99999", "h:", ":80", "h:8o",
                "[::1", "::1]", "h:123456", "a b", "h\t", "x".repeat(300)}) {
            assertThat(ForwardedHeaders.isAuthority(host)).as(String.valueOf(host)).isFalse();
        }
    }
}
