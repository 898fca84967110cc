package dev.weft.config.validate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The address and name predicates behind ServiceEntry, WorkloadEntry and Sidecar validation (Go's netip and Istio's ValidateFQDN). */
class RulesAddressTest {

  @ParameterizedTest
  @ValueSource(strings = {"1.2.3.4", "0.0.0.0", "255.255.255.255", "::", "::1", "2001:db8::1", 
      "1:2:3:4:5:6:7:8", "::ffff:10.0.0.1", "2001:db8::"})
  void ipAddresses(String s) {
    assertThat(AddressRules.isIpAddress(s)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.a", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9",
      "12345::1", ":1:2:3:4:5:6:7", "fe80::1%", "example.com", "1.2.3.4 "})
  void notIpAddresses(String s) {
    assertThat(AddressRules.isIpAddress(s)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.com", "istio.io.", "a", "reviews.default.svc.cluster.local", "x-1.example.com", "Example.COM"})
  void fqdns(String s) {
    assertThat(HostRules.isFqdn(s)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "*.example.com", "1.2.3.4", "a..b", "-a.com", "a_b.com", "example.123"})
  void notFqdns(String s) {
    assertThat(HostRules.isFqdn(s)).isFalse();
  }
}
