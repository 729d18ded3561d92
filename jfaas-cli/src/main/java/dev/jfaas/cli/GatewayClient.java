package dev.jfaas.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** HTTP calls to a gateway, with the stored credentials; failures become one-line {@link CliError}s. */
final class GatewayClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String gateway;
    private final String authorization;

    GatewayClient(String gateway, String authorization) {
        this.gateway = CliConfig.normalise(gateway);
        this.authorization = authorization;
    }

    String gateway() {
        return gateway;
    }

    HttpResponse<String> send(String method, String path, String body, List<String> headers) {
        return send(request(method, path, body, headers), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<InputStream> stream(String path) {
        return send(request("GET", path, null, List.of()), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Uploads a file as the request body (an image archive), with no time limit but the server's. */
    String upload(String path, java.nio.file.Path file) {
        var builder = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofMinutes(30))
                .header("Content-Type", "application/x-tar");
        try {
            builder.POST(HttpRequest.BodyPublishers.ofFile(file));
        } catch (java.io.FileNotFoundException e) {
            throw new CliError("cannot read " + file);
        }
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        var response = send(builder.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 400) {
            throw CliError.fromResponse(response.statusCode(), response.body());
        }
        return response.body();
    }

    /** A system call that must succeed: its body, or a CliError with what the gateway said. */
    String expect(String method, String path, String body) {
        var response = send(method, path, body, List.of());
        if (response.statusCode() >= 400) {
            throw CliError.fromResponse(response.statusCode(), response.body());
        }
        return response.body();
    }

    private HttpRequest request(String method, String path, String body, List<String> headers) {
        URI uri;
        try {
            uri = URI.create(gateway + path);
        } catch (IllegalArgumentException e) {
            throw new CliError("invalid gateway URL " + gateway + ": " + e.getMessage());
        }
        var builder = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            builder.header(headers.get(i), headers.get(i + 1));
        }
        return builder.build();
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new CliError("cannot connect to the gateway at " + gateway + ": is it running? (set -g or OPENFAAS_URL)");
        } catch (IOException e) {
            throw new CliError("request to " + gateway + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliError("interrupted");
        }
    }
}
