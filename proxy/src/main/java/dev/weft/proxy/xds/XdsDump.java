package dev.weft.proxy.xds;

import com.google.protobuf.Any;
import java.util.Map;

/**
 * The last accepted xDS resources, by type short name (CDS, EDS, LDS, RDS): what /config_dump prints.
 *
 * @param types per type: type URL, accepted version, resources by name, last NACK text ("" if none)
 */
public record XdsDump(Map<String, TypeDump> types) {

    public static final XdsDump EMPTY = new XdsDump(Map.of());

    public XdsDump {
        types = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(types));
    }

    public record TypeDump(String typeUrl, String version, Map<String, Any> resources, String lastError) {
        public TypeDump {
            resources = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(resources));
        }
    }
}
