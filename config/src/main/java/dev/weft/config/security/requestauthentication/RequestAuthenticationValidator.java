package dev.weft.config.security.requestauthentication;

import dev.weft.config.model.Resource;
import dev.weft.config.security.PolicyScope;
import dev.weft.config.validate.HeaderRules;
import dev.weft.config.validate.Rules;
import dev.weft.config.validate.SpecValidator;
import dev.weft.config.validate.Validation;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/** Istio's ValidateRequestAuthentication and validateJwtRule, with the CRD's jwks/jwksUri exclusion. */
public final class RequestAuthenticationValidator implements SpecValidator<RequestAuthentication> {

  @Override
  public void validate(Resource<RequestAuthentication> r, Validation v) {
    RequestAuthentication ra = r.spec();
    PolicyScope.noDryRun(v, r.meta());
    PolicyScope.oneOf(v, ra.selector(), ra.targetRef(), ra.targetRefs());
    PolicyScope.selector(v, "spec.selector", ra.selector());
    PolicyScope.targetRef(v, "spec.targetRef", ra.targetRef());
    PolicyScope.targetRefs(v, "spec.targetRefs", ra.targetRefs());
    for (int i = 0; i < ra.jwtRules().size(); i++) {
      jwtRule(v, "spec.jwtRules[" + i + "]", ra.jwtRules().get(i));
    }
  }

  private static void jwtRule(Validation v, String path, RequestAuthentication.JwtRule rule) {
    if (rule.issuer() == null || rule.issuer().isEmpty()) {
      v.error(path + ".issuer", "issuer must be set");
    }
    nonEmpty(v, path + ".audiences", rule.audiences(), "audience must be non-empty string");
    if (rule.jwksUri() != null && rule.jwks() != null) {
      v.error(path + ".jwks", "only one of jwks or jwksUri can be set");
    }
    if (rule.jwksUri() != null) {
      jwksUri(v, path + ".jwksUri", rule.jwksUri());
    }
    if (rule.jwks() != null) {
      String problem = Jwks.problem(rule.jwks());
      if (problem != null) {
        v.error(path + ".jwks", "jwks parse error: " + problem);
      }
    }
    for (int i = 0; i < rule.fromHeaders().size(); i++) {
      String name = rule.fromHeaders().get(i).name();
      if (name == null || name.isEmpty()) {
        v.error(path + ".fromHeaders[" + i + "].name", "location header name must be non-empty string");
      }
    }
    nonEmpty(v, path + ".fromParams", rule.fromParams(), "location query must be non-empty string");
    nonEmpty(v, path + ".fromCookies", rule.fromCookies(), "cookie name must be non-empty string");
    for (int i = 0; i < rule.outputClaimToHeaders().size(); i++) {
      RequestAuthentication.ClaimToHeader c = rule.outputClaimToHeaders().get(i);
      String p = path + ".outputClaimToHeaders[" + i + "]";
      if (c.header() == null || c.header().isEmpty() || c.claim() == null || c.claim().isEmpty()) {
        v.error(p, "outputClaimToHeaders header and claim value must be non-empty string");
        continue;
      }
      HeaderRules.istioHeaderName(v, p + ".header", c.header());
    }
    Rules.duration(v, path + ".timeout", rule.timeout());
  }

  /** Istio's security.ParseJwksURI: an http or https URL. */
  private static void jwksUri(Validation v, String path, String uri) {
    try {
      String scheme = new URI(uri).getScheme();
      if (!"http".equals(scheme) && !"https".equals(scheme)) {
        v.error(path, "URI scheme \"" + (scheme == null ? "" : scheme) + "\" is not supported");
      }
    } catch (URISyntaxException e) {
      v.error(path, "invalid URI \"" + uri + "\": " + e.getReason());
    }
  }

  private static void nonEmpty(Validation v, String path, List<String> values, String message) {
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i).isEmpty()) {
        v.error(path + "[" + i + "]", message);
      }
    }
  }
}
