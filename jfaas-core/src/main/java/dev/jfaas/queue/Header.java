package dev.jfaas.queue;

/** One HTTP header line kept with a queued call or its result. */
public record Header(String name, String value) {}
