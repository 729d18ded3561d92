package dev.jfaas.sandbox;

/**
 * What contains functions on this gateway.
 *
 * @param sandbox  "bwrap" or "none"
 * @param users    how function users are chosen
 * @param network  what network replicas get
 * @param limits   the cgroup line: what is enforced, or why nothing is
 * @param enforced whether limits.memory, limits.cpu and the pids limit take effect
 */
public record SandboxReport(String sandbox, String users, String network, String limits, boolean enforced) {}
