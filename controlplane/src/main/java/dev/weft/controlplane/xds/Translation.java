package dev.weft.controlplane.xds;

import dev.weft.controlplane.xds.translate.IstioTranslator;
import dev.weft.controlplane.xds.translate.MeshTranslator;

/** Which {@link MeshTranslator} the control plane runs: chosen here, and only here. */
public final class Translation {
  private Translation() {}

  /** Istio's model to Envoy xDS v3 (see {@code xds.translate}). */
  public static MeshTranslator meshTranslator() {
    return new IstioTranslator();
  }
}
