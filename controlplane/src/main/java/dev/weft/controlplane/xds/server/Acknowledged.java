package dev.weft.controlplane.xds.server;

/**
 * What one proxy last acknowledged of one type, as the control plane saw it: the cheap part of
 * {@link TypeStatus}, for callers that poll every proxy often (the xDS push benchmark measures
 * "apply -> last ACK" with it when its simulated proxies run in another process).
 *
 * @param version    the version the proxy ACKed last ("" if none)
 * @param atNanos    {@link System#nanoTime()} when that ACK arrived (0 if none)
 * @param synced     whether the last response sent of this type is the one ACKed
 */
public record Acknowledged(String version, long atNanos, boolean synced) {
}
