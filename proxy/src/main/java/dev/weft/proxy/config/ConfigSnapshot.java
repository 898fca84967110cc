package dev.weft.proxy.config;

import java.util.Map;

/**
 * Everything the data plane serves, swapped as one value. Only warmed resources are in it: a
 * listener whose routes or clusters have not arrived yet is not here (its previous version stays
 * until they do), and neither is an EDS cluster without its endpoints.
 *
 * @param listeners by listener name
 * @param clusters  by cluster name
 * @param complete  every listener and cluster the control plane sent is warm (what /ready reports
 *                  once it has been true)
 */
public record ConfigSnapshot(Map<String, WarmListener> listeners, Map<String, ActiveCluster> clusters,
        boolean complete) {

    public static final ConfigSnapshot EMPTY = new ConfigSnapshot(Map.of(), Map.of(), false);

    public ConfigSnapshot {
        listeners = Map.copyOf(listeners);
        clusters = Map.copyOf(clusters);
    }
}
