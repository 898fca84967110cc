package dev.weft.config.networking.gateway;

import dev.weft.config.load.KindHandler;
import dev.weft.config.model.Kind;

/** Registration of Gateway with the loader. */
public final class GatewayKind {
  public static final KindHandler<Gateway> HANDLER =
      KindHandler.istio(Kind.GATEWAY, Gateway.class, GatewayParser::parse, new GatewayValidator());

  private GatewayKind() {}
}
