package dev.weft.controlplane.xds;

/** Where the control plane reports configuration changes; the xDS server is one. */
@FunctionalInterface
public interface ConfigChangeSink {
    void configChanged(ConfigChange change);
}
