package dev.jfaas.worker.remote;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;

/**
 * The gateway a standalone worker sends calls to.
 *
 * @param authorization the {@code Authorization} header for its {@code /system} API, or null
 */
public record GatewayAddress(URI url, String authorization) {

    public GatewayAddress {
        if (url.getHost() == null || !"http".equals(url.getScheme())) {
            throw new IllegalArgumentException("gateway URL \"" + url + "\": use http://host:port");
        }
    }

    /** A request to {@code path} (which starts with "/") under the gateway's URL. */
    RequestOptions request(HttpMethod method, String path) {
        var base = url.getPath() == null ? "" : url.getPath().replaceAll("/+$", "");
        return new RequestOptions().setMethod(method).setHost(url.getHost())
                .setPort(url.getPort() < 0 ? 80 : url.getPort()).setURI(base + path).setFollowRedirects(false);
    }

    @Override
    public String toString() {
        return url.toString();
    }
}
