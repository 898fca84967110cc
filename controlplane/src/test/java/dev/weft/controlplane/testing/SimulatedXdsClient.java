package dev.weft.controlplane.testing;

import dev.weft.controlplane.xds.ResourceType;

/** A simulated sidecar's xDS client, state of the world ({@link SimulatedProxy}) or delta ({@link SimulatedDeltaProxy}). */
public interface SimulatedXdsClient extends AutoCloseable {

  String id();

  /** Opens the stream. */
  void start();

  /** The version of the last response of a type it ACKed ("" if none). */
  String ackedVersion(ResourceType type);

  /** System.nanoTime() of the last ACK of a type (0 if none). */
  long lastAckNanos(ResourceType type);

  /** Every subscribed type has had a response to its latest request, and it was ACKed. */
  boolean synced();

  @Override
  void close();
}
