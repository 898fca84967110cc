package dev.weft.proxy.bootstrap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads a bootstrap file, JSON or YAML (JSON is YAML), shaped like the part of Envoy's bootstrap a
 * Weft proxy uses:
 *
 * <pre>
 * node:
 *   id: sidecar~127.0.0.1~reviews-1.default~default.svc.cluster.local
 *   cluster: reviews.default
 *   type: sidecar            # or router
 *   metadata:
 *     NAMESPACE: default
 *     SERVICE_ACCOUNT: bookinfo-reviews
 *     LABELS: {app: reviews, version: v1}
 *     INTERCEPTION_MODE: NONE  # any other string key is sent to the control plane as is
 * xds:
 *   address: 127.0.0.1:15010
 *   api_type: GRPC           # or DELTA_GRPC (incremental ADS), as Envoy's ads_config.api_type
 *   reconnect: {initial: 500ms, max: 30s}
 * admin:
 *   address: 127.0.0.1:15000
 * </pre>
 *
 * Unknown fields are errors (a typo must not silently fall back to a default).
 */
public final class BootstrapReader {

    private static final long MAX_BYTES = 1 << 20;

    private BootstrapReader() {
    }

    public static Bootstrap read(Path file) throws BootstrapException {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new BootstrapException(file + ": larger than 1 MiB");
            }
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BootstrapException(file + ": cannot read: " + e.getMessage());
        }
    }

    public static Bootstrap parse(String origin, String text) throws BootstrapException {
        // SnakeYAML alone (no Jackson tree on top): the bootstrap is a handful of scalars, and each
        // library left out is hundreds of classes less to load and initialise at every proxy start.
        Object yaml;
        try {
            yaml = new Load(LoadSettings.builder().setMaxAliasesForCollections(10).build()).loadFromString(text);
        } catch (YamlEngineException | IllegalArgumentException e) {
            throw new BootstrapException(origin + ": not valid YAML/JSON: " + e.getMessage());
        }
        if (!(yaml instanceof Map<?, ?> root)) {
            throw new BootstrapException(origin + ": expected a mapping at the top");
        }
        Fields top;
        try {
            top = new Fields(origin, "", root, Set.of("node", "xds", "admin"));
        } catch (IllegalStateException unknown) {
            throw new BootstrapException(unknown.getMessage());
        }
        Fields node = top.object("node", Set.of("id", "cluster", "type", "metadata"));
        Fields metadata = node.object("metadata", null);
        Fields xds = top.object("xds", Set.of("address", "api_type", "reconnect"));
        Fields reconnect = xds.object("reconnect", Set.of("initial", "max"));
        Fields admin = top.object("admin", Set.of("address"));

        String id = node.string("id");
        if (id == null || id.isBlank()) {
            throw new BootstrapException(origin + ": node.id: required");
        }
        ProxyType type = ProxyType.SIDECAR;
        String typeText = node.string("type");
        if (typeText == null) {
            String first = id.split("~", -1)[0];
            type = ProxyType.parse(first) != null ? ProxyType.parse(first) : ProxyType.SIDECAR;
        } else if ((type = ProxyType.parse(typeText)) == null) {
            throw new BootstrapException(origin + ": node.type: must be sidecar or router, not '" + typeText + "'");
        }
        String apiText = xds.string("api_type");
        XdsApi api = apiText == null ? XdsApi.GRPC : XdsApi.parse(apiText);
        if (api == null) {
            throw new BootstrapException(origin + ": xds.api_type: must be GRPC or DELTA_GRPC, not '" + apiText + "'");
        }
        HostPort xdsAddress = HostPort.parse(xds.string("address"), "127.0.0.1", Bootstrap.DEFAULT_XDS_PORT,
                origin + ": xds.address");
        HostPort adminAddress = HostPort.parse(admin.string("address"), "127.0.0.1",
                Bootstrap.DEFAULT_ADMIN_PORT, origin + ": admin.address");
        return new Bootstrap(id, node.string("cluster"), type, metadata.string("NAMESPACE"),
                metadata.string("SERVICE_ACCOUNT"), metadata.stringMap("LABELS"), xdsAddress.host(),
                xdsAddress.port(), adminAddress.host(), adminAddress.port(),
                reconnect.duration("initial"), reconnect.duration("max"), metadata.otherStrings(
                        Set.of("NAMESPACE", "SERVICE_ACCOUNT", "LABELS", "PROXY_TYPE")), api);
    }

    /**
     * The fields of one mapping as SnakeYAML gives it (a Map of scalars, lists and maps), checked
     * against the allowed names. Scalars read as text: {@code port: 15000} and {@code "15000"} alike.
     */
    private record Fields(String origin, String path, Map<?, ?> node, Set<String> allowed) {

        Fields {
            if (allowed != null) {
                for (Object name : node.keySet()) {
                    if (!allowed.contains(String.valueOf(name))) {
                        throw new IllegalStateException(origin + ": " + path + name + ": unknown field");
                    }
                }
            }
        }

        Fields object(String name, Set<String> fields) throws BootstrapException {
            Object child = node.get(name);
            if (child == null) {
                child = Map.of();
            }
            if (!(child instanceof Map<?, ?> map)) {
                throw new BootstrapException(origin + ": " + path + name + ": expected a mapping");
            }
            try {
                return new Fields(origin, path + name + ".", map, fields);
            } catch (IllegalStateException unknown) {
                throw new BootstrapException(unknown.getMessage());
            }
        }

        String string(String name) throws BootstrapException {
            Object child = node.get(name);
            if (child == null) {
                return null;
            }
            if (!isScalar(child)) {
                throw new BootstrapException(origin + ": " + path + name + ": expected a string");
            }
            return String.valueOf(child);
        }

        /** Every scalar field but {@code except}, as strings (nested values are errors). */
        Map<String, String> otherStrings(Set<String> except) throws BootstrapException {
            Map<String, String> result = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : node.entrySet()) {
                String key = String.valueOf(entry.getKey());
                if (except.contains(key) || entry.getValue() == null) {
                    continue;
                }
                if (!isScalar(entry.getValue())) {
                    throw new BootstrapException(origin + ": " + path + key + ": expected a string");
                }
                result.put(key, String.valueOf(entry.getValue()));
            }
            return result;
        }

        Map<String, String> stringMap(String name) throws BootstrapException {
            Object child = node.get(name);
            Map<String, String> result = new LinkedHashMap<>();
            if (child == null) {
                return result;
            }
            if (!(child instanceof Map<?, ?> map)) {
                throw new BootstrapException(origin + ": " + path + name + ": expected a mapping");
            }
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (entry.getValue() == null) {
                    continue;
                }
                if (!isScalar(entry.getValue())) {
                    throw new BootstrapException(origin + ": " + path + name + "." + entry.getKey()
                            + ": expected a string");
                }
                result.put(String.valueOf(entry.getKey()), String.valueOf(entry.getValue()));
            }
            return result;
        }

        Duration duration(String name) throws BootstrapException {
            String text = string(name);
            if (text == null) {
                return null;
            }
            try {
                return Durations.parse(text);
            } catch (DateTimeParseException | IllegalArgumentException e) {
                throw new BootstrapException(origin + ": " + path + name + ": not a duration like 500ms or 2s: '"
                        + text + "'");
            }
        }

        private static boolean isScalar(Object value) {
            return !(value instanceof Map<?, ?> || value instanceof Iterable<?> || value instanceof Object[]);
        }
    }
}
