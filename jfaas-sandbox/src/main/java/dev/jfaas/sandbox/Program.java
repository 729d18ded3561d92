package dev.jfaas.sandbox;

import java.util.List;

/**
 * What a replica's sandbox runs: a server the gateway calls (http mode, an image's watchdog), the
 * spawner that forks each call (forking modes), or a plain command nothing calls.
 */
public sealed interface Program {

    /** A command, split on spaces as the watchdog splits fprocess, that serves nothing. */
    record Command(List<String> argv) implements Program {
        public Command {
            argv = List.copyOf(argv);
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("a command needs at least a program");
            }
        }
    }

    /** An HTTP server listening on {@code port} in the replica's network. */
    record Server(List<String> argv, int port) implements Program {
        public Server {
            argv = List.copyOf(argv);
            if (argv.isEmpty() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("a server needs a program and a port");
            }
        }
    }

    /** The spawner, which forks each call's process inside the sandbox (see {@code spawner/}). */
    record Spawner() implements Program {}
}
