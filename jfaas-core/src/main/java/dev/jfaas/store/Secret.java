package dev.jfaas.store;

/** A named secret value. Its bytes never leave the gateway except as a file for a function. */
public record Secret(String name, String namespace, byte[] value) {

    @Override
    public String toString() {
        return "Secret[" + namespace + "/" + name + "]";
    }
}
