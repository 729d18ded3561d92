package dev.jfaas.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.NetworkInterface;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where callbacks may point: never what only the gateway's host reaches, unless the operator lists it. */
class CallbackPolicyTest {

    final CallbackPolicy policy = CallbackPolicy.of(null, List.of("10.200.0.0/13"));

    @Test
    void loopbackLinkLocalTheReplicasAndTheHostsOwnAddressesAreRefused() throws Exception {
        for (var url : List.of("http://127.0.0.1:6379/", "http://localhost:8080/x", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
                "http://169.254.169.254/latest/meta-data", "http://10.200.3.6:8080/", "http://0.0.0.0:80/")) {
            assertThat(policy.refusal(URI.create(url))).as(url).contains("is refused", "JFAAS_CALLBACK_ALLOWED_HOSTS");
            assertThatThrownBy(() -> policy.resolve(URI.create(url))).as(url).isInstanceOf(CallbackPolicy.Refused.class);
        }
        for (var nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (var address : Collections.list(nic.getInetAddresses())) {
                var host = address.getHostAddress().replaceFirst("%.*", "");
                var url = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":8080/");
                assertThat(policy.refusal(url)).as(url.toString()).isNotNull();
            }
        }
    }

    @Test
    void aNameIsCheckedWhenItIsResolvedAndTheCallbackGoesToTheAddressChecked() throws Exception {
        var sneaky = URI.create("http://127.1:8080/x"); // no address by its looks, 127.0.0.1 once resolved
        assertThat(policy.refusal(sneaky)).isNull();
        assertThatThrownBy(() -> policy.resolve(sneaky)).isInstanceOf(CallbackPolicy.Refused.class)
                .hasMessageContaining("127.0.0.1");
        assertThat(policy.resolve(URI.create("http://192.0.2.10:9000/hook")).getHostAddress()).isEqualTo("192.0.2.10");
    }

    @Test
    void anAllowListAllowsWhatItListsAndNothingElse() throws Exception {
        var listed = CallbackPolicy.of("127.0.0.1, hooks.example.com, 192.0.2.0/24", List.of("10.200.0.0/13"));
        assertThat(listed.refusal(URI.create("http://127.0.0.1:9/x"))).isNull();
        assertThat(listed.resolve(URI.create("http://192.0.2.77/")).getHostAddress()).isEqualTo("192.0.2.77");
        assertThat(listed.refusal(URI.create("http://198.51.100.1/"))).contains("not in JFAAS_CALLBACK_ALLOWED_HOSTS");
        assertThatThrownBy(() -> CallbackPolicy.of("ftp://x", List.of())).hasMessageContaining("invalid JFAAS_CALLBACK_ALLOWED_HOSTS");
    }
}
