package dev.jfaas.sandbox.spawner;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Map;
import jdk.net.ExtendedSocketOptions;

/**
 * One call run by a spawner: a connection to its socket carrying the request (argv, environment,
 * working directory), then the call's stdin one way and {@link Frame}s the other. Closing it kills
 * the call's processes. Reading and writing may happen on two threads at once; socket I/O parks a
 * virtual thread rather than pinning its carrier.
 */
public final class SpawnerCall implements AutoCloseable {

    /** Larger frames would mean a broken or hostile spawner; the spawner sends at most 64 KiB. */
    private static final int MAX_FRAME = 1 << 20;

    private final SocketChannel channel;
    private final DataInputStream in;
    private final OutputStream stdin;

    private SpawnerCall(SocketChannel channel) {
        this.channel = channel;
        this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 8192));
        this.stdin = new Stdin(channel);
    }

    /**
     * Connects, checks that the spawner is who it should be, and sends the request; the process
     * starts as soon as the spawner reads it. With {@code wholeStdin}, the whole of stdin goes with
     * the request and is closed, in one write: for a body that fits in the socket's buffer there is
     * then no writer to run beside the reader; null means stdin follows through {@link #stdin()}.
     *
     * @param peer the user the spawner must run as (its credentials from when it began to listen),
     *             or null when that was checked before
     */
    public static SpawnerCall start(Path socket, UserPrincipal peer, List<String> argv, Map<String, String> env, String cwd,
            byte[] wholeStdin) throws IOException {
        var channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            var credentials = peer == null ? null : channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (credentials != null && !credentials.user().getName().equals(peer.getName())) {
                throw new IOException("refusing the spawner at " + socket + ": it runs as " + credentials.user().getName()
                        + ", not as the function's user " + peer.getName());
            }
            var request = new ByteArrayOutputStream(1024);
            var out = new DataOutputStream(request);
            out.writeInt(argv.size());
            for (var arg : argv) {
                writeString(out, arg);
            }
            out.writeInt(env.size());
            for (var entry : env.entrySet()) {
                writeString(out, entry.getKey() + "=" + entry.getValue());
            }
            writeString(out, cwd);
            if (wholeStdin != null) {
                out.write(wholeStdin);
            }
            var buffer = ByteBuffer.wrap(request.toByteArray());
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (wholeStdin != null) {
                channel.shutdownOutput();
            }
            return new SpawnerCall(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Whether a spawner listens on {@code socket} yet. */
    public static boolean listening(Path socket) {
        try (var channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeString(DataOutputStream out, String text) throws IOException {
        var bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** The call's stdin; closing it is the end of the input (the connection stays open for the answer). */
    public OutputStream stdin() {
        return stdin;
    }

    /** The next frame; blocks until one comes. */
    public Frame next() throws IOException {
        int type;
        int length;
        try {
            type = in.readUnsignedByte();
            length = in.readInt();
        } catch (EOFException e) {
            throw new IOException("the spawner closed the call without an answer (the sandbox ended?)");
        }
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("bad frame from the spawner: " + length + " bytes");
        }
        var bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new IOException("the spawner closed the call in the middle of a frame");
        }
        return switch (type) {
            case 1 -> new Frame.Stdout(bytes);
            case 2 -> new Frame.Stderr(bytes);
            case 3 -> new Frame.Exit(ByteBuffer.wrap(bytes).getInt());
            case 4 -> new Frame.Failure(new String(bytes, StandardCharsets.UTF_8));
            default -> throw new IOException("unknown frame type " + type + " from the spawner");
        };
    }

    /** Ends the call; if its process still runs, the spawner kills its process group. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closed either way
        }
    }

    private static final class Stdin extends OutputStream {

        private final SocketChannel channel;

        Stdin(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            var buffer = ByteBuffer.wrap(bytes, offset, length);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        @Override
        public void close() throws IOException {
            if (channel.isOpen()) {
                channel.shutdownOutput();
            }
        }
    }
}
