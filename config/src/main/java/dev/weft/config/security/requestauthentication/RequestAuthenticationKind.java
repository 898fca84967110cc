package dev.weft.config.security.requestauthentication;

import dev.weft.config.load.KindHandler;
import dev.weft.config.model.Kind;

/** Registration of RequestAuthentication with the loader. */
public final class RequestAuthenticationKind {
  public static final KindHandler<RequestAuthentication> HANDLER = KindHandler.istio(
      Kind.REQUEST_AUTHENTICATION, RequestAuthentication.class, RequestAuthenticationParser::parse,
      new RequestAuthenticationValidator());

  private RequestAuthenticationKind() {}
}
