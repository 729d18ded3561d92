import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load at a fixed rate over a fixed set of keep-alive connections (what wrk2 does;
 * wrk cannot hold a rate): each request is timed from when it was due, not when it was sent, so
 * a stalled server is not hidden (no coordinated omission). A due request waits for a free
 * connection rather than opening one: the JDK's HttpClient opened a connection per waiting
 * request, and after one hiccup held a thousand connections whose own overhead then dominated
 * what was measured.
 * Usage: java FixedRateLoad.java URL RATE SECONDS [CONNECTIONS=32] → prints "p50_ms p99_ms max_ms errors".
 */
public class FixedRateLoad {

    public static void main(String[] args) throws Exception {
        var uri = URI.create(args[0]);
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int connections = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        var result = load(uri, rate, seconds, connections, 200, (index, connection) -> {});
        // The first second warms connections up; leave it out.
        var measured = Arrays.copyOfRange(result.latencies(), Math.min(rate, result.latencies().length - 1),
                result.latencies().length);
        Arrays.sort(measured);
        System.out.printf("%.3f %.3f %.3f %d%n", measured[measured.length / 2] / 1e6,
                measured[(int) (measured.length * 0.99)] / 1e6, measured[measured.length - 1] / 1e6, result.errors());
    }

    /** Latency of each request from when it was due (ns), and how many did not answer {@code expected}. */
    record Result(long[] latencies, int errors) {}

    /** What to do with each answer that had the expected status (its index, the connection it came on). */
    interface OnAnswer {
        void accept(int index, Connection connection);
    }

    /** POSTs 100 bytes to {@code uri} {@code rate} times a second for {@code seconds}, over {@code connections}. */
    static Result load(URI uri, int rate, int seconds, int connections, int expected, OnAnswer onAnswer)
            throws InterruptedException {
        int total = rate * seconds;
        var latencies = new long[total];
        var errors = new AtomicInteger();
        var done = new CountDownLatch(total);
        BlockingQueue<long[]> due = new ArrayBlockingQueue<>(total);
        var request = request(uri);
        for (int c = 0; c < connections; c++) {
            Thread.ofPlatform().daemon().start(() -> {
                Connection connection = null;
                while (true) {
                    long[] next;
                    try {
                        next = due.take();
                    } catch (InterruptedException e) {
                        return;
                    }
                    int status;
                    try {
                        if (connection == null) {
                            connection = new Connection(uri);
                        }
                        status = connection.exchange(request);
                        if (status == expected) {
                            onAnswer.accept((int) next[0], connection);
                        }
                        if (connection.dead) {
                            connection = closed(connection);
                        }
                    } catch (IOException e) {
                        status = -1;
                        connection = closed(connection);
                    }
                    latencies[(int) next[0]] = System.nanoTime() - next[1];
                    if (status != expected) {
                        errors.incrementAndGet();
                    }
                    done.countDown();
                }
            });
        }
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long at = start + i * interval;
            long wait = at - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            due.add(new long[] {i, at});
        }
        done.await();
        return new Result(latencies, errors.get());
    }

    private static byte[] request(URI uri) {
        var body = "x".repeat(100);
        var path = uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return ("POST " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static Connection closed(Connection connection) {
        if (connection != null) {
            try {
                connection.socket.close();
            } catch (IOException ignored) {
                // reconnect on the next request
            }
        }
        return null;
    }

    /** One keep-alive HTTP/1.1 connection; reads a response with Content-Length or chunked. */
    static final class Connection {
        final Socket socket;
        final OutputStream out;
        final InputStream in;
        boolean dead;
        /** The last response's headers, names in lower case. */
        final java.util.Map<String, String> headers = new java.util.HashMap<>();

        Connection(URI uri) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
            socket.setSoTimeout(10_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }

        int exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            var status = line();
            int code = Integer.parseInt(status.split(" ", 3)[1]);
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            headers.clear();
            for (String header; !(header = line()).isEmpty(); ) {
                var lower = header.toLowerCase();
                int colon = header.indexOf(':');
                if (colon > 0) {
                    headers.put(lower.substring(0, colon).strip(), header.substring(colon + 1).strip());
                }
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).strip());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (chunked) {
                for (long size; (size = Long.parseLong(line().split(";")[0].strip(), 16)) > 0; ) {
                    skip(size);
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length > 0) {
                skip(length);
            }
            dead = close;
            return code;
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                long skipped = in.skip(n);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed mid-body");
                    }
                    skipped = 1;
                }
                n -= skipped;
            }
        }

        private String line() throws IOException {
            var text = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    text.append((char) b);
                }
            }
            return text.toString();
        }
    }
}
