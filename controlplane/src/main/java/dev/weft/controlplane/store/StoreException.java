package dev.weft.controlplane.store;

/**
 * The store could not make a write durable. If the failure came after the commit point the store
 * refuses further writes until restarted (the restart finishes the write from its journal).
 */
public final class StoreException extends RuntimeException {
  private final boolean committed;

  public StoreException(String message, Throwable cause, boolean committed) {
    super(message, cause);
    this.committed = committed;
  }

  /** True when the write reached its journal: it will be completed at the next start. */
  public boolean committed() {
    return committed;
  }
}
