package dev.weft.config.load;

import dev.weft.config.model.Kind;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The registry of kinds Weft reads: one line per kind. */
public final class KindHandlers {
  private static final Map<Kind, KindHandler<?>> HANDLERS = new EnumMap<>(Kind.class);

  static {
    register(List.of(
        dev.weft.config.networking.gateway.GatewayKind.HANDLER,
        dev.weft.config.networking.virtualservice.VirtualServiceKind.HANDLER
    ));
  }

  private KindHandlers() {}

  private static void register(List<KindHandler<?>> handlers) {
    for (KindHandler<?> h : handlers) {
      HANDLERS.put(h.kind(), h);
    }
  }

  public static Optional<KindHandler<?>> forKind(Kind kind) {
    return Optional.ofNullable(HANDLERS.get(kind));
  }
}
