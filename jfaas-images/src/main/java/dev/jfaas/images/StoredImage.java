package dev.jfaas.images;

/**
 * An image in the store: its name, the digest of its manifest (what identifies the exact image),
 * and its config.
 */
public record StoredImage(String name, String digest, ImageConfig config) {}
