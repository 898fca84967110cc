package dev.weft.controlplane.store;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.diag.Level;
import java.util.List;

/**
 * The outcome of a write. A refused write ({@link #accepted()} false) changed nothing: its
 * diagnostics say why. An accepted write may still carry warnings.
 *
 * @param revision the store's revision after the write
 * @param ignored documents of kinds Weft does not manage, skipped
 */
public record WriteResult(long revision, List<ResourceChange> changes, List<Diagnostic> diagnostics, int ignored) {
  public WriteResult {
    changes = List.copyOf(changes);
    diagnostics = List.copyOf(diagnostics);
  }

  static WriteResult refused(long revision, List<Diagnostic> diagnostics) {
    return new WriteResult(revision, List.of(), diagnostics, 0);
  }

  public boolean accepted() {
    return diagnostics.stream().noneMatch(d -> d.level() == Level.ERROR);
  }
}
