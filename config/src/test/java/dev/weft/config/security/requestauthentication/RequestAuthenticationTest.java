package dev.weft.config.security.requestauthentication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.security.PolicyTargetReference;
import dev.weft.config.security.requestauthentication.RequestAuthentication.ClaimToHeader;
import dev.weft.config.security.requestauthentication.RequestAuthentication.JwtHeader;
import dev.weft.config.security.requestauthentication.RequestAuthentication.JwtRule;
import dev.weft.config.testing.Loaded;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestAuthenticationTest {
  // lines 1-5; "spec:" is line 6
  private static final String HEAD = """
      apiVersion: security.istio.io/v1
      kind: RequestAuthentication
      metadata:
        name: jwt
        namespace: foo
      """;

  private static List<String> messages(String spec) {
    return Loaded.of(HEAD + spec).messages();
  }

  @Test
  void readsEveryFieldOfAJwtRule() {
    RequestAuthentication ra = Loaded.of(HEAD + """
        spec:
          targetRefs:
          - kind: Gateway
            group: gateway.networking.k8s.io
            name: ingress
          jwtRules:
          - issuer: "https://issuer.example.com"
            audiences: [bookstore, web]
            jwksUri: https://issuer.example.com/jwks.json
            fromHeaders:
            - name: x-jwt-assertion
              prefix: "Bearer "
            fromParams: [my_token]
            fromCookies: [session]
            outputPayloadToHeader: x-jwt-payload
            forwardOriginalToken: true
            outputClaimToHeaders:
            - header: x-sub
              claim: sub
            timeout: 5s
        """).single(RequestAuthentication.class).spec();
    assertThat(ra.selector()).isNull();
    assertThat(ra.targetRef()).isNull();
    assertThat(ra.targetRefs()).containsExactly(new PolicyTargetReference("gateway.networking.k8s.io", "Gateway", "ingress", null));
    assertThat(ra.jwtRules()).containsExactly(new JwtRule("https://issuer.example.com", List.of("bookstore", "web"),
        "https://issuer.example.com/jwks.json", null, List.of(new JwtHeader("x-jwt-assertion", "Bearer ")), List.of("my_token"),
        "x-jwt-payload", true, List.of(new ClaimToHeader("x-sub", "sub")), List.of("session"), Duration.ofSeconds(5)));
  }

  @Test
  void inlineJwksIsAccepted() {
    RequestAuthentication ra = Loaded.of(HEAD + """
        spec:
          selector:
            matchLabels: {app: httpbin}
          jwtRules:
          - issuer: testing@secure.istio.io
            jwks: '{"keys":[{"e":"AQAB","kid":"k1","kty":"RSA","n":"xAE7eB6qugXyCAG3yhh7pkDkT65pHymX"}]}'
        """).single(RequestAuthentication.class).spec();
    assertThat(ra.jwtRules().getFirst().jwks()).startsWith("{\"keys\"");
    assertThat(ra.jwtRules().getFirst().forwardOriginalToken()).isFalse();
  }

  @Test
  void issuerMustBeSet() {
    assertThat(messages("spec:\n  jwtRules:\n  - jwksUri: https://example.com/jwks\n")).containsExactly(
        "t.yaml:8: RequestAuthentication foo/jwt: spec.jwtRules[0].issuer: issuer must be set");
  }

  @Test
  void jwksUriMustBeHttpOrHttps() {
    assertThat(messages("spec:\n  jwtRules:\n  - issuer: a\n    jwksUri: ftp://example.com/jwks\n")).containsExactly(
        "t.yaml:9: RequestAuthentication foo/jwt: spec.jwtRules[0].jwksUri: URI scheme \"ftp\" is not supported");
  }

  @Test
  void jwksAndJwksUriAreExclusive() {
    assertThat(messages("""
        spec:
          jwtRules:
          - issuer: a
            jwksUri: https://example.com/jwks
            jwks: '{"keys":[]}'
        """)).containsExactly("t.yaml:10: RequestAuthentication foo/jwt: spec.jwtRules[0].jwks: only one of jwks or jwksUri can be set");
  }

  @Test
  void jwksMustParse() {
    assertThat(messages("spec:\n  jwtRules:\n  - issuer: a\n    jwks: '{\"keys\":[{\"kid\":\"x\"}]}'\n")).containsExactly(
        "t.yaml:9: RequestAuthentication foo/jwt: spec.jwtRules[0].jwks: jwks parse error: keys[0] has no \"kty\" (key type)");
    assertThat(messages("spec:\n  jwtRules:\n  - issuer: a\n    jwks: '[1, 2'\n")).singleElement().asString()
        .startsWith("t.yaml:9: RequestAuthentication foo/jwt: spec.jwtRules[0].jwks: jwks parse error: invalid JSON: ");
    assertThat(messages("spec:\n  jwtRules:\n  - issuer: a\n    jwks: 'not json'\n")).containsExactly(
        "t.yaml:9: RequestAuthentication foo/jwt: spec.jwtRules[0].jwks: jwks parse error: expected a JSON object, got string");
  }

  @Test
  void emptyStringsInLists() {
    assertThat(messages("""
        spec:
          jwtRules:
          - issuer: a
            audiences: ["x", ""]
            fromParams: [""]
            fromCookies: [""]
            fromHeaders:
            - prefix: "Bearer "
        """)).containsExactly(
            "t.yaml:9: RequestAuthentication foo/jwt: spec.jwtRules[0].audiences[1]: audience must be non-empty string",
            "t.yaml:13: RequestAuthentication foo/jwt: spec.jwtRules[0].fromHeaders[0].name: location header name must be non-empty string",
            "t.yaml:10: RequestAuthentication foo/jwt: spec.jwtRules[0].fromParams[0]: location query must be non-empty string",
            "t.yaml:11: RequestAuthentication foo/jwt: spec.jwtRules[0].fromCookies[0]: cookie name must be non-empty string");
  }

  @Test
  void outputClaimToHeaders() {
    assertThat(messages("""
        spec:
          jwtRules:
          - issuer: a
            outputClaimToHeaders:
            - header: "x sub"
              claim: sub
            - header: x-iss
        """)).containsExactly(
            "t.yaml:10: RequestAuthentication foo/jwt: spec.jwtRules[0].outputClaimToHeaders[0].header: header name x sub is not a valid header name",
            "t.yaml:12: RequestAuthentication foo/jwt: spec.jwtRules[0].outputClaimToHeaders[1]: outputClaimToHeaders header and claim value must be non-empty string");
  }

  @Test
  void timeoutIsADuration() {
    assertThat(messages("spec:\n  jwtRules:\n  - issuer: a\n    timeout: 0s\n")).containsExactly(
        "t.yaml:9: RequestAuthentication foo/jwt: spec.jwtRules[0].timeout: duration must be at least 1ms, got 0s");
  }

  @Test
  void selectorAndTargetRefAreExclusive() {
    assertThat(messages("""
        spec:
          selector:
            matchLabels: {app: a}
          targetRef:
            kind: Service
            name: a
        """)).containsExactly(
            "t.yaml:9: RequestAuthentication foo/jwt: spec.targetRef: only one of targetRefs or workloadSelector can be set");
  }

  @Test
  void targetRefRules() {
    assertThat(messages("""
        spec:
          targetRefs:
          - kind: Deployment
            group: apps
            name: a
          - kind: Service
            namespace: other
        """)).containsExactly(
            "t.yaml:8: RequestAuthentication foo/jwt: spec.targetRefs[0]: targetRef must be to one of core/Service, networking.istio.io/ServiceEntry, gateway.networking.k8s.io/Gateway but was apps/Deployment",
            "t.yaml:11: RequestAuthentication foo/jwt: spec.targetRefs[1].name: targetRef name must be set",
            "t.yaml:12: RequestAuthentication foo/jwt: spec.targetRefs[1].namespace: targetRef namespace must not be set; cross namespace referencing is not supported");
  }

  @Test
  void unknownFieldIsReported() {
    assertThat(messages("spec:\n  jwtRules:\n  - issuer: a\n    jwksUrl: https://x\n")).containsExactly(
        "t.yaml:9: RequestAuthentication foo/jwt: spec.jwtRules[0].jwksUrl: unknown field \"jwksUrl\" (did you mean \"jwksUri\"?)");
  }
}
