package dev.weft.controlplane.xds.server;

/**
 * Counters since start.
 *
 * @param changesReceived change notifications received
 * @param pushes          debounced pushes run (each recomputes the affected proxies)
 * @param responsesSent   xDS responses sent, pushes and subscription answers together
 * @param connected       streams open now
 */
public record PushStats(long changesReceived, long pushes, long responsesSent, int connected) {
}
