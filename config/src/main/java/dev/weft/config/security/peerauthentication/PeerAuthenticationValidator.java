package dev.weft.config.security.peerauthentication;

import dev.weft.config.model.Resource;
import dev.weft.config.read.FieldPaths;
import dev.weft.config.security.PolicyScope;
import dev.weft.config.validate.SpecValidator;
import dev.weft.config.validate.Validation;
import java.util.Map;

/** Istio's ValidatePeerAuthentication. */
public final class PeerAuthenticationValidator implements SpecValidator<PeerAuthentication> {

  @Override
  public void validate(Resource<PeerAuthentication> r, Validation v) {
    PeerAuthentication pa = r.spec();
    PolicyScope.noDryRun(v, r.meta());
    boolean emptySelector = pa.selector() == null || pa.selector().labels().isEmpty();
    if (emptySelector && !pa.portLevelMtls().isEmpty()) {
      v.error("spec.portLevelMtls", "mesh/namespace peer authentication cannot have port level mTLS");
    }
    for (Map.Entry<Long, PeerAuthentication.Mtls> e : pa.portLevelMtls().entrySet()) {
      if (e.getKey() <= 0 || e.getKey() > 65535) {
        v.error(FieldPaths.child("spec.portLevelMtls", String.valueOf(e.getKey())), "port must be in range 1..65535, got " + e.getKey());
      }
    }
    PolicyScope.selector(v, "spec.selector", pa.selector());
  }
}
