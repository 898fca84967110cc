package dev.weft.config.analyze.virtualservice;

import dev.weft.config.analyze.AnalysisContext;
import dev.weft.config.analyze.Analyzer;
import dev.weft.config.analyze.MessageType;
import dev.weft.config.analyze.Names;
import dev.weft.config.analyze.Selectors;
import dev.weft.config.kube.Pod;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.model.ResourceKey;
import dev.weft.config.networking.gateway.Gateway;
import dev.weft.config.networking.virtualservice.HttpRoute;
import dev.weft.config.networking.virtualservice.VirtualService;
import dev.weft.config.security.requestauthentication.RequestAuthentication;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * IST0149: a VirtualService that routes on JWT claims ({@code @request.auth.claims.*} header matches)
 * through a gateway, when a pod of that gateway has no RequestAuthentication (in its namespace or
 * the root namespace) to validate the token: the claims are then never available. Missing gateways
 * are left to virtualservice.GatewayAnalyzer. After Istio's virtualservice.JWTClaimRouteAnalyzer.
 */
public final class JWTClaimRouteAnalyzer implements Analyzer {
  /** The header-match prefix that means a JWT claim (Istio's constant.HeaderJWTClaim). */
  static final String JWT_CLAIM_HEADER = "@request.auth.claims";

  @Override
  public String name() {
    return "virtualservice.JWTClaimRouteAnalyzer";
  }

  @Override
  public String description() {
    return "Checks the VirtualService using JWT claim based routing has corresponding RequestAuthentication";
  }

  @Override
  public void analyze(AnalysisContext ctx) {
    List<Resource<RequestAuthentication>> requestAuthns = ctx.all(Kind.REQUEST_AUTHENTICATION, RequestAuthentication.class);
    List<Resource<Pod>> pods = ctx.all(Kind.POD, Pod.class);
    for (Resource<VirtualService> r : ctx.all(Kind.VIRTUAL_SERVICE, VirtualService.class)) {
      String claimKey = jwtClaimKey(r.spec());
      if (claimKey == null) {
        continue;
      }
      for (String gwName : r.spec().gateways()) {
        if (gwName.equals(VirtualService.MESH_GATEWAY)) {
          continue;
        }
        ResourceKey key = Names.shortOrFull(Kind.GATEWAY, r.namespace(), gwName);
        Optional<Resource<?>> gw = ctx.config().get(key);
        if (gw.isEmpty()) {
          continue;
        }
        Map<String, String> selector = gw.get().as(Gateway.class).spec().selector();
        for (Resource<Pod> pod : Selectors.selected(selector, pods)) {
          if (!authenticated(ctx, pod, requestAuthns)) {
            ctx.report(MessageType.JWT_CLAIM_BASED_ROUTING_WITHOUT_REQUEST_AUTHN, r, null, claimKey,
                key.namespace() + "/" + key.name(), pod.name());
          }
        }
      }
    }
  }

  /**
   * A RequestAuthentication of the root namespace or the pod's own selects the pod (no selector selects
   * all). Istio's analyzer names istio-system, the default root namespace, where mesh-wide policies live.
   */
  private static boolean authenticated(AnalysisContext ctx, Resource<Pod> pod, List<Resource<RequestAuthentication>> requestAuthns) {
    for (Resource<RequestAuthentication> ra : requestAuthns) {
      boolean applies = ra.namespace().equals(ctx.mesh().rootNamespace()) || ra.namespace().equals(pod.namespace());
      Map<String, String> selector = ra.spec().selector() == null ? Map.of() : ra.spec().selector().labels();
      if (applies && Selectors.matches(selector, pod.meta().labels())) {
        return true;
      }
    }
    return false;
  }

  /** The first header or withoutHeaders key of an HTTP match that names a JWT claim; null when none does. */
  static String jwtClaimKey(VirtualService vs) {
    for (HttpRoute http : vs.http()) {
      for (HttpRoute.HttpMatchRequest m : http.match()) {
        for (String key : m.headers().keySet()) {
          if (key.startsWith(JWT_CLAIM_HEADER)) {
            return key;
          }
        }
        for (String key : m.withoutHeaders().keySet()) {
          if (key.startsWith(JWT_CLAIM_HEADER)) {
            return key;
          }
        }
      }
    }
    return null;
  }
}
