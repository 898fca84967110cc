package dev.weft.config.security.requestauthentication;

import dev.weft.config.security.PolicyTargetReference;
import dev.weft.config.model.WorkloadSelector;
import java.time.Duration;
import java.util.List;

/**
 * security.istio.io RequestAuthentication: which JWTs the selected workloads accept, where they
 * are found in a request, and how their keys are fetched.
 *
 * @param selector null when absent (and then the policy covers the namespace, or names targets)
 * @param targetRef null when absent; deprecated in favour of targetRefs
 */
public record RequestAuthentication(
    WorkloadSelector selector,
    PolicyTargetReference targetRef,
    List<PolicyTargetReference> targetRefs,
    List<JwtRule> jwtRules) {

  public RequestAuthentication {
    targetRefs = List.copyOf(targetRefs);
    jwtRules = List.copyOf(jwtRules);
  }

  /**
   * One accepted issuer. Without fromHeaders/fromParams/fromCookies the token is looked for in
   * "Authorization: Bearer" and the access_token query parameter.
   *
   * @param jwksUri null when absent; then the keys are discovered through OpenID from the issuer
   * @param jwks inline JSON Web Key Set, null when absent
   * @param timeout how long fetching jwksUri may take; null for Envoy's default
   */
  public record JwtRule(
      String issuer,
      List<String> audiences,
      String jwksUri,
      String jwks,
      List<JwtHeader> fromHeaders,
      List<String> fromParams,
      String outputPayloadToHeader,
      boolean forwardOriginalToken,
      List<ClaimToHeader> outputClaimToHeaders,
      List<String> fromCookies,
      Duration timeout) {

    public JwtRule {
      audiences = List.copyOf(audiences);
      fromHeaders = List.copyOf(fromHeaders);
      fromParams = List.copyOf(fromParams);
      outputClaimToHeaders = List.copyOf(outputClaimToHeaders);
      fromCookies = List.copyOf(fromCookies);
    }
  }

  /** A header carrying the token, with the prefix (such as "Bearer ") to strip; prefix null when absent. */
  public record JwtHeader(String name, String prefix) {}

  /** Copies a claim of the verified token into a request header. */
  public record ClaimToHeader(String header, String claim) {}
}
