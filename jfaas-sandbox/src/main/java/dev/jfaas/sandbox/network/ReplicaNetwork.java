package dev.jfaas.sandbox.network;

/** The network one replica runs in, as the sandbox made it. */
public sealed interface ReplicaNetwork {

    /** The host's own network: JFAAS_SANDBOX=none, or a function the operator lets use it. */
    record Host() implements ReplicaNetwork {}

    /**
     * A namespace holding only loopback (where the gateway cannot make links: it is not root, or
     * has no nftables): nothing goes out, and calls come in over a Unix socket relayed inside.
     */
    record Loopback() implements ReplicaNetwork {}

    /**
     * A namespace with one veth link to the host: the replica is {@code address}, the host's end
     * {@code hostAddress} on {@code hostInterface}, a /{@code prefix} of their own. The host's
     * firewall lets the gateway in and, with {@code egress}, the replica out to the world; never
     * to the host itself or to another replica.
     */
    record Link(String hostInterface, String hostAddress, String address, int prefix, boolean egress, int index)
            implements ReplicaNetwork {}
}
