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
        dev.weft.config.networking.virtualservice.VirtualServiceKind.HANDLER,
        dev.weft.config.security.peerauthentication.PeerAuthenticationKind.HANDLER,
        dev.weft.config.security.requestauthentication.RequestAuthenticationKind.HANDLER,
        dev.weft.config.security.authorizationpolicy.AuthorizationPolicyKind.HANDLER,
        dev.weft.config.kube.KubeKinds.SERVICE,
        dev.weft.config.kube.KubeKinds.POD,
        dev.weft.config.kube.KubeKinds.DEPLOYMENT,
        dev.weft.config.kube.KubeKinds.NAMESPACE,
        dev.weft.config.kube.KubeKinds.NODE,
        dev.weft.config.kube.KubeKinds.SECRET,
        dev.weft.config.kube.KubeKinds.CONFIG_MAP,
        dev.weft.config.networking.destinationrule.DestinationRuleKind.HANDLER,
        dev.weft.config.networking.serviceentry.ServiceEntryKind.HANDLER,
        dev.weft.config.networking.workloadentry.WorkloadEntryKind.HANDLER,
        dev.weft.config.networking.workloadentry.WorkloadGroupKind.HANDLER,
        dev.weft.config.networking.sidecar.SidecarKind.HANDLER
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
