package dev.jfaas.cli;

import java.util.List;

/** The client commands, for the {@code jfaas} command to add beside {@code up}. */
public final class ClientCommands {

    private ClientCommands() {}

    /** What {@code -V} prints on every command. */
    public static final String VERSION = "jfaas " + VersionCommand.VERSION;

    /** Gives every command of {@code cli}, subcommands too, the version {@code -V} prints. */
    public static void versioned(picocli.CommandLine cli) {
        cli.getCommandSpec().version(VERSION);
        cli.getSubcommands().values().forEach(ClientCommands::versioned);
    }

    /**
     * The command a word names (its name or an alias), alone: picocli builds a model of each command
     * it is given, and a command line needs only its own (a fifth of the CLI's start).
     */
    public static java.util.Optional<Object> named(String word) {
        return all().stream().filter(command -> {
            var spec = command.getClass().getAnnotation(picocli.CommandLine.Command.class);
            return spec.name().equals(word) || java.util.Arrays.asList(spec.aliases()).contains(word);
        }).findFirst();
    }

    public static List<Object> all() {
        return List.of(new DeployCommand(), new ListCommand(), new DescribeCommand(), new InvokeCommand(),
                new RemoveCommand(), new ScaleCommand(), new LogsCommand(), new SecretCommand(), new ImageCommand(), new CallsCommand(),
                new ResultCommand(), new QueuesCommand(), new TriggersCommand(), new DeadLettersCommand(), new LoginCommand(),
                new LogoutCommand(), new VersionCommand(), new NewCommand(), new BuildCommand(), new CancelCommand(), new NamespaceCommand());
    }
}
