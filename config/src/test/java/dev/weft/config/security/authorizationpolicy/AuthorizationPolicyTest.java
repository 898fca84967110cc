package dev.weft.config.security.authorizationpolicy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.security.authorizationpolicy.AuthorizationPolicy.Action;
import dev.weft.config.security.authorizationpolicy.AuthorizationPolicy.Condition;
import dev.weft.config.security.authorizationpolicy.AuthorizationPolicy.Operation;
import dev.weft.config.security.authorizationpolicy.AuthorizationPolicy.Source;
import dev.weft.config.testing.Loaded;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthorizationPolicyTest {
  // lines 1-5; "spec:" is line 6
  private static final String HEAD = """
      apiVersion: security.istio.io/v1
      kind: AuthorizationPolicy
      metadata:
        name: ap
        namespace: foo
      """;

  private static List<String> messages(String spec) {
    return Loaded.of(HEAD + spec).messages();
  }

  /** A DENY-free policy with one rule whose "when" is {@code condition} (lines 6-10; the condition starts on line 9). */
  private static List<String> when(String condition) {
    return messages("spec:\n  rules:\n  - when:\n" + condition.indent(4));
  }

  @Test
  void readsEveryField() {
    AuthorizationPolicy ap = Loaded.of(HEAD + """
        spec:
          selector:
            matchLabels:
              app: httpbin
          action: DENY
          rules:
          - from:
            - source:
                principals: ["cluster.local/ns/default/sa/sleep"]
                notPrincipals: ["a*"]
                requestPrincipals: ["iss/sub"]
                notRequestPrincipals: ["*"]
                namespaces: ["prod-*"]
                notNamespaces: ["*-test"]
                ipBlocks: ["10.0.0.0/8", "2001:db8::/32"]
                notIpBlocks: ["10.1.2.3"]
                remoteIpBlocks: ["192.168.0.0/16"]
                notRemoteIpBlocks: ["::1"]
            to:
            - operation:
                hosts: ["*.example.com"]
                notHosts: ["admin.example.com"]
                ports: ["8080"]
                notPorts: ["9090"]
                methods: ["GET"]
                notMethods: ["DELETE"]
                paths: ["/info*", "/api/{*}/x"]
                notPaths: ["/admin"]
            when:
            - key: request.auth.claims[iss]
              values: ["https://accounts.google.com"]
              notValues: ["other"]
        """).single(AuthorizationPolicy.class).spec();
    assertThat(ap.selector().labels()).isEqualTo(Map.of("app", "httpbin"));
    assertThat(ap.action()).isEqualTo(Action.DENY);
    assertThat(ap.provider()).isNull();
    AuthorizationPolicy.Rule rule = ap.rules().getFirst();
    assertThat(rule.from().getFirst().source()).isEqualTo(new Source(List.of("cluster.local/ns/default/sa/sleep"), List.of("a*"),
        List.of("iss/sub"), List.of("*"), List.of("prod-*"), List.of("*-test"), List.of("10.0.0.0/8", "2001:db8::/32"),
        List.of("10.1.2.3"), List.of("192.168.0.0/16"), List.of("::1")));
    assertThat(rule.to().getFirst().operation()).isEqualTo(new Operation(List.of("*.example.com"), List.of("admin.example.com"),
        List.of("8080"), List.of("9090"), List.of("GET"), List.of("DELETE"), List.of("/info*", "/api/{*}/x"), List.of("/admin")));
    assertThat(rule.when()).containsExactly(
        new Condition("request.auth.claims[iss]", List.of("https://accounts.google.com"), List.of("other")));
  }

  @Test
  void emptySpecAllowsNothingAndIsValid() {
    AuthorizationPolicy ap = Loaded.of(HEAD + "spec: {}\n").single(AuthorizationPolicy.class).spec();
    assertThat(ap.action()).isEqualTo(Action.ALLOW);
    assertThat(ap.rules()).isEmpty();
  }

  @Test
  void customWithProvider() {
    AuthorizationPolicy ap = Loaded.of(HEAD + """
        spec:
          action: CUSTOM
          provider:
            name: my-ext-authz
          rules:
          - to:
            - operation:
                paths: ["/admin/*"]
        """).single(AuthorizationPolicy.class).spec();
    assertThat(ap.provider().name()).isEqualTo("my-ext-authz");
  }

  @Test
  void denyAndCustomNeedRules() {
    assertThat(messages("spec:\n  action: DENY\n")).containsExactly(
        "t.yaml:7: AuthorizationPolicy foo/ap: spec.action: DENY action without `rules` is meaningless as it will never be triggered,"
            + " add an empty rule `{}` if you want it be triggered for every request");
    assertThat(messages("spec:\n  action: CUSTOM\n  provider:\n    name: x\n")).containsExactly(
        "t.yaml:7: AuthorizationPolicy foo/ap: spec.action: CUSTOM action without `rules` is meaningless as it will never be triggered,"
            + " add an empty rule `{}` if you want it be triggered for every request");
  }

  @Test
  void customNeedsAProviderAndAProviderNeedsCustom() {
    assertThat(messages("spec:\n  action: CUSTOM\n  rules:\n  - {}\n")).containsExactly(
        "t.yaml:6: AuthorizationPolicy foo/ap: spec.provider: `provider.name` must not be empty");
    assertThat(messages("spec:\n  action: DENY\n  provider:\n    name: x\n  rules:\n  - {}\n")).containsExactly(
        "t.yaml:8: AuthorizationPolicy foo/ap: spec.provider: `provider` must not be with non CUSTOM action, found DENY");
  }

  @Test
  void customRefusesIdentityAttributes() {
    assertThat(messages("""
        spec:
          action: CUSTOM
          provider: {name: x}
          rules:
          - from:
            - source:
                namespaces: [a]
                requestPrincipals: ["*"]
            when:
            - key: request.auth.claims[group]
              values: [admin]
        """)).containsExactly(
            "t.yaml:12: AuthorizationPolicy foo/ap: spec.rules[0].from[0].source.namespaces: From.Namespaces is currently not supported with CUSTOM action",
            "t.yaml:13: AuthorizationPolicy foo/ap: spec.rules[0].from[0].source.requestPrincipals: From.RequestPrincipals is currently not supported with CUSTOM action",
            "t.yaml:15: AuthorizationPolicy foo/ap: spec.rules[0].when[0].key: request.auth.claims[group] is currently not supported with CUSTOM action");
  }

  @Test
  void sourceAndOperationMustBeSetAndNotEmpty() {
    assertThat(messages("""
        spec:
          rules:
          - from:
            - {}
            - source: {}
            to:
            - {}
            - operation: {}
        """)).containsExactly(
            "t.yaml:9: AuthorizationPolicy foo/ap: spec.rules[0].from[0]: `from.source` must not be nil",
            "t.yaml:10: AuthorizationPolicy foo/ap: spec.rules[0].from[1].source: `from.source` must not be empty",
            "t.yaml:12: AuthorizationPolicy foo/ap: spec.rules[0].to[0]: `to.operation` must not be nil",
            "t.yaml:13: AuthorizationPolicy foo/ap: spec.rules[0].to[1].operation: `to.operation` must not be empty");
  }

  @Test
  void emptyFromAndToLists() {
    assertThat(messages("spec:\n  rules:\n  - from: []\n    to: []\n")).containsExactly(
        "t.yaml:8: AuthorizationPolicy foo/ap: spec.rules[0].from: `from` must not be empty",
        "t.yaml:9: AuthorizationPolicy foo/ap: spec.rules[0].to: `to` must not be empty");
  }

  @Test
  void ipBlocksAreIpsOrCidrs() {
    assertThat(messages("""
        spec:
          rules:
          - from:
            - source:
                ipBlocks: ["10.0.0.0/33", "1.2.3", "010.1.1.1", "2001:db8::/129", "fe80::1/64"]
        """)).containsExactly(
            "t.yaml:10: AuthorizationPolicy foo/ap: spec.rules[0].from[0].source.ipBlocks[0]: bad CIDR range (10.0.0.0/33): prefix length out of range",
            "t.yaml:10: AuthorizationPolicy foo/ap: spec.rules[0].from[0].source.ipBlocks[1]: bad IP address (1.2.3)",
            "t.yaml:10: AuthorizationPolicy foo/ap: spec.rules[0].from[0].source.ipBlocks[2]: bad IP address (010.1.1.1)",
            "t.yaml:10: AuthorizationPolicy foo/ap: spec.rules[0].from[0].source.ipBlocks[3]: bad CIDR range (2001:db8::/129): prefix length out of range");
  }

  @Test
  void emptyValuesAreRefused() {
    assertThat(messages("""
        spec:
          rules:
          - from:
            - source:
                principals: [""]
            to:
            - operation:
                methods: ["GET", ""]
        """)).containsExactly(
            "t.yaml:10: AuthorizationPolicy foo/ap: spec.rules[0].from[0].source.principals[0]: empty value not allowed",
            "t.yaml:13: AuthorizationPolicy foo/ap: spec.rules[0].to[0].operation.methods[1]: empty value not allowed");
  }

  @Test
  void portsAreNumbers() {
    assertThat(messages("""
        spec:
          rules:
          - to:
            - operation:
                ports: ["http", "70000"]
                notPorts: ["80"]
        """)).containsExactly(
            "t.yaml:10: AuthorizationPolicy foo/ap: spec.rules[0].to[0].operation.ports[0]: bad port (http): must be a number 0..65535",
            "t.yaml:10: AuthorizationPolicy foo/ap: spec.rules[0].to[0].operation.ports[1]: bad port (70000): must be a number 0..65535");
  }

  @Test
  void portWrittenAsANumberIsATypeError() {
    // The item is left out, so the operation then reads as empty too.
    assertThat(messages("spec:\n  rules:\n  - to:\n    - operation:\n        ports: [8080]\n")).containsExactly(
        "t.yaml:10: AuthorizationPolicy foo/ap: spec.rules[0].to[0].operation.ports[0]: expected string, got integer 8080 (quote it: \"8080\")",
        "t.yaml:9: AuthorizationPolicy foo/ap: spec.rules[0].to[0].operation: `to.operation` must not be empty");
  }

  @Test
  void unsupportedPathTemplates() {
    assertThat(messages("""
        spec:
          rules:
          - to:
            - operation:
                paths: ["/api/{*}/x", "/api/{name}/{*}", "/{**}/*"]
        """)).containsExactly(
            "t.yaml:10: AuthorizationPolicy foo/ap: spec.rules[0].to[0].operation.paths[1]: invalid or unsupported path template",
            "t.yaml:10: AuthorizationPolicy foo/ap: spec.rules[0].to[0].operation.paths[2]: invalid or unsupported path template");
  }

  @Test
  void wildcardInTheMiddleIsMatchedLiterally() {
    Loaded l = Loaded.of(HEAD + """
        spec:
          rules:
          - from:
            - source:
                principals: ["cluster.local/ns/*/sa/sleep", "*", "prefix*", "*suffix"]
        """);
    assertThat(l.messages()).containsExactly("t.yaml:10: warning: AuthorizationPolicy foo/ap: spec.rules[0].from[0].source.principals[0]:"
        + " \"cluster.local/ns/*/sa/sleep\": \"*\" is a wildcard only as the whole value or at its start or end (not both);"
        + " elsewhere it is matched literally");
    assertThat(l.resources()).hasSize(1);
  }

  @Test
  void conditionKeys() {
    assertThat(when("- key: source.ip\n  values: [\"10.0.0.0/8\", \"1.2.3.4\"]\n")).isEmpty();
    assertThat(when("- key: request.headers[x-token]\n  notValues: [\"\"]\n")).containsExactly(
        "t.yaml:10: AuthorizationPolicy foo/ap: spec.rules[0].when[0].notValues[0]: invalid `notValue` for `key` request.headers[x-token]: empty value not allowed");
    assertThat(when("- key: \"\"\n  values: [a]\n")).containsExactly(
        "t.yaml:9: AuthorizationPolicy foo/ap: spec.rules[0].when[0].key: `key` must not be empty");
    assertThat(when("- key: source.ip\n")).containsExactly(
        "t.yaml:9: AuthorizationPolicy foo/ap: spec.rules[0].when[0]: at least one of `values` or `notValues` must be set for key source.ip");
    assertThat(when("- key: request.auth.claims\n  values: [a]\n")).containsExactly(
        "t.yaml:9: AuthorizationPolicy foo/ap: spec.rules[0].when[0].key: bad key (request.auth.claims): should have format a[b]");
    assertThat(when("- key: request.auth.claims[]\n  values: [a]\n")).containsExactly(
        "t.yaml:9: AuthorizationPolicy foo/ap: spec.rules[0].when[0].key: bad key (request.auth.claims[]): should have format a[b]");
    assertThat(when("- key: source.ipp\n  values: [a]\n")).containsExactly(
        "t.yaml:9: AuthorizationPolicy foo/ap: spec.rules[0].when[0].key: unknown attribute: source.ipp");
    assertThat(when("- key: destination.namespace\n  values: [a]\n")).containsExactly(
        "t.yaml:9: AuthorizationPolicy foo/ap: spec.rules[0].when[0].key: attribute destination.namespace is replaced by the metadata.namespace");
    assertThat(when("- key: destination.labels[app]\n  values: [a]\n")).containsExactly(
        "t.yaml:9: AuthorizationPolicy foo/ap: spec.rules[0].when[0].key: attribute destination.labels[app] is replaced by the workload selector");
    assertThat(when("- key: destination.user\n  values: [a]\n")).containsExactly(
        "t.yaml:9: AuthorizationPolicy foo/ap: spec.rules[0].when[0].key: deprecated attribute destination.user: only supported in v1alpha1");
  }

  @Test
  void conditionValues() {
    assertThat(when("- key: destination.port\n  values: [\"80\", \"http\"]\n")).containsExactly(
        "t.yaml:10: AuthorizationPolicy foo/ap: spec.rules[0].when[0].values[1]: invalid `value` for `key` destination.port: bad port (http): must be a number 0..65535");
    assertThat(when("- key: remote.ip\n  notValues: [\"300.1.1.1\"]\n")).containsExactly(
        "t.yaml:10: AuthorizationPolicy foo/ap: spec.rules[0].when[0].notValues[0]: invalid `notValue` for `key` remote.ip: bad IP address (300.1.1.1)");
    assertThat(when("- key: destination.ip\n  values: [\"10.0.0.0/40\"]\n")).containsExactly(
        "t.yaml:10: AuthorizationPolicy foo/ap: spec.rules[0].when[0].values[0]: invalid `value` for `key` destination.ip: bad CIDR range (10.0.0.0/40): prefix length out of range");
    assertThat(when("- key: connection.sni\n  values: [\"www.example.com\"]\n")).isEmpty();
    assertThat(when("- key: experimental.envoy.filters.network.mysql_proxy[db.table]\n  values: [\"[update]\"]\n")).isEmpty();
  }

  @Test
  void denyWithOnlyHttpAttributesWarnsAboutTcp() {
    Loaded l = Loaded.of(HEAD + """
        spec:
          action: DENY
          rules:
          - to:
            - operation:
                methods: ["POST"]
        """);
    assertThat(l.messages()).containsExactly("t.yaml:9: warning: AuthorizationPolicy foo/ap: spec.rules[0]: configured AuthorizationPolicy"
        + " will deny all traffic to TCP ports under its scope due to the use of only HTTP attributes in a DENY rule;"
        + " it is recommended to explicitly specify the port");
    assertThat(messages("spec:\n  action: DENY\n  rules:\n  - to:\n    - operation:\n        methods: [POST]\n        ports: [\"80\"]\n")).isEmpty();
  }

  @Test
  void selectorAndTargetRefsAreExclusive() {
    assertThat(messages("""
        spec:
          selector:
            matchLabels: {app: a}
          targetRefs:
          - kind: Service
            name: a
        """)).containsExactly(
            "t.yaml:9: AuthorizationPolicy foo/ap: spec.targetRefs: only one of targetRefs or workloadSelector can be set");
  }

  @Test
  void dryRunAnnotation() {
    String policy = """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata:
          name: ap
          annotations:
            istio.io/dry-run: "%s"
        spec:
          action: %s
          rules:
          - {}
        """;
    assertThat(Loaded.of(policy.formatted("true", "DENY")).messages()).isEmpty();
    assertThat(Loaded.of(policy.formatted("yes", "DENY")).messages()).containsExactly(
        "t.yaml:6: AuthorizationPolicy default/ap: metadata.annotations[\"istio.io/dry-run\"]: annotation istio.io/dry-run has invalid value (yes): must be true or false");
    assertThat(Loaded.of(policy.formatted("true", "AUDIT")).messages()).containsExactly(
        "t.yaml:6: AuthorizationPolicy default/ap: metadata.annotations[\"istio.io/dry-run\"]: the annotation istio.io/dry-run currently only supports action ALLOW/DENY, found action AUDIT");
  }

  @Test
  void unknownActionIsReportedWithTheNearestName() {
    assertThat(messages("spec:\n  action: ALOW\n")).containsExactly(
        "t.yaml:7: AuthorizationPolicy foo/ap: spec.action: invalid value \"ALOW\", must be one of ALLOW, DENY, AUDIT, CUSTOM (did you mean \"ALLOW\"?)");
  }
}
