package dev.jfaas.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Many HTTP calls at once from one thread, a socket each: what an overload test needs to open
 * 10,000 connections without a thread, a pool or a heap per call. Each call sends one request with
 * {@code Connection: close} and reads to the end; what it got is counted by status, with
 * {@link #NO_ANSWER} for a connection closed or reset before a status line, {@link #NO_CONNECTION}
 * for one that never connected, and {@link #NO_RETRY_AFTER} for a 429 or 503 that does not say when
 * to come back. Also run by bench/overload.sh: {@code Burst URL COUNT [SECONDS]}.
 */
final class Burst {

    static final int NO_ANSWER = -1;
    static final int NO_CONNECTION = -2;
    static final int NO_RETRY_AFTER = -3;
    static final int TIMED_OUT = -4;

    private static final class Call {
        final ByteBuffer request;
        final ByteBuffer head = ByteBuffer.allocate(512);
        boolean connected;
        boolean ended;

        Call(ByteBuffer request) {
            this.request = request.duplicate();
        }

        int outcome() {
            var text = new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
                return NO_ANSWER;
            }
            int status = Integer.parseInt(text.substring(9, 12));
            if ((status == 429 || status == 503) && !text.toLowerCase(Locale.ROOT).contains("\nretry-after:")) {
                return NO_RETRY_AFTER;
            }
            return status;
        }
    }

    /**
     * Sends {@code count} POSTs of one byte to {@code uri} at once; statuses and how many of each.
     * Each call writes its request as soon as its socket is connected, as a caller with a socket of
     * its own would: the sockets are opened a batch at a time with the events of those already open
     * handled in between (opened all first, the first calls' requests were sent a second or more
     * after their connection, which a server rightly takes for silence).
     */
    static TreeMap<Integer, Integer> post(URI uri, int count, Duration timeout) throws IOException {
        var request = ByteBuffer.wrap(("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx").getBytes(StandardCharsets.ISO_8859_1));
        var address = new InetSocketAddress(uri.getHost(), uri.getPort());
        var burst = new Burst();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (var selector = Selector.open()) {
            for (int i = 0; i < count; i++) {
                var channel = SocketChannel.open();
                channel.configureBlocking(false);
                var call = new Call(request);
                try {
                    call.connected = channel.connect(address);
                    var key = channel.register(selector, SelectionKey.OP_CONNECT, call);
                    if (call.connected) {
                        send(key, call, channel);
                    }
                    burst.open++;
                } catch (IOException e) {
                    channel.close();
                    burst.statuses.merge(NO_CONNECTION, 1, Integer::sum);
                }
                if (i % 64 == 63) {
                    selector.selectNow();
                    burst.handle(selector);
                }
            }
            while (burst.open > 0 && System.nanoTime() < deadline) {
                selector.select(200);
                burst.handle(selector);
            }
            for (var key : selector.keys()) {
                if (!key.isValid()) {
                    continue;
                }
                burst.statuses.merge(TIMED_OUT, 1, Integer::sum);
                key.channel().close();
            }
        }
        return burst.statuses;
    }

    private final TreeMap<Integer, Integer> statuses = new TreeMap<>();
    private final ByteBuffer drain = ByteBuffer.allocate(16 << 10);
    private int open;

    private void handle(Selector selector) throws IOException {
        for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
            var key = it.next();
            it.remove();
            var call = (Call) key.attachment();
            var channel = (SocketChannel) key.channel();
            try {
                if (key.isConnectable()) {
                    channel.finishConnect();
                    call.connected = true;
                    send(key, call, channel);
                } else if (key.isWritable()) {
                    send(key, call, channel);
                } else if (key.isReadable()) {
                    drain.clear();
                    int read = channel.read(drain);
                    drain.flip();
                    int room = Math.min(drain.remaining(), call.head.remaining());
                    call.head.put(drain.array(), 0, room);
                    call.ended = read < 0;
                }
            } catch (IOException e) {
                if (call.head.position() == 0) {
                    // refused, or reset before a status line
                    statuses.merge(call.connected ? NO_ANSWER : NO_CONNECTION, 1, Integer::sum);
                    key.cancel();
                    channel.close();
                    open--;
                    continue;
                }
                call.ended = true;
            }
            if (call.ended) {
                statuses.merge(call.outcome(), 1, Integer::sum);
                key.cancel();
                channel.close();
                open--;
            }
        }
    }

    private static void send(SelectionKey key, Call call, SocketChannel channel) throws IOException {
        channel.write(call.request);
        key.interestOps(call.request.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    public static void main(String[] args) throws IOException {
        var statuses = post(URI.create(args[0]), Integer.parseInt(args[1]),
                Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 120));
        // The bench reads this one line.
        var out = new StringBuilder();
        statuses.forEach((status, n) -> out.append(status).append('=').append(n).append(' '));
        System.out.println(out.toString().strip());
    }
}
