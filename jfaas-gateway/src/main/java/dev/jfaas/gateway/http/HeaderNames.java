package dev.jfaas.gateway.http;

import io.netty.util.AsciiString;

/**
 * The gateway's own header names that it looks up or sets on every call, made once as ASCII bytes with
 * their hash: a lookup by a String name hashes the name again each time (a call makes about fifteen
 * lookups; against a proxy without them, ~0.6 µs of a call's CPU, bench/README.md). Standard names
 * come from Netty's {@code HttpHeaderNames}. Header maps compare names without case.
 */
public final class HeaderNames {

    public static final AsciiString CALL_ID = AsciiString.cached("X-Call-Id");
    public static final AsciiString INVOKE_MODE = AsciiString.cached("X-Invoke-Mode");
    public static final AsciiString PREFER = AsciiString.cached("Prefer");
    public static final AsciiString PRIORITY = AsciiString.cached("X-Priority");
    /** When the gateway took the call, Unix nanoseconds, as OpenFaaS sends it to the function and back. */
    public static final AsciiString START_TIME = AsciiString.cached("X-Start-Time");
    public static final AsciiString DURATION = AsciiString.cached("X-Duration-Seconds");

    private HeaderNames() {}
}
