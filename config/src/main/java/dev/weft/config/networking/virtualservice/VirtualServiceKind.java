package dev.weft.config.networking.virtualservice;

import dev.weft.config.load.KindHandler;
import dev.weft.config.model.Kind;

/** Registration of VirtualService with the loader. */
public final class VirtualServiceKind {
  public static final KindHandler<VirtualService> HANDLER =
      KindHandler.istio(Kind.VIRTUAL_SERVICE, VirtualService.class, VirtualServiceParser::parse, new VirtualServiceValidator());

  private VirtualServiceKind() {}
}
