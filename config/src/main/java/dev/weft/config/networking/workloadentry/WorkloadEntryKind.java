package dev.weft.config.networking.workloadentry;

import dev.weft.config.load.KindHandler;
import dev.weft.config.model.Kind;

/** Registration of WorkloadEntry with the loader. */
public final class WorkloadEntryKind {
  public static final KindHandler<WorkloadEntry> HANDLER =
      KindHandler.istio(Kind.WORKLOAD_ENTRY, WorkloadEntry.class, WorkloadEntryParser::workloadEntry, new WorkloadEntryValidator());

  private WorkloadEntryKind() {}
}
