package dev.weft.config.security.peerauthentication;

import dev.weft.config.load.KindHandler;
import dev.weft.config.model.Kind;

/** Registration of PeerAuthentication with the loader. */
public final class PeerAuthenticationKind {
  public static final KindHandler<PeerAuthentication> HANDLER = KindHandler.istio(
      Kind.PEER_AUTHENTICATION, PeerAuthentication.class, PeerAuthenticationParser::parse, new PeerAuthenticationValidator());

  private PeerAuthenticationKind() {}
}
