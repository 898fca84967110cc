package dev.weft.controlplane.store;

/**
 * Watches the store. Called once with the current state when it subscribes, then after every
 * committed write, in revision order, on the writing thread: keep it short (hand work to another
 * thread). An exception it throws is logged and does not affect the write.
 */
@FunctionalInterface
public interface ConfigListener {
  void onChange(ConfigEvent event);
}
