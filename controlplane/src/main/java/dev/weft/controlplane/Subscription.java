package dev.weft.controlplane;

/** A registered listener; closing it stops the deliveries. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
