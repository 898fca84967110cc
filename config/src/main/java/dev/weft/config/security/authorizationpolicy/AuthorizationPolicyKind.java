package dev.weft.config.security.authorizationpolicy;

import dev.weft.config.load.KindHandler;
import dev.weft.config.model.Kind;

/** Registration of AuthorizationPolicy with the loader. */
public final class AuthorizationPolicyKind {
  public static final KindHandler<AuthorizationPolicy> HANDLER = KindHandler.istio(
      Kind.AUTHORIZATION_POLICY, AuthorizationPolicy.class, AuthorizationPolicyParser::parse, new AuthorizationPolicyValidator());

  private AuthorizationPolicyKind() {}
}
