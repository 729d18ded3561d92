package dev.jfaas.worker.remote;

import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Stage;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * How a standalone worker runs a call: as a sync call to {@code /function/{name}} on a gateway,
 * which resolves, admits, scales from zero and forwards it as for any caller. The gateway's own
 * errors keep their {@code X-Jfaas-Internal} mark, so retries treat them as the gateway's.
 */
public final class GatewayInvoke implements Stage {

    private final HttpClient client;
    private final GatewayAddress gateway;

    public GatewayInvoke(HttpClient client, GatewayAddress gateway) {
        this.client = client;
        this.gateway = gateway;
    }

    @Override
    public Future<InvocationResult> apply(Invocation call, Chain next) {
        var headers = io.vertx.core.MultiMap.caseInsensitiveMultiMap().addAll(call.headers());
        headers.remove("Host");
        var options = gateway.request(call.method(), "/function/" + call.function().qualified() + call.uri())
                .setHeaders(headers);
        return client.request(options).compose(request -> {
            call.cancellation().onCancel(request::reset);
            return send(request, call.body());
        }).map(response -> {
            var body = new Body.Stream(response, () -> response.request().reset());
            var stage = response.getHeader(InvocationResult.INTERNAL_HEADER);
            return new InvocationResult(response.statusCode(), response.headers(), body, stage);
        }).recover(failure -> Future.succeededFuture(InvocationResult.internal(502, "worker",
                "gateway " + gateway + " unreachable: " + failure.getMessage())));
    }

    private static Future<HttpClientResponse> send(HttpClientRequest request, Body body) {
        return switch (body) {
            case Body.Empty e -> request.send();
            case Body.Bytes b -> request.send(b.buffer());
            case Body.Stream s -> request.send(s.stream());
        };
    }
}
