package dev.jfaas.provider.kubernetes;

import dev.jfaas.provider.FunctionLogs;
import dev.jfaas.provider.LogLine;
import dev.jfaas.provider.LogQuery;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A function's log lines from its pods' logs (with timestamps, as the kubelet keeps them). */
final class PodLogs implements FunctionLogs {

    private final KubernetesClient client;

    PodLogs(KubernetesClient client) {
        this.client = client;
    }

    private List<Pod> pods(LogQuery query) {
        return client.pods().inNamespace(query.function().namespace())
                .withLabel(FunctionObjects.FUNCTION_LABEL, query.function().name()).list().getItems().stream()
                .filter(p -> query.instance() == null || query.instance().equals(p.getMetadata().getName())).toList();
    }

    @Override
    public List<LogLine> read(LogQuery query) {
        var out = new ArrayList<LogLine>();
        for (var pod : pods(query)) {
            var logs = client.pods().inNamespace(query.function().namespace()).withName(pod.getMetadata().getName());
            String text = query.tail() > 0 ? logs.usingTimestamps().tailingLines(query.tail()).getLog() : logs.usingTimestamps().getLog();
            for (var line : text == null ? new String[0] : text.split("\n")) {
                var entry = line(query, pod.getMetadata().getName(), line);
                if (entry != null && query.matches(entry)) {
                    out.add(entry);
                }
            }
        }
        out.sort(java.util.Comparator.comparing(LogLine::timestamp));
        return query.tail() > 0 && out.size() > query.tail() ? out.subList(out.size() - query.tail(), out.size()) : out;
    }

    @Override
    public AutoCloseable follow(LogQuery query, Consumer<LogLine> sink, Runnable ended) {
        var watches = new ArrayList<AutoCloseable>();
        for (var pod : pods(query)) {
            var name = pod.getMetadata().getName();
            OutputStream lines = new OutputStream() {
                private final ByteArrayOutputStream current = new ByteArrayOutputStream();

                @Override
                public synchronized void write(int b) {
                    if (b == '\n') {
                        var entry = line(query, name, current.toString(StandardCharsets.UTF_8));
                        current.reset();
                        if (entry != null && query.matches(entry)) {
                            sink.accept(entry);
                        }
                    } else {
                        current.write(b);
                    }
                }
            };
            watches.add(client.pods().inNamespace(query.function().namespace()).withName(name).usingTimestamps()
                    .sinceTime(Instant.now().toString()).watchLog(lines));
        }
        return () -> {
            for (var watch : watches) {
                watch.close();
            }
        };
    }

    /** "2026-12-02T10:00:00.123456789Z text" as the kubelet writes it with timestamps. */
    private static LogLine line(LogQuery query, String pod, String raw) {
        if (raw.isBlank()) {
            return null;
        }
        var space = raw.indexOf(' ');
        Instant at;
        String text;
        try {
            at = Instant.parse(space > 0 ? raw.substring(0, space) : raw);
            text = space > 0 ? raw.substring(space + 1) : "";
        } catch (java.time.format.DateTimeParseException e) {
            at = Instant.now();
            text = raw;
        }
        return new LogLine(query.function().name(), query.function().namespace(), pod, at, text);
    }
}
