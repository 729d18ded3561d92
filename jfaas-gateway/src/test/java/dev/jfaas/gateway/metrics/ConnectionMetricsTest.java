package dev.jfaas.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The connection meters follow their counts for as long as the gateway runs, collections or not. */
class ConnectionMetricsTest {

    @Test
    void closuresAreReadAfterTheCountersObjectsCouldHaveBeenCollected() {
        var metrics = new GatewayMetrics(null, List::of);
        var headerTimeouts = new AtomicLong();
        // as the gateway registers them: suppliers made for the call, referred to by nothing else
        WeakReference<LongSupplier> made = register(metrics, headerTimeouts);
        for (int i = 0; i < 5 && made.get() != null; i++) {
            System.gc();
        }
        headerTimeouts.set(7);
        assertThat(metrics.registry().scrape())
                .contains("jfaas_connections_closed_total{reason=\"header_timeout\"} 7.0")
                .contains("jfaas_connections_open 3.0");
    }

    private static WeakReference<LongSupplier> register(GatewayMetrics metrics, AtomicLong headerTimeouts) {
        LongSupplier count = headerTimeouts::get;
        metrics.connections(() -> 3, Map.of("header_timeout", count));
        return new WeakReference<>(count);
    }
}
