package dev.jfaas.queue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where a finished call's {@code X-Callback-Url} may point. Callbacks are posted by the gateway (or
 * a worker) as itself, from its host, so without a rule any caller could aim them at what only the
 * host reaches: its loopback services, its own addresses, link-local metadata services, the
 * functions' replicas (around {@code com.jfaas.auth}). By default those are refused and the rest of
 * the network is allowed; an operator's allow-list ({@code JFAAS_CALLBACK_ALLOWED_HOSTS}: names,
 * addresses and CIDRs) allows exactly what it lists instead. Addresses are checked after the name
 * is resolved, and the callback goes to the address that was checked.
 */
public final class CallbackPolicy {

    /** What only the host itself reaches, whatever the host: loopback, unspecified, link-local. */
    public static final List<String> HOST_ONLY = List.of("127.0.0.0/8", "0.0.0.0/8", "169.254.0.0/16", "::1/128", "::/128",
            "fe80::/10");

    /** A callback the policy refuses, with the reason for the call's record. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final Set<String> allowedNames;
    private final List<Network> allowedNetworks;
    private final boolean listed;
    private final List<Network> refused;

    private CallbackPolicy(Set<String> allowedNames, List<Network> allowedNetworks, boolean listed, List<Network> refused) {
        this.allowedNames = allowedNames;
        this.allowedNetworks = allowedNetworks;
        this.listed = listed;
        this.refused = refused;
    }

    /**
     * @param allowList the operator's list (comma-separated names, addresses, CIDRs), or null/blank for none
     * @param refusedNetworks networks refused besides {@link #HOST_ONLY} and the host's own addresses
     *     (the functions' replicas)
     * @throws IllegalArgumentException for an entry that is no name, address or CIDR
     */
    public static CallbackPolicy of(String allowList, List<String> refusedNetworks) {
        var names = new HashSet<String>();
        var networks = new ArrayList<Network>();
        boolean listed = allowList != null && !allowList.isBlank();
        if (listed) {
            for (var entry : allowList.split(",")) {
                var text = entry.strip().toLowerCase(Locale.ROOT);
                if (text.isEmpty()) {
                    continue;
                }
                try {
                    if (text.contains("/") || literal(text)) {
                        networks.add(Network.parse(text));
                    } else if (text.matches("[a-z0-9.-]+")) {
                        names.add(text);
                    } else {
                        throw new IllegalArgumentException(text);
                    }
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("invalid JFAAS_CALLBACK_ALLOWED_HOSTS entry \"" + entry.strip()
                            + "\": use host names, addresses or CIDRs, separated by commas");
                }
            }
        }
        var refused = new ArrayList<Network>();
        for (var cidr : HOST_ONLY) {
            refused.add(Network.parse(cidr));
        }
        for (var cidr : refusedNetworks) {
            refused.add(Network.parse(cidr));
        }
        refused.addAll(hostAddresses());
        return new CallbackPolicy(Set.copyOf(names), List.copyOf(networks), listed, List.copyOf(refused));
    }

    /** Nothing refused: tests and tools that post callbacks to themselves. */
    public static CallbackPolicy anywhere() {
        return new CallbackPolicy(Set.of(), List.of(), false, List.of());
    }

    /**
     * At accept: why a URL is refused from its host alone (a literal address, {@code localhost},
     * a name not on the allow-list), or null when only resolving it can tell.
     */
    public String refusal(URI uri) {
        var host = host(uri);
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return refusedMessage(host, "the gateway's own host");
        }
        if (literal(host)) {
            try {
                check(host, InetAddress.getByName(host));
                return null;
            } catch (UnknownHostException | Refused e) {
                return e.getMessage();
            }
        }
        if (listed && !allowedNames.contains(host) && allowedNetworks.isEmpty()) {
            return "X-Callback-Url host " + host + " is not in JFAAS_CALLBACK_ALLOWED_HOSTS";
        }
        return null;
    }

    /**
     * At delivery: resolves the URL's host and answers the first of its addresses the policy allows,
     * for the callback to go to that very address.
     *
     * @throws Refused naming the host and why
     */
    public InetAddress resolve(URI uri) throws Refused {
        var host = host(uri);
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new Refused("X-Callback-Url host " + host + " cannot be resolved");
        }
        Refused first = null;
        for (var address : addresses) {
            try {
                check(host, address);
                return address;
            } catch (Refused e) {
                first = first == null ? e : first;
            }
        }
        throw first;
    }

    private void check(String host, InetAddress address) throws Refused {
        var plain = unmapped(address);
        if (listed) {
            if (allowedNames.contains(host) || allowedNetworks.stream().anyMatch(n -> n.contains(plain))) {
                return;
            }
            throw new Refused("X-Callback-Url host " + host + " (" + plain.getHostAddress()
                    + ") is not in JFAAS_CALLBACK_ALLOWED_HOSTS");
        }
        for (var network : refused) {
            if (network.contains(plain)) {
                throw new Refused(refusedMessage(host + (host.equals(plain.getHostAddress()) ? "" : " (" + plain.getHostAddress() + ")"),
                        "what only the gateway's host reaches (" + network + ")"));
            }
        }
    }

    private static String refusedMessage(String host, String what) {
        return "X-Callback-Url " + host + " is refused: it points at " + what
                + "; an operator may allow it with JFAAS_CALLBACK_ALLOWED_HOSTS";
    }

    private static String host(URI uri) {
        var host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static boolean literal(String host) {
        return host.matches("[0-9.]+") && host.chars().filter(c -> c == '.').count() == 3 || host.contains(":");
    }

    /** An IPv4 address written as IPv6 (::ffff:127.0.0.1) is the IPv4 address. */
    private static InetAddress unmapped(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            var bytes = v6.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= bytes[i] == 0;
            }
            if (mapped && bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff) {
                try {
                    return InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]});
                } catch (UnknownHostException impossible) {
                    return address;
                }
            }
        }
        return address;
    }

    private static List<Network> hostAddresses() {
        var own = new ArrayList<Network>();
        try {
            for (var nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (var address : Collections.list(nic.getInetAddresses())) {
                    own.add(new Network(unmapped(address).getAddress(), unmapped(address).getAddress().length * 8));
                }
            }
        } catch (SocketException e) {
            // no interfaces to list: the fixed networks still hold
        }
        return own;
    }

    /** An address range: its first bytes and how many bits of them count. */
    record Network(byte[] address, int prefix) {

        static Network parse(String text) {
            var slash = text.indexOf('/');
            var host = slash < 0 ? text : text.substring(0, slash);
            try {
                var bytes = InetAddress.getByName(host.strip()).getAddress();
                int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1).strip());
                if (prefix < 0 || prefix > bytes.length * 8 || !literal(host.strip())) {
                    throw new IllegalArgumentException("bad network " + text);
                }
                return new Network(bytes, prefix);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("invalid network \"" + text + "\": use an address or a CIDR");
            }
        }

        boolean contains(InetAddress candidate) {
            var bytes = candidate.getAddress();
            if (bytes.length != address.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((bytes[bit / 8] & mask) != (address[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            try {
                return InetAddress.getByAddress(address).getHostAddress() + "/" + prefix;
            } catch (UnknownHostException e) {
                return "?";
            }
        }
    }
}
