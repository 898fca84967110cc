package dev.weft.controlplane.xds.translate;

import dev.weft.controlplane.xds.ProxyNode;

/**
 * The translation from the mesh model to the xDS resources of one proxy. A pure function: the same
 * snapshot and proxy always give the same resources (golden-file tested).
 */
@FunctionalInterface
public interface MeshTranslator {
  ProxyResources translate(MeshSnapshot snapshot, ProxyNode proxy);
}
