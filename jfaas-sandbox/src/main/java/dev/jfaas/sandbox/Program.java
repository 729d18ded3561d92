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
}
