package dev.jfaas.app;

import dev.jfaas.cli.CliConfig;
import dev.jfaas.function.DurationText;
import dev.jfaas.queue.nats.NatsSettings;
import dev.jfaas.queue.QueuedCall;
import dev.jfaas.settings.Setting;
import dev.jfaas.settings.Settings;
import dev.jfaas.worker.WorkerSettings;
import dev.jfaas.worker.remote.GatewayAddress;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jfaas worker}: a standalone queue worker for a shared broker. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Drain named async queues from a broker and run each call through a gateway.",
            "Start as many as you like, on any machines: they share the work. Run the gateways with",
            "JFAAS_WORKER=false if only standalone workers should run calls."},
        footer = {"", "Examples:",
            "  jfaas worker --broker nats://127.0.0.1:4222 --gateway http://127.0.0.1:8080",
            "  jfaas worker --broker nats://nats:4222 --queue faas-request --queue slow --concurrency 32",
            "  jfaas worker --broker redis://127.0.0.1:6379 --metrics-port 8081"})
final class WorkerCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);

    static final Setting<String> GATEWAY_PASSWORD = Setting.text("JFAAS_GATEWAY_PASSWORD", null,
            "`jfaas worker`: the gateway's admin password, for reading function settings (else `--password-file` or a "
            + "stored `jfaas login`)").secret();

    @Option(names = {"-b", "--broker"}, description = "nats://host:port or redis://host:port (default: $JFAAS_QUEUE if it names a broker, else nats://127.0.0.1:4222)")
    String broker;

    @Option(names = "--prefix", description = "name prefix shared with the gateways (default: $JFAAS_QUEUE_PREFIX or jfaas)")
    String prefix;

    @Option(names = {"-g", "--gateway"}, description = "gateway that runs the calls (default: $OPENFAAS_URL or http://127.0.0.1:8080)")
    String gateway;

    @Option(names = {"-q", "--queue"}, description = "named queue to drain; repeat for several (default: faas-request)")
    List<String> queues;

    @Option(names = {"-c", "--concurrency"}, description = "calls run at once per queue (default: ${DEFAULT-VALUE})", defaultValue = "16")
    int concurrency;

    @Option(names = "--lease-time", description = "how long a call stays claimed without renewal (default: ${DEFAULT-VALUE})", defaultValue = "30s")
    String leaseTime;

    @Option(names = "--metrics-port", description = "serve /metrics and /healthz on this port; 0 = any free port, -1 = off (default: ${DEFAULT-VALUE})", defaultValue = "-1")
    int metricsPort;

    @Option(names = {"-u", "--username"}, description = "gateway user for reading function settings (default: ${DEFAULT-VALUE})", defaultValue = "admin")
    String username;

    @Option(names = "--password-file", description = "file holding the gateway password (default: $JFAAS_GATEWAY_PASSWORD, else a stored `jfaas login`)")
    Path passwordFile;

    @Override
    public Integer call() throws IOException, InterruptedException {
        var settings = Settings.fromProcess();
        if (prefix != null) {
            settings = settings.with(QueueSettings.PREFIX.name(), prefix);
        }
        for (var warning : SettingsCatalog.check(settings)) {
            log.warn(warning);
        }
        var queueSettings = QueueSettings.from(settings);
        var brokerUrl = broker != null ? broker : queueSettings.onBroker() ? queueSettings.brokerUrl() : NatsSettings.DEFAULT_URL;
        var url = gateway != null ? gateway : settings.environment("OPENFAAS_URL").orElse("http://127.0.0.1:8080");
        var address = new GatewayAddress(URI.create(url), authorization(url, settings.get(GATEWAY_PASSWORD)));
        var names = new LinkedHashSet<>(queues == null || queues.isEmpty() ? List.of(QueuedCall.DEFAULT_QUEUE) : queues);
        var workerSettings = new WorkerSettings(concurrency, DurationText.parse("--lease-time", leaseTime),
                WorkerSettings.DEFAULT.maxResultSize(), WorkerSettings.DEFAULT.callbackAttempts(),
                WorkerSettings.DEFAULT.callbackMinWait(), WorkerSettings.DEFAULT.idlePoll(),
                WorkerSettings.callbackPolicy(settings, List.of()), settings.get(WorkerSettings.ADAPTIVE));
        var queue = QueueBackends.openBroker(brokerUrl, queueSettings);
        var worker = StandaloneWorker.start(queue, address, names, workerSettings, Math.max(1, Runtime.getRuntime().availableProcessors()),
                metricsPort);
        if (worker.metricsPort() >= 0) {
            log.info("jfaas worker metrics on port {}", worker.metricsPort());
        }
        log.info("jfaas worker draining {} from {} through {}", names, Settings.masked(brokerUrl), url);
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            stopped.countDown();
        }, "jfaas-worker-shutdown"));
        stopped.await();
        return 0;
    }

    private String authorization(String url, String envPassword) throws IOException {
        String password = passwordFile != null ? Files.readString(passwordFile).strip() : envPassword;
        if (password != null && !password.isBlank()) {
            return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        return CliConfig.fromEnvironment(null).authorization(url).orElse(null);
    }
}
