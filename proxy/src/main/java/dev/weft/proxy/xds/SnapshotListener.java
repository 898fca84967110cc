package dev.weft.proxy.xds;

import dev.weft.proxy.config.ConfigSnapshot;

/** Receives each new configuration snapshot, on the xDS client's thread, in order. */
@FunctionalInterface
public interface SnapshotListener {
    void onSnapshot(ConfigSnapshot snapshot);
}
