package dev.weft.controlplane.xds;

import dev.weft.controlplane.xds.translate.MeshTranslator;
import dev.weft.controlplane.xds.translate.ProxyResources;
import java.util.Map;

/** Which {@link MeshTranslator} the control plane runs: chosen here, and only here. */
public final class Translation {
  private Translation() {}

  /**
   * Until the translator is merged, proxies get no resources (empty responses: they connect, ACK and
   * show as SYNCED with nothing). SWAP IN THE TRANSLATOR HERE, one line:
   * {@code return new dev.weft.controlplane.xds.translate.IstioTranslator();}
   */
  public static MeshTranslator meshTranslator() {
    return NONE;
  }

  /** Whether {@link #meshTranslator()} is still the placeholder (the control plane says so at start). */
  public static boolean isPlaceholder(MeshTranslator translator) {
    return translator == NONE;
  }

  private static final ProxyResources EMPTY = new ProxyResources(Map.of());
  private static final MeshTranslator NONE = (snapshot, proxy) -> EMPTY;
}
