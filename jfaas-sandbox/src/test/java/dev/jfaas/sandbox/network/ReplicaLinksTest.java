package dev.jfaas.sandbox.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Addresses and names of replicas' links, and what the network annotation accepts. */
class ReplicaLinksTest {

    @Test
    void networksParseAndOverlapAsCidrsDo() {
        var pool = ReplicaLinks.Cidr.parse("10.200.0.0/13");
        assertThat(ReplicaLinks.Cidr.text(pool.address())).isEqualTo("10.200.0.0");
        assertThat(pool.prefix()).isEqualTo(13);
        assertThat(ReplicaLinks.Cidr.parse("10.200.3.7/18").address()).isEqualTo(ReplicaLinks.Cidr.parse("10.200.0.0/18").address());
        assertThat(pool.overlaps(ReplicaLinks.Cidr.parse("10.207.255.0/24"))).isTrue();
        assertThat(pool.overlaps(ReplicaLinks.Cidr.parse("10.208.0.0/16"))).isFalse();
        assertThat(ReplicaLinks.Cidr.parse("10.0.0.0/8").overlaps(pool)).isTrue();
        assertThatThrownBy(() -> ReplicaLinks.Cidr.parse("10.200.0.0")).hasMessageContaining("use a CIDR like");
        assertThatThrownBy(() -> ReplicaLinks.Cidr.parse("10.300.0.0/16")).hasMessageContaining("300 is not 0-255");
    }

    @Test
    void theNetworkAnnotationTakesNoneEgressOrHostAndDefaultsToEgress() {
        assertThat(NetworkMode.of(Map.of())).isEqualTo(NetworkMode.EGRESS);
        assertThat(NetworkMode.of(Map.of(NetworkMode.ANNOTATION, "None"))).isEqualTo(NetworkMode.NONE);
        assertThat(NetworkMode.of(Map.of(NetworkMode.ANNOTATION, "host"))).isEqualTo(NetworkMode.HOST);
        assertThatThrownBy(() -> NetworkMode.of(Map.of(NetworkMode.ANNOTATION, "bridge")))
                .hasMessage("invalid com.jfaas.network \"bridge\": use none, egress or host");
    }
}
