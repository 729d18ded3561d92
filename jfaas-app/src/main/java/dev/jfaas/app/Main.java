package dev.jfaas.app;

import dev.jfaas.gateway.GatewayConfig;
import dev.jfaas.settings.Settings;
import dev.jfaas.store.sqlite.StoreSettings;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code jfaas} command. */
@Command(name = "jfaas", mixinStandardHelpOptions = true, version = "jfaas 0.1.0",
        description = "A function gateway for the JVM, compatible with the OpenFaaS REST API.",
        subcommands = {Main.Up.class, WorkerCommand.class, ConfigCommand.class})
public final class Main {

    /** The commands that run a long-lived process: they need none of the client commands. */
    private static final java.util.Set<String> SERVERS = java.util.Set.of("up", "worker", "config");

    public static void main(String[] args) throws InterruptedException {
        // A bare "up", how the jar is run in production, has nothing to parse: it starts without
        // picocli, whose ~170 classes would stay loaded for the gateway's life (~1 MB of its RSS).
        if (args.length == 1 && args[0].equals("up")) {
            System.exit(Up.serve(Settings::fromProcess));
        }
        // picocli builds a model of every command it is given by reflection, and those classes
        // stay loaded: for a gateway or a worker, the client's ~35 commands were ~2 MB of its RSS.
        var cli = args.length > 0 && SERVERS.contains(args[0]) ? versioned(new CommandLine(new Main())) : commandLine(args);
        System.exit(cli.execute(args));
    }

    /** The command line for these arguments: only the client command they name, when they name one. */
    static CommandLine commandLine(String[] args) {
        var named = args.length > 0 ? dev.jfaas.cli.ClientCommands.named(args[0]) : java.util.Optional.empty();
        if (named.isEmpty()) {
            return commandLine();
        }
        return versioned(new CommandLine(new Main()).addSubcommand(named.get()));
    }

    /** {@code up} and the client commands under one {@code jfaas}. */
    public static CommandLine commandLine() {
        var cli = new CommandLine(new Main());
        dev.jfaas.cli.ClientCommands.all().forEach(cli::addSubcommand);
        return versioned(cli);
    }

    private static CommandLine versioned(CommandLine cli) {
        dev.jfaas.cli.ClientCommands.versioned(cli);
        return cli;
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Run a gateway with the embedded store and the local process provider.",
                "Settings come from JFAAS_* environment variables and a settings file ($JFAAS_CONFIG);",
                "the options below override them; `jfaas config` prints them all.",
                "With -f, as faas-cli up: build the stack file's functions and deploy them to a running gateway."},
            footer = {"", "Examples:", "  JFAAS_PORT=0 jfaas up --data /tmp/jfaas", "  jfaas up -f stack.yml -g http://127.0.0.1:8080"})
    static final class Up implements Callable<Integer> {

        @Option(names = {"-p", "--port"}, description = "HTTP port (0 = any free port); default $JFAAS_PORT or 8080")
        Integer port;

        @Option(names = {"-d", "--data"}, description = "data directory; default $JFAAS_DATA or ./.jfaas")
        String data;

        @Option(names = "--config", paramLabel = "FILE", description = "a settings file of NAME=value lines; default $JFAAS_CONFIG")
        String config;

        @Option(names = {"-f", "--yaml"}, description = "a stack file: build and deploy its functions instead of running a gateway")
        String stackFile;

        @Option(names = {"-g", "--gateway"}, description = "with -f: the gateway to deploy to")
        String gateway;

        @Override
        public Integer call() throws InterruptedException {
            if (stackFile != null) {
                var args = new java.util.ArrayList<>(java.util.List.of("deploy", "-f", stackFile, "--build"));
                if (gateway != null) {
                    args.addAll(java.util.List.of("-g", gateway));
                }
                return commandLine().execute(args.toArray(String[]::new));
            }
            return serve(() -> {
                var settings = config == null ? Settings.fromProcess() : Settings.fromProcess().withFile(java.nio.file.Path.of(config));
                if (port != null) {
                    settings = settings.with(GatewayConfig.PORT.name(), port.toString());
                }
                if (data != null) {
                    settings = settings.with(StoreSettings.DATA.name(), data);
                }
                return settings;
            });
        }

        /**
         * Runs a gateway with these settings until the process is told to stop; 1 when it cannot
         * start, said in a line when a setting or the machine is in the way (else with the stack).
         */
        static int serve(java.util.function.Supplier<Settings> settings) throws InterruptedException {
            JfaasServer server;
            try {
                server = JfaasServer.start(settings.get());
            } catch (RuntimeException e) {
                var log = org.slf4j.LoggerFactory.getLogger(Main.class);
                if (e instanceof IllegalStateException || e instanceof IllegalArgumentException
                        || e instanceof java.io.UncheckedIOException) {
                    log.error("jfaas up failed: {}", e.getMessage());
                } else {
                    log.error("jfaas up failed: {}", e.getMessage(), e);
                }
                return 1;
            }
            var stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "jfaas-shutdown"));
            stopped.await();
            return 0;
        }
    }
}
