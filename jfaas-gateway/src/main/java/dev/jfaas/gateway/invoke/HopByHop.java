package dev.jfaas.gateway.invoke;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Headers that describe one connection, not the message, and so are never passed on by a proxy
 * (RFC 9110 §7.6.1), plus any the Connection header names. Copying skips them in one pass, which
 * is cheaper on the hot path than copying everything and removing them after.
 */
public final class HopByHop {

    private static final AsciiString[] NAMES = Stream.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "proxy-connection")
            .map(AsciiString::cached).toArray(AsciiString[]::new);
    /** Which name lengths a hop-by-hop name has, so that most names are told apart by length alone. */
    private static final boolean[] LENGTHS = new boolean[1 + Stream.of(NAMES).mapToInt(AsciiString::length).max().orElse(0)];
    private static final String[] NONE = {};

    static {
        for (var name : NAMES) {
            LENGTHS[name.length()] = true;
        }
    }

    private HopByHop() {}

    /** Adds to {@code to} every header of {@code from} that is end-to-end, leaving out {@code alsoSkip}. */
    public static MultiMap copyEndToEnd(MultiMap from, MultiMap to, String alsoSkip) {
        var listed = listedBy(from);
        for (var entries = entries(from); entries.hasNext(); ) {
            var header = entries.next();
            var name = header.getKey();
            if (isHopByHop(name) || AsciiString.contentEqualsIgnoreCase(name, alsoSkip) || listed(listed, name)) {
                continue;
            }
            to.add(name, header.getValue());
        }
        return to;
    }

    /**
     * Removes from {@code headers} every header that is not end-to-end, and {@code alsoRemove}:
     * a request's own map becomes the call's without a copy (the copy was ~460 bytes of a sync
     * call's allocation, bench/README.md).
     */
    public static MultiMap keepEndToEnd(MultiMap headers, CharSequence alsoRemove) {
        for (var name : listedBy(headers)) {
            headers.remove(name);
        }
        for (var hop : NAMES) {
            headers.remove(hop);
        }
        return headers.remove(alsoRemove);
    }

    /**
     * Netty's header maps (Vert.x's among them) give names and values as decoded, AsciiString
     * names included: no String is made per header, and the names encode again by copying bytes.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Iterator<Map.Entry<CharSequence, CharSequence>> entries(MultiMap headers) {
        return headers instanceof HttpHeaders netty ? netty.iteratorCharSequence() : (Iterator) headers.iterator();
    }

    static boolean isHopByHop(CharSequence name) {
        int length = name.length();
        if (length >= LENGTHS.length || !LENGTHS[length]) {
            return false; // most names: no hop-by-hop name is as long
        }
        for (var hop : NAMES) {
            if (hop.length() == length && AsciiString.contentEqualsIgnoreCase(hop, name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The names the Connection headers list besides the hop-by-hop ones (their usual "keep-alive"),
     * "close" included (a field of that name goes too, as RFC 9110 §7.6.1 says), from every
     * Connection header of the message, not only its first: read once per message, not once per
     * header copied, and nothing is made for the usual lone "keep-alive".
     */
    static String[] listedBy(MultiMap headers) {
        List<String> listed = null;
        for (var entries = entries(headers); entries.hasNext(); ) {
            var header = entries.next();
            if (AsciiString.contentEqualsIgnoreCase(header.getKey(), HttpHeaderNames.CONNECTION)) {
                listed = addListed(header.getValue().toString(), listed);
            }
        }
        return listed == null ? NONE : listed.toArray(NONE);
    }

    private static List<String> addListed(String connection, List<String> listed) {
        for (int start = 0; start <= connection.length(); ) {
            int comma = connection.indexOf(',', start);
            int end = comma < 0 ? connection.length() : comma;
            var token = connection.substring(start, end).strip(); // the whole value, a lone token, is not copied
            if (!token.isEmpty() && !isHopByHop(token)) {
                listed = listed == null ? new ArrayList<>(2) : listed;
                listed.add(token);
            }
            start = end + 1;
        }
        return listed;
    }

    private static boolean listed(String[] listed, CharSequence name) {
        for (var token : listed) {
            if (AsciiString.contentEqualsIgnoreCase(token, name)) {
                return true;
            }
        }
        return false;
    }
}
