package dev.jfaas.provider;

import java.time.Instant;

/** One line a replica wrote to stdout or stderr. */
public record LogLine(String name, String namespace, String instance, Instant timestamp, String text) {}
