package dev.jfaas.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import java.util.List;
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
    void theConnectionHeadersAreReadForTheNamesTheyList() {
        assertThat(HopByHop.listedBy(connection())).isEmpty();
        assertThat(HopByHop.listedBy(connection("keep-alive"))).isEmpty();
        assertThat(HopByHop.listedBy(connection("Close"))).containsExactly("Close");
        assertThat(HopByHop.listedBy(connection("Upgrade, keep-alive"))).isEmpty();
        assertThat(HopByHop.listedBy(connection("X-Secret-Hop"))).containsExactly("X-Secret-Hop");
        assertThat(HopByHop.listedBy(connection(" keep-alive , X-One,, x-two ,"))).containsExactly("X-One", "x-two");
        assertThat(HopByHop.listedBy(connection("keep-alive", "X-Second-Line"))).containsExactly("X-Second-Line");
    }

    static MultiMap connection(String... values) {
        var headers = HeadersMultiMap.httpHeaders().add("Content-Type", "text/plain");
        for (var value : values) {
            headers.add("Connection", value);
        }
        return headers;
    }

    @Test
    void everyFixedHopByHopNameIsKnownWhateverItsCaseAndNoOtherName() {
        for (var name : List.of("Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
                "Transfer-Encoding", "Upgrade", "Proxy-Connection")) {
            assertThat(HopByHop.isHopByHop(name)).as(name).isTrue();
            assertThat(HopByHop.isHopByHop(name.toUpperCase())).as(name).isTrue();
        }
        for (var name : List.of("", "T", "Te-", "Upgrades", "Proxy-Connectio", "Proxy-Authenticate-Me", "Content-Length",
                "X-Proxy-Connection-Header-Longer-Than-Any")) {
            assertThat(HopByHop.isHopByHop(name)).as(name).isFalse();
        }
    }

    @Test
    void aHeaderNamedByAnyConnectionHeaderIsNeitherCopiedNorKept() {
        var from = HeadersMultiMap.httpHeaders()
                .add("Connection", "keep-alive")
                .add("Connection", "x-secret-hop")
                .add("X-Secret-Hop", "for this connection only")
                .add("Close", "a field named by the close option")
                .add("Connection", "close")
                .add("Content-Length", "2");
        var copy = HopByHop.copyEndToEnd(from, MultiMap.caseInsensitiveMultiMap(), null);
        assertThat(copy.names()).containsExactly("Content-Length");
        assertThat(HopByHop.keepEndToEnd(from, "Host").names()).containsExactly("Content-Length");
    }
}
