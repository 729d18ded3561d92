package dev.jfaas.gateway.system;

import dev.jfaas.queue.Header;
import dev.jfaas.queue.QueuedCall;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code GET /system/calls/{id}/request} shows of a kept request: enough to see why it
 * failed, bounded, and without the caller's credentials (a call's Authorization or Cookie header
 * belongs to whoever sent it, not to whoever reads the dead letters).
 *
 * @param body the first {@link #PREVIEW} bytes as text when they are UTF-8, else null
 * @param bodyBase64 the same bytes in base64 when they are not text, else null
 */
record DeadLetterView(String callId, String function, String queue, String method, String path, String query,
        List<Header> headers, int bodyBytes, boolean truncated, String body, String bodyBase64) {

    static final int PREVIEW = 16 * 1024;
    private static final Set<String> WITHHELD = Set.of("authorization", "proxy-authorization", "cookie");

    static DeadLetterView of(QueuedCall call) {
        var headers = call.headers().stream().map(h -> WITHHELD.contains(h.name().toLowerCase(Locale.ROOT))
                ? new Header(h.name(), "(withheld)") : h).toList();
        int shown = Math.min(call.body().length, PREVIEW);
        var text = utf8(call.body(), shown);
        return new DeadLetterView(call.callId(), call.function().qualified(), call.queue(), call.method(), call.path(),
                call.query(), headers, call.body().length, shown < call.body().length, text,
                text == null ? Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(call.body(), shown)) : null);
    }

    /** The bytes as text, or null when they are not UTF-8 (a cut through the last character is allowed). */
    private static String utf8(byte[] body, int length) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        var in = ByteBuffer.wrap(body, 0, length);
        var out = java.nio.CharBuffer.allocate(length);
        var result = decoder.decode(in, out, length == body.length);
        if (result.isError()) {
            return null;
        }
        return out.flip().toString();
    }
}
