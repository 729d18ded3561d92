package dev.jfaas.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * HTTP calls to a gateway, with the stored credentials; failures become one-line {@link CliError}s.
 * On the JDK's HttpURLConnection rather than its HttpClient: a command makes one or two calls and
 * exits, and the HttpClient took ~0.3 s to its first answer (its TLS context, its selector) and
 * held the exit ~0.3 s more, most of a command's time (bench/cli-start.sh).
 */
final class GatewayClient {

    /** What a call answered: its status, its body, its headers (names in any case). */
    record Answer<T>(int statusCode, T body, Map<String, List<String>> headers) {

        Optional<String> header(String name) {
            var values = headers.get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
        }
    }

    /** What HttpURLConnection sends itself; PATCH and the like go through the JDK's HttpClient. */
    private static final Set<String> PLAIN_METHODS = Set.of("GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE");

    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 120_000;

    private final String gateway;
    private final String authorization;

    GatewayClient(String gateway, String authorization) {
        this.gateway = CliConfig.normalise(gateway);
        this.authorization = authorization;
    }

    String gateway() {
        return gateway;
    }

    Answer<String> send(String method, String path, String body, List<String> headers) {
        // HttpURLConnection sends no body with a GET (it would make it a POST): such a call goes by the other way
        boolean bodiless = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        if (!PLAIN_METHODS.contains(method) || bodiless && body != null && !body.isEmpty()) {
            return viaHttpClient(method, path, body, headers);
        }
        var connection = open(method, path, headers, READ_TIMEOUT_MS);
        try {
            if (body != null && !bodiless) {
                write(connection, body.getBytes(StandardCharsets.UTF_8));
            }
            int status = connection.getResponseCode();
            return new Answer<>(status, text(body(connection, status)), headers(connection));
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /** A GET whose body is read as it comes (a followed log): no read timeout. */
    Answer<InputStream> stream(String path) {
        var connection = open("GET", path, List.of(), 0);
        try {
            int status = connection.getResponseCode();
            var in = body(connection, status);
            return new Answer<>(status, in == null ? InputStream.nullInputStream() : in, headers(connection));
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /** Uploads a file as the request body (an image archive), with no time limit but the server's. */
    String upload(String path, Path file) {
        var connection = open("POST", path, List.of("Content-Type", "application/x-tar"), 0);
        try {
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                throw new CliError("cannot read " + file);
            }
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(size);
            try (var out = connection.getOutputStream()) {
                Files.copy(file, out);
            }
            int status = connection.getResponseCode();
            var text = text(body(connection, status));
            if (status >= 400) {
                throw CliError.fromResponse(status, text);
            }
            return text;
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /** A system call that must succeed: its body, or a CliError with what the gateway said. */
    String expect(String method, String path, String body) {
        var response = send(method, path, body, List.of());
        if (response.statusCode() >= 400) {
            throw CliError.fromResponse(response.statusCode(), response.body());
        }
        return response.body();
    }

    private HttpURLConnection open(String method, String path, List<String> headers, int readTimeoutMs) {
        try {
            var connection = (HttpURLConnection) URI.create(gateway + path).toURL().openConnection();
            connection.setRequestMethod(method);
            connection.setConnectTimeout(CONNECT_TIMEOUT_MS);
            connection.setReadTimeout(readTimeoutMs);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            if (authorization != null) {
                connection.setRequestProperty("Authorization", authorization);
            }
            for (int i = 0; i + 1 < headers.size(); i += 2) {
                connection.setRequestProperty(headers.get(i), headers.get(i + 1));
            }
            return connection;
        } catch (IllegalArgumentException | IOException e) {
            throw new CliError("invalid gateway URL " + gateway + ": " + e.getMessage());
        }
    }

    private static void write(HttpURLConnection connection, byte[] body) throws IOException {
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(body.length);
        try (var out = connection.getOutputStream()) {
            out.write(body);
        }
    }

    /** The body of an answer, whatever its status (an error's is on the error stream). */
    private static InputStream body(HttpURLConnection connection, int status) throws IOException {
        return status >= 400 ? connection.getErrorStream() : connection.getInputStream();
    }

    private static String text(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Map<String, List<String>> headers(HttpURLConnection connection) {
        var headers = new TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
        connection.getHeaderFields().forEach((name, values) -> {
            if (name != null) {
                headers.put(name, values);
            }
        });
        return headers;
    }

    private CliError failed(IOException e) {
        if (e instanceof ConnectException) {
            return new CliError("cannot connect to the gateway at " + gateway + ": is it running? (set -g or OPENFAAS_URL)");
        }
        if (e instanceof InterruptedIOException && !(e instanceof java.net.SocketTimeoutException)) {
            Thread.currentThread().interrupt();
            return new CliError("interrupted");
        }
        return new CliError("request to " + gateway + " failed: " + e.getMessage());
    }

    /** The rare method HttpURLConnection refuses (PATCH): through the JDK's HttpClient. */
    private Answer<String> viaHttpClient(String method, String path, String body, List<String> headers) {
        var client = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofMillis(CONNECT_TIMEOUT_MS)).build();
        URI uri;
        try {
            uri = URI.create(gateway + path);
        } catch (IllegalArgumentException e) {
            throw new CliError("invalid gateway URL " + gateway + ": " + e.getMessage());
        }
        var builder = java.net.http.HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofMillis(READ_TIMEOUT_MS))
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            builder.header(headers.get(i), headers.get(i + 1));
        }
        try {
            var response = client.send(builder.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            var answerHeaders = new TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
            answerHeaders.putAll(response.headers().map());
            return new Answer<>(response.statusCode(), response.body(), answerHeaders);
        } catch (IOException e) {
            throw failed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliError("interrupted");
        }
    }
}
