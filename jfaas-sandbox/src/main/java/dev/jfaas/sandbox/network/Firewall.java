package dev.jfaas.sandbox.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's nftables rules for one gateway's replica links (interfaces named {@code <prefix>e…}
 * with egress and {@code <prefix>n…} without), in a table of the gateway's own that it replaces
 * when it starts (one left by a gateway killed before it could remove it) and removes when it stops:
 * <ul>
 *   <li>nothing from a replica reaches the host itself (any of its addresses, any port), but the
 *       answers to the gateway's own connections;</li>
 *   <li>nothing from a replica reaches another replica, of this gateway or another, nor any address
 *       of the pool the links come from (one unassigned would be routed off the machine);</li>
 *   <li>nothing from elsewhere reaches a replica, but the answers to what it sent out; on the host
 *       only root (the gateway) may open a connection to one, so no user of the machine can call a
 *       function around the gateway and its {@code com.jfaas.auth};</li>
 *   <li>a replica with egress goes out to the world, masqueraded as the host;</li>
 *   <li>nothing the host sends to the gateway's block goes anywhere but a replica's link: before a
 *       link is up (a readiness probe, a call racing a new replica) the host's default route would
 *       take it out of the machine, where anything may answer.</li>
 * </ul>
 * The input and forward chains run just before the usual filter priority, so their drops hold
 * whatever the host's own rules accept.
 */
final class Firewall implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Firewall.class);

    private final String nft;
    private final String table;

    private Firewall(String nft, String table) {
        this.nft = nft;
        this.table = table;
    }

    /**
     * Installs the rules for links named {@code prefix…} in {@code block} of {@code pool}; throws
     * when nft is missing or refuses.
     */
    static Firewall install(String nft, String prefix, String block, String pool) {
        var table = "jfaas_" + prefix;
        var rules = String.join("\n",
                "table inet " + table,
                "delete table inet " + table,
                "table inet " + table + " {",
                "  chain input {",
                "    type filter hook input priority filter - 5; policy accept;",
                "    iifname \"" + prefix + "*\" ct state established,related accept",
                "    iifname \"" + prefix + "*\" drop",
                "  }",
                "  chain forward {",
                "    type filter hook forward priority filter - 5; policy accept;",
                "    iifname \"" + prefix + "*\" oifname \"jf*\" drop",
                "    iifname \"" + prefix + "*\" ip daddr " + pool + " drop",
                "    iifname \"" + prefix + "n*\" drop",
                "    oifname \"" + prefix + "*\" ct state established,related accept",
                "    oifname \"" + prefix + "*\" drop",
                "  }",
                "  chain output {",
                "    type filter hook output priority filter - 5; policy accept;",
                "    meta l4proto tcp ip daddr " + block + " oifname != \"" + prefix + "*\" reject with tcp reset",
                "    ip daddr " + block + " oifname != \"" + prefix + "*\" reject",
                "    meta l4proto tcp ip daddr " + block + " meta skuid != 0 reject with tcp reset",
                "    ip daddr " + block + " meta skuid != 0 reject",
                "  }",
                "  chain egress {",
                "    type nat hook postrouting priority srcnat; policy accept;",
                "    iifname \"" + prefix + "e*\" oifname != \"jf*\" masquerade",
                "  }",
                "}", "");
        run(nft, List.of("-f", "-"), rules);
        var firewall = new Firewall(nft, table);
        firewall.allowForwarding();
        return firewall;
    }

    /** Egress is routed through the host, which must forward IPv4 for it. */
    private void allowForwarding() {
        var forwarding = Path.of("/proc/sys/net/ipv4/ip_forward");
        try {
            if (!Files.readString(forwarding).strip().equals("1")) {
                Files.writeString(forwarding, "1");
                log.info("enabled IPv4 forwarding (net.ipv4.ip_forward=1) so functions' replicas can reach the outside world");
            }
        } catch (IOException e) {
            log.warn("cannot enable IPv4 forwarding ({}): functions' replicas will not reach the outside world", e.getMessage());
        }
    }

    static void run(String nft, List<String> args, String input) {
        var argv = new java.util.ArrayList<String>();
        argv.add(nft);
        argv.addAll(args);
        try {
            var process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            try (var stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("nft did not answer within 10 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("nft refused the replicas' firewall: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + nft + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing the replicas' firewall", e);
        }
    }

    @Override
    public void close() {
        try {
            run(nft, List.of("delete", "table", "inet", table), "");
        } catch (IllegalStateException e) {
            log.warn("cannot remove the nftables table {}: {}", table, e.getMessage());
        }
    }
}
