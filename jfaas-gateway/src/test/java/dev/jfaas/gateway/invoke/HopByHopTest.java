package dev.jfaas.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import org.junit.jupiter.api.Test;

/** What a proxy never passes on (RFC 9110 §7.6.1): a call's headers are a copy without them. */
class HopByHopTest {

    static MultiMap request() {
        return HeadersMultiMap.httpHeaders()
                .add("Host", "gateway:8080")
                .add("Connection", "keep-alive, X-Secret-Hop")
                .add("Keep-Alive", "timeout=5")
                .add("Transfer-Encoding", "chunked")
                .add("TE", "trailers")
                .add("Upgrade", "h2c")
                .add("Proxy-Authorization", "Basic eA==")
                .add("X-Secret-Hop", "for this connection only")
                .add("Content-Type", "application/json")
                .add("X-Custom", "one")
                .add("X-Custom", "two");
    }

    @Test
    void theMapItselfKeepsOnlyEndToEndHeaders() {
        var headers = request();
        assertThat(HopByHop.keepEndToEnd(headers, "Host")).isSameAs(headers);
        assertThat(headers.names()).containsExactlyInAnyOrder("Content-Type", "X-Custom");
        assertThat(headers.getAll("x-custom")).containsExactly("one", "two");
    }

    @Test
    void aCopyHasOnlyEndToEndHeadersAndTheOriginalIsUntouched() {
        var from = request();
        var copy = HopByHop.copyEndToEnd(from, MultiMap.caseInsensitiveMultiMap(), "Host");
        assertThat(copy.names()).containsExactlyInAnyOrder("Content-Type", "X-Custom");
        assertThat(copy.getAll("X-Custom")).containsExactly("one", "two");
        assertThat(from.entries()).hasSize(11);
    }

    @Test
    void aConnectionHeaderIsReadForTheNamesItLists() {
        assertThat(HopByHop.listedBy(null)).isEmpty();
        assertThat(HopByHop.listedBy("keep-alive")).isEmpty();
        assertThat(HopByHop.listedBy("Close")).containsExactly("Close");
        assertThat(HopByHop.listedBy("Upgrade, keep-alive")).isEmpty();
        assertThat(HopByHop.listedBy("X-Secret-Hop")).containsExactly("X-Secret-Hop");
        assertThat(HopByHop.listedBy(" keep-alive , X-One,, x-two ")).containsExactly("X-One", "x-two");
    }

    @Test
    void aHeaderNamedAloneByConnectionIsNotCopied() {
        var from = HeadersMultiMap.httpHeaders()
                .add("Connection", "x-secret-hop")
                .add("X-Secret-Hop", "for this connection only")
                .add("Content-Length", "2");
        var copy = HopByHop.copyEndToEnd(from, MultiMap.caseInsensitiveMultiMap(), null);
        assertThat(copy.names()).containsExactly("Content-Length");
    }
}
