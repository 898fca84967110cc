package dev.weft.config.security.requestauthentication;

import dev.weft.config.model.WorkloadSelector;
import dev.weft.config.read.MapReader;
import dev.weft.config.security.SecurityParsers;

/** Reads a RequestAuthentication spec. */
public final class RequestAuthenticationParser {
  private RequestAuthenticationParser() {}

  public static RequestAuthentication parse(MapReader spec) {
    return new RequestAuthentication(
        spec.object("selector", WorkloadSelector::readMatchLabels),
        spec.object("targetRef", SecurityParsers::targetRef),
        spec.list("targetRefs", SecurityParsers::targetRef),
        spec.list("jwtRules", RequestAuthenticationParser::jwtRule));
  }

  static RequestAuthentication.JwtRule jwtRule(MapReader j) {
    return new RequestAuthentication.JwtRule(
        j.string("issuer"),
        j.strings("audiences"),
        j.string("jwksUri"),
        j.string("jwks"),
        j.list("fromHeaders", h -> new RequestAuthentication.JwtHeader(h.string("name"), h.string("prefix"))),
        j.strings("fromParams"),
        j.string("outputPayloadToHeader"),
        j.bool("forwardOriginalToken", false),
        j.list("outputClaimToHeaders", c -> new RequestAuthentication.ClaimToHeader(c.string("header"), c.string("claim"))),
        j.strings("fromCookies"),
        j.duration("timeout"));
  }
}
