package dev.weft.config.security.peerauthentication;

import dev.weft.config.model.WorkloadSelector;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * security.istio.io PeerAuthentication: whether workloads accept plaintext, mutual TLS or both,
 * for the whole workload ({@code mtls}) and per port ({@code portLevelMtls}).
 *
 * @param selector null when absent: the policy then covers the namespace (or the mesh, in the root namespace)
 * @param mtls null when absent (inherits from the parent scope)
 * @param portLevelMtls by port number; kept sorted so messages come in port order
 */
public record PeerAuthentication(WorkloadSelector selector, Mtls mtls, Map<Long, Mtls> portLevelMtls) {
  public PeerAuthentication {
    portLevelMtls = Collections.unmodifiableMap(new TreeMap<>(portLevelMtls));
  }

  /** The mutual TLS setting of a workload or port. */
  public record Mtls(Mode mode) {}

  /** Istio's PeerAuthentication.MutualTLS.Mode; UNSET inherits from the parent scope (PERMISSIVE at the top). */
  public enum Mode {
    UNSET,
    DISABLE,
    PERMISSIVE,
    STRICT
  }
}
