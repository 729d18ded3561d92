package dev.jfaas.sandbox;

import java.util.List;

/** What a replica's sandbox runs: the function's own command (http mode), or the spawner (forking modes). */
public sealed interface Program {

    /** The function's command, split on spaces as the watchdog splits fprocess. */
    record Command(List<String> argv) implements Program {
        public Command {
            argv = List.copyOf(argv);
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("a command needs at least a program");
            }
        }
    }

    /** The spawner, which forks each call's process inside the sandbox (see {@code spawner/}). */
    record Spawner() implements Program {}

    /**
     * A server (an image's watchdog, say) in a network namespace of its own, listening on
     * {@code port} there: the spawner runs it and relays a Unix socket the gateway reaches to
     * that port, so nothing else on the machine can reach the server, nor the server anything.
     */
    record Isolated(List<String> argv, int port) implements Program {
        public Isolated {
            argv = List.copyOf(argv);
            if (argv.isEmpty() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("an isolated server needs a program and a port");
            }
        }
    }
}
