package dev.jfaas.store.sqlite;

/**
 * How hard a commit waits for the disk. {@code FULL} (the default) survives a crash of the process
 * and of the machine; {@code NORMAL} in WAL mode survives a process crash but may lose the last
 * commits on power loss, for several times the write rate.
 */
public enum Durability {
    FULL,
    NORMAL
}
