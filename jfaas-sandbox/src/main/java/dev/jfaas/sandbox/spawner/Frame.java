package dev.jfaas.sandbox.spawner;

/** What the spawner sends back about a call: output as it comes, then how it ended. */
public sealed interface Frame {

    record Stdout(byte[] bytes) implements Frame {}

    record Stderr(byte[] bytes) implements Frame {}

    /** The call's process ended; {@code waitStatus} as waitpid(2) gives it. */
    record Exit(int waitStatus) implements Frame {

        public boolean signalled() {
            return (waitStatus & 0x7f) != 0 && (waitStatus & 0x7f) != 0x7f;
        }

        public int signal() {
            return waitStatus & 0x7f;
        }

        /** The exit code, or 128 + the signal, as a shell reports it. */
        public int code() {
            return signalled() ? 128 + signal() : (waitStatus >> 8) & 0xff;
        }
    }

    /** The call could not start (a malformed request, no pipes, no fork). */
    record Failure(String message) implements Frame {}
}
