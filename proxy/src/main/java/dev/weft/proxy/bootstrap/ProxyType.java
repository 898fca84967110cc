package dev.weft.proxy.bootstrap;

/** The role a proxy plays; Istio writes it as the first part of the node id. */
public enum ProxyType {
    SIDECAR("sidecar"),
    ROUTER("router");

    private final String istioName;

    ProxyType(String istioName) {
        this.istioName = istioName;
    }

    public String istioName() {
        return istioName;
    }

    /** "sidecar" or "router" (case-insensitive), else null. */
    public static ProxyType parse(String text) {
        for (ProxyType type : values()) {
            if (type.istioName.equalsIgnoreCase(text)) {
                return type;
            }
        }
        return null;
    }
}
