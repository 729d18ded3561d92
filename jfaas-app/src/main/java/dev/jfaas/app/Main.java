package dev.jfaas.app;

import java.util.HashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code jfaas} command. */
@Command(name = "jfaas", mixinStandardHelpOptions = true, version = "jfaas 0.1.0",
        description = "A function gateway for the JVM, compatible with the OpenFaaS REST API.",
        subcommands = {Main.Up.class, WorkerCommand.class})
public final class Main {

    /** The commands that run a long-lived process: they need none of the client commands. */
    private static final java.util.Set<String> SERVERS = java.util.Set.of("up", "worker");

    public static void main(String[] args) {
        // A bare "up", how the jar is run in production, has nothing to parse: it starts without
        // picocli, whose ~170 classes would stay loaded for the gateway's life (~1 MB of its RSS).
        if (args.length == 1 && args[0].equals("up")) {
            try {
                System.exit(Up.serve(System.getenv()));
            } catch (Exception e) {
                // as picocli would: say why, exit 1 (the server's own threads would keep a failed start alive);
                // a setting or the machine in the way is one line, anything else has its stack
                var log = org.slf4j.LoggerFactory.getLogger(Main.class);
                if (e instanceof IllegalStateException || e instanceof IllegalArgumentException) {
                    log.error("jfaas up failed: {}", e.getMessage());
                } else {
                    log.error("jfaas up failed: {}", e.getMessage(), e);
                }
                System.exit(1);
            }
        }
        // picocli builds a model of every command it is given by reflection, and those classes
        // stay loaded: for a gateway or a worker, the client's ~35 commands were ~2 MB of its RSS.
        var cli = args.length > 0 && SERVERS.contains(args[0]) ? new CommandLine(new Main()) : commandLine();
        System.exit(cli.execute(args));
    }

    /** {@code up} and the client commands under one {@code jfaas}. */
    public static CommandLine commandLine() {
        var cli = new CommandLine(new Main());
        dev.jfaas.cli.ClientCommands.all().forEach(cli::addSubcommand);
        return cli;
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Run a gateway with the embedded store and the local process provider.",
                "Settings come from JFAAS_* environment variables; the options below override them.",
                "With -f, as faas-cli up: build the stack file's functions and deploy them to a running gateway."},
            footer = {"", "Examples:", "  JFAAS_PORT=0 jfaas up --data /tmp/jfaas", "  jfaas up -f stack.yml -g http://127.0.0.1:8080"})
    static final class Up implements Callable<Integer> {

        @Option(names = {"-p", "--port"}, description = "HTTP port (0 = any free port); default $JFAAS_PORT or 8080")
        Integer port;

        @Option(names = {"-d", "--data"}, description = "data directory; default $JFAAS_DATA or ./.jfaas")
        String data;

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
            var env = new HashMap<>(System.getenv());
            if (port != null) {
                env.put("JFAAS_PORT", port.toString());
            }
            if (data != null) {
                env.put("JFAAS_DATA", data);
            }
            return serve(env);
        }

        /** Runs a gateway with these settings until the process is told to stop. */
        static int serve(java.util.Map<String, String> env) throws InterruptedException {
            var server = JfaasServer.start(env);
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
