package dev.weft.controlplane.xds.translate;

import dev.weft.config.networking.virtualservice.Headers;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import java.util.ArrayList;
import java.util.List;

/** VirtualService header operations: {@code set} overwrites, {@code add} appends, {@code remove} removes. */
final class HeaderOperations {
  private HeaderOperations() {}

  /** Header changes of one direction. */
  record Ops(List<HeaderValueOption> add, List<String> remove) {
    static final Ops NONE = new Ops(List.of(), List.of());
  }

  static Ops request(Headers h) {
    return of(h == null ? null : h.request());
  }

  static Ops response(Headers h) {
    return of(h == null ? null : h.response());
  }

  private static Ops of(Headers.HeaderOperations ops) {
    if (ops == null) {
      return Ops.NONE;
    }
    List<HeaderValueOption> add = new ArrayList<>();
    ops.set().forEach((k, v) -> add.add(option(k, v, HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)));
    ops.add().forEach((k, v) -> add.add(option(k, v, HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD)));
    return new Ops(add, ops.remove());
  }

  private static HeaderValueOption option(String key, String value, HeaderValueOption.HeaderAppendAction action) {
    return HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(key).setValue(value))
        .setAppendAction(action)
        .build();
  }
}
