package dev.jfaas.gateway;

import dev.jfaas.gateway.entry.AsyncCalls;
import dev.jfaas.gateway.auth.BasicAuth;
import dev.jfaas.gateway.invoke.Admit;
import dev.jfaas.gateway.invoke.ReceivedBodies;
import dev.jfaas.gateway.scaling.LoadTracker;
import dev.jfaas.gateway.metrics.GatewayMetrics;
import dev.jfaas.provider.Provider;

/** What every gateway event loop shares. */
record GatewayParts(GatewayConfig config, Provider provider, BasicAuth auth, GatewayMetrics metrics, GatewayRoutes routes,
        AsyncCalls async, Admit admit, ReceivedBodies bodies, LoadTracker load, OpenConnections openConnections) {}
