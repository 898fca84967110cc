/**
 * The contract between Weft's xDS server and translation (Istio model -> Envoy resources).
 *
 * <p>Translation implements {@link dev.weft.controlplane.xds.ProxyConfigSource}: for a connected
 * {@link dev.weft.controlplane.xds.ProxyNode} and a {@link dev.weft.controlplane.xds.ResourceType},
 * the resources it should have, by name, packed as {@code Any}. The control plane reports changes
 * to a {@link dev.weft.controlplane.xds.ConfigChangeSink} (the server is one) as
 * {@link dev.weft.controlplane.xds.ConfigChange}s: all proxies or some, all types or some.
 *
 * <p>The server ({@code xds.server.XdsServer}) does the rest: subscriptions (state-of-the-world
 * and delta), per-resource versions (content hashes: only changed resources are sent, only to
 * proxies whose result changed), debouncing, push order CDS, EDS, LDS, RDS, SDS, ACK/NACK
 * bookkeeping, and the data of {@code weft proxy-status} / {@code proxy-config}.
 */
package dev.weft.controlplane.xds;
