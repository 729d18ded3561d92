package dev.jfaas.store;

import dev.jfaas.function.FunctionDeployment;
import java.time.Instant;

/** A deployment as kept on disk: what was asked for, how many replicas, since when. */
public record StoredFunction(FunctionDeployment deployment, int replicas, Instant createdAt) {}
