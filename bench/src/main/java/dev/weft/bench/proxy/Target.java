package dev.weft.bench.proxy;

import java.util.List;

/** What the load generators are pointed at in one row: an address, and the processes whose cost is the row's. */
interface Target extends AutoCloseable {
  String name();

  /** The port on 127.0.0.1 that clients connect to. */
  int port();

  /** The proxy processes of the row (empty for direct: the backend's cost is in no row). */
  List<Long> proxyPids();

  @Override
  void close();
}
