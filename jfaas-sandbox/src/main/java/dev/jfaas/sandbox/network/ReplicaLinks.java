package dev.jfaas.sandbox.network;

import dev.jfaas.sandbox.HostClaims;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * The veth links this gateway gives its replicas: a /30 each, out of a /18 block of the pool
 * ({@code JFAAS_SANDBOX_NETWORK}) that the gateway claims for itself on this host, so two gateways
 * never hand out the same address or interface name. Links are handed out in turn round the
 * block rather than lowest first: the kernel removes a namespace (and its link) a moment after its
 * last process ends, and a name or address used again at once would still be taken.
 */
public final class ReplicaLinks implements AutoCloseable {

    /** Every gateway's block is a /18 at a multiple of 2^14: its number alone names it on the host. */
    static final int BLOCK_PREFIX = 18;
    private static final int SUBNETS = 1 << (30 - BLOCK_PREFIX);
    /** The host's end of a replica's link: jf, the block (5 hex digits), e or n (egress or not), the link (3). */
    private static final java.util.regex.Pattern LINK_NAME = java.util.regex.Pattern.compile("jf[0-9a-f]{5}[en][0-9a-f]{3}");

    private final int blockAddress;
    private final String prefix;
    private final Firewall firewall;
    private final BitSet used = new BitSet(SUBNETS);
    /** Where the turn starts: anywhere, so a gateway restarted at once does not reuse what its predecessor's links still hold. */
    private int next = java.util.concurrent.ThreadLocalRandom.current().nextInt(SUBNETS);

    private ReplicaLinks(int blockAddress, String prefix, Firewall firewall) {
        this.blockAddress = blockAddress;
        this.prefix = prefix;
        this.firewall = firewall;
    }

    /**
     * Claims a block of the pool that no route of the host overlaps and no other gateway holds,
     * and installs its firewall.
     *
     * @param pool a CIDR of /18 or larger, e.g. 10.200.0.0/13
     * @throws IllegalStateException or IllegalArgumentException saying what is in the way
     */
    public static ReplicaLinks open(String pool, HostClaims claims, String nft) {
        var cidr = Cidr.parse(pool);
        if (cidr.prefix() > BLOCK_PREFIX) {
            throw new IllegalArgumentException("JFAAS_SANDBOX_NETWORK " + pool + " is smaller than a /" + BLOCK_PREFIX
                    + ", the block one gateway takes for its replicas");
        }
        int first = cidr.address() >>> (32 - BLOCK_PREFIX);
        int last = first + (1 << (BLOCK_PREFIX - cidr.prefix())) - 1;
        var routes = hostRoutes();
        var claim = claims.claim("net", first, last, block -> routes.stream().noneMatch(route ->
                route.overlaps(new Cidr(block << (32 - BLOCK_PREFIX), BLOCK_PREFIX))));
        int blockAddress = claim.block() << (32 - BLOCK_PREFIX);
        var prefix = "jf" + String.format(Locale.ROOT, "%05x", claim.block());
        return new ReplicaLinks(blockAddress, prefix, Firewall.install(nft, prefix, Cidr.text(blockAddress) + "/" + BLOCK_PREFIX,
                Cidr.text(cidr.address()) + "/" + cidr.prefix()));
    }

    /**
     * The next free /30, its host end .1 and the replica .2. A subnet whose link is still on the
     * host (a namespace the kernel has not finished removing, a predecessor's replica that still
     * runs) is passed over: two links with one address would send calls to the wrong replica.
     */
    public synchronized ReplicaNetwork.Link allocate(boolean egress) {
        for (int tried = 0; tried < SUBNETS; tried++) {
            int index = used.nextClearBit(next);
            if (index >= SUBNETS) {
                index = used.nextClearBit(0);
            }
            if (index >= SUBNETS) {
                break;
            }
            next = (index + 1) % SUBNETS;
            if (onHost(name(index, true)) || onHost(name(index, false))) {
                continue;
            }
            used.set(index);
            int subnet = blockAddress + index * 4;
            return new ReplicaNetwork.Link(name(index, egress), Cidr.text(subnet + 1), Cidr.text(subnet + 2), 30, egress, index);
        }
        throw new IllegalStateException("all " + SUBNETS + " replica links of this gateway are in use");
    }

    private String name(int index, boolean egress) {
        return prefix + (egress ? "e" : "n") + String.format(Locale.ROOT, "%03x", index);
    }

    private static boolean onHost(String link) {
        return Files.exists(Path.of("/sys/class/net", link));
    }

    public synchronized void release(ReplicaNetwork.Link link) {
        used.clear(link.index());
    }

    /** The /18 this gateway holds, for messages. */
    public String block() {
        return Cidr.text(blockAddress) + "/" + BLOCK_PREFIX;
    }

    @Override
    public void close() {
        firewall.close();
    }

    /** IPv4 routes of the host not on a jfaas link: a block must not overlap any of them. */
    private static List<Cidr> hostRoutes() {
        try {
            return Files.readAllLines(Path.of("/proc/net/route")).stream().skip(1)
                    .map(line -> line.trim().split("\\s+"))
                    .filter(fields -> fields.length > 7 && !LINK_NAME.matcher(fields[0]).matches())
                    .map(fields -> new Cidr(Integer.reverseBytes(Integer.parseUnsignedInt(fields[1], 16)),
                            Integer.bitCount(Integer.parseUnsignedInt(fields[7], 16))))
                    .filter(route -> route.prefix() > 0)
                    .toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** An IPv4 network: its first address as an int and its prefix length. */
    record Cidr(int address, int prefix) {

        static Cidr parse(String text) {
            var slash = text.indexOf('/');
            try {
                if (slash < 0) {
                    throw new IllegalArgumentException("no prefix length");
                }
                var parts = text.substring(0, slash).strip().split("\\.");
                if (parts.length != 4) {
                    throw new IllegalArgumentException("not four numbers");
                }
                int address = 0;
                for (var part : parts) {
                    int value = Integer.parseInt(part);
                    if (value < 0 || value > 255) {
                        throw new IllegalArgumentException(part + " is not 0-255");
                    }
                    address = address << 8 | value;
                }
                int prefix = Integer.parseInt(text.substring(slash + 1).strip());
                if (prefix < 1 || prefix > 30) {
                    throw new IllegalArgumentException("prefix length " + prefix);
                }
                return new Cidr(address & mask(prefix), prefix);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid network \"" + text + "\": use a CIDR like 10.200.0.0/13");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid network \"" + text + "\" (" + e.getMessage()
                        + "): use a CIDR like 10.200.0.0/13");
            }
        }

        static int mask(int prefix) {
            return prefix == 0 ? 0 : -1 << (32 - prefix);
        }

        boolean overlaps(Cidr other) {
            int shorter = Math.min(prefix, other.prefix);
            return ((address ^ other.address) & mask(shorter)) == 0;
        }

        static String text(int address) {
            return (address >>> 24) + "." + (address >>> 16 & 255) + "." + (address >>> 8 & 255) + "." + (address & 255);
        }
    }
}
