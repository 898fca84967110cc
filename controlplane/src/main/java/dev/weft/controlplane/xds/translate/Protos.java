package dev.weft.controlplane.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.time.Duration;

/** Small protobuf helpers shared by the builders. */
final class Protos {
  private Protos() {}

  /** Zero: Envoy's "no timeout" for route timeouts and stream durations, as Istio writes it. */
  static final com.google.protobuf.Duration ZERO = com.google.protobuf.Duration.getDefaultInstance();

  /**
   * Resources referenced from other resources (RDS from a listener, EDS from a cluster, SDS from a
   * TLS context) come over the same ADS stream; initial_fetch_timeout 0 waits for them, as Istio does.
   */
  static final ConfigSource ADS = ConfigSource.newBuilder()
      .setAds(AggregatedConfigSource.getDefaultInstance())
      .setInitialFetchTimeout(ZERO)
      .setResourceApiVersion(ApiVersion.V3)
      .build();

  /** The same without initial_fetch_timeout: gRPC's xDS client only reads {@code ads} and {@code self}. */
  static final ConfigSource ADS_PLAIN = ConfigSource.newBuilder()
      .setAds(AggregatedConfigSource.getDefaultInstance())
      .setResourceApiVersion(ApiVersion.V3)
      .build();

  static com.google.protobuf.Duration duration(Duration d) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  static com.google.protobuf.Duration seconds(long s) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(s).build();
  }

  static UInt32Value u32(long v) {
    return UInt32Value.of((int) Math.min(v, 0xFFFF_FFFFL));
  }

  static Any any(Message m) {
    return Any.pack(m);
  }

  static Address socket(String ip, int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port)).build();
  }

  /**
   * Istio's translatePercentToFractionalPercent: a percentage 0..100 with up to four decimals as
   * parts per million.
   */
  static FractionalPercent percent(double value) {
    return FractionalPercent.newBuilder()
        .setNumerator((int) Math.round(value * 10_000))
        .setDenominator(FractionalPercent.DenominatorType.MILLION)
        .build();
  }

  /** Istio's translateIntegerToFractionalPercent, for the deprecated integer percent fields. */
  static FractionalPercent integerPercent(int value) {
    return FractionalPercent.newBuilder()
        .setNumerator(value)
        .setDenominator(FractionalPercent.DenominatorType.HUNDRED)
        .build();
  }
}
