package dev.weft.config.networking.workloadentry;

import dev.weft.config.load.KindHandler;
import dev.weft.config.model.Kind;

/** Registration of WorkloadGroup with the loader. */
public final class WorkloadGroupKind {
  public static final KindHandler<WorkloadGroup> HANDLER =
      KindHandler.istio(Kind.WORKLOAD_GROUP, WorkloadGroup.class, WorkloadEntryParser::workloadGroup, new WorkloadGroupValidator());

  private WorkloadGroupKind() {}
}
