package dev.weft.config.networking.sidecar;

import dev.weft.config.load.KindHandler;
import dev.weft.config.model.Kind;

/** Registration of Sidecar with the loader. */
public final class SidecarKind {
  public static final KindHandler<Sidecar> HANDLER =
      KindHandler.istio(Kind.SIDECAR, Sidecar.class, SidecarParser::parse, new SidecarValidator());

  private SidecarKind() {}
}
