package dev.weft.config.security.peerauthentication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.security.peerauthentication.PeerAuthentication.Mode;
import dev.weft.config.security.peerauthentication.PeerAuthentication.Mtls;
import dev.weft.config.testing.Loaded;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerAuthenticationTest {
  private static final String HEAD = """
      apiVersion: security.istio.io/v1
      kind: PeerAuthentication
      metadata:
        name: pa
        namespace: foo
      """;

  @Test
  void readsModeSelectorAndPortsKeyedByNumber() {
    PeerAuthentication pa = Loaded.of(HEAD + """
        spec:
          selector:
            matchLabels:
              app: reviews
          mtls:
            mode: STRICT
          portLevelMtls:
            8080:
              mode: DISABLE
            "9090":
              mode: PERMISSIVE
        """).single(PeerAuthentication.class).spec();
    assertThat(pa.selector().labels()).isEqualTo(Map.of("app", "reviews"));
    assertThat(pa.mtls()).isEqualTo(new Mtls(Mode.STRICT));
    assertThat(pa.portLevelMtls()).containsExactly(Map.entry(8080L, new Mtls(Mode.DISABLE)), Map.entry(9090L, new Mtls(Mode.PERMISSIVE)));
  }

  @Test
  void emptySpecIsANamespaceWidePolicyWithModeUnsetWhenMtlsHasNoMode() {
    PeerAuthentication pa = Loaded.of(HEAD + "spec:\n  mtls: {}\n").single(PeerAuthentication.class).spec();
    assertThat(pa.selector()).isNull();
    assertThat(pa.mtls().mode()).isEqualTo(Mode.UNSET);
    assertThat(pa.portLevelMtls()).isEmpty();
  }

  @Test
  void portLevelMtlsNeedsASelector() {
    assertThat(Loaded.of(HEAD + """
        spec:
          portLevelMtls:
            8080:
              mode: DISABLE
        """).messages()).containsExactly(
            "t.yaml:7: PeerAuthentication foo/pa: spec.portLevelMtls: mesh/namespace peer authentication cannot have port level mTLS");
  }

  @Test
  void portOutOfRange() {
    assertThat(Loaded.of(HEAD + """
        spec:
          selector:
            matchLabels: {app: a}
          portLevelMtls:
            70000:
              mode: DISABLE
            0:
              mode: STRICT
        """).messages()).containsExactly(
            "t.yaml:12: PeerAuthentication foo/pa: spec.portLevelMtls.0: port must be in range 1..65535, got 0",
            "t.yaml:10: PeerAuthentication foo/pa: spec.portLevelMtls.70000: port must be in range 1..65535, got 70000");
  }

  @Test
  void portKeyThatIsNotANumber() {
    assertThat(Loaded.of(HEAD + """
        spec:
          selector:
            matchLabels: {app: a}
          portLevelMtls:
            http:
              mode: DISABLE
        """).messages()).containsExactly(
            "t.yaml:10: PeerAuthentication foo/pa: spec.portLevelMtls.http: invalid port \"http\": the keys of portLevelMtls are port numbers");
  }

  @Test
  void emptyPortLevelMtls() {
    assertThat(Loaded.of(HEAD + """
        spec:
          selector:
            matchLabels: {app: a}
          portLevelMtls: {}
        """).messages()).containsExactly(
            "t.yaml:9: PeerAuthentication foo/pa: spec.portLevelMtls: port level mTLS, if defined, must have at least one element");
  }

  @Test
  void unknownModeIsReportedWithTheNearestName() {
    assertThat(Loaded.of(HEAD + "spec:\n  mtls:\n    mode: STRIC\n").messages()).containsExactly(
        "t.yaml:8: PeerAuthentication foo/pa: spec.mtls.mode: invalid value \"STRIC\", must be one of UNSET, DISABLE, PERMISSIVE, STRICT (did you mean \"STRICT\"?)");
  }

  @Test
  void selectorRules() {
    assertThat(Loaded.of(HEAD + """
        spec:
          selector:
            matchLabels:
              app: "*"
        """).messages()).containsExactly(
            "t.yaml:9: PeerAuthentication foo/pa: spec.selector.matchLabels.app: wildcard is not supported in selector: \"app=*\"");
    Loaded empty = Loaded.of(HEAD + "spec:\n  selector: {}\n");
    assertThat(empty.messages()).containsExactly(
        "t.yaml:7: warning: PeerAuthentication foo/pa: spec.selector.matchLabels: workload selector specified without labels");
    assertThat(empty.resources()).hasSize(1);
  }

  @Test
  void dryRunAnnotationIsOnlyForAuthorizationPolicy() {
    assertThat(Loaded.of("""
        apiVersion: security.istio.io/v1beta1
        kind: PeerAuthentication
        metadata:
          name: pa
          annotations:
            istio.io/dry-run: "true"
        spec: {}
        """).messages()).containsExactly(
            "t.yaml:6: PeerAuthentication default/pa: metadata.annotations[\"istio.io/dry-run\"]: unsupported annotation istio.io/dry-run, please remove the annotation");
  }
}
