package dev.weft.proxy.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
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
    private static final ObjectMapper JSON = new ObjectMapper();

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
        JsonNode root;
        try {
            Object yaml = new Load(LoadSettings.builder().setMaxAliasesForCollections(10).build())
                    .loadFromString(text);
            root = JSON.valueToTree(yaml);
        } catch (YamlEngineException | IllegalArgumentException e) {
            throw new BootstrapException(origin + ": not valid YAML/JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BootstrapException(origin + ": expected a mapping at the top");
        }
        Fields top = new Fields(origin, "", root, Set.of("node", "xds", "admin"));
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

    /** The fields of one mapping, checked against the allowed names. */
    private record Fields(String origin, String path, JsonNode node, Set<String> allowed) {

        Fields {
            if (allowed != null) {
                for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    if (!allowed.contains(name)) {
                        throw new IllegalStateException(origin + ": " + path + name + ": unknown field");
                    }
                }
            }
        }

        Fields object(String name, Set<String> fields) throws BootstrapException {
            JsonNode child = node.get(name);
            if (child == null || child.isNull()) {
                child = JSON.createObjectNode();
            }
            if (!child.isObject()) {
                throw new BootstrapException(origin + ": " + path + name + ": expected a mapping");
            }
            try {
                return new Fields(origin, path + name + ".", child, fields);
            } catch (IllegalStateException unknown) {
                throw new BootstrapException(unknown.getMessage());
            }
        }

        String string(String name) throws BootstrapException {
            JsonNode child = node.get(name);
            if (child == null || child.isNull()) {
                return null;
            }
            if (!child.isValueNode()) {
                throw new BootstrapException(origin + ": " + path + name + ": expected a string");
            }
            return child.asText();
        }

        /** Every scalar field but {@code except}, as strings (nested values are errors). */
        Map<String, String> otherStrings(Set<String> except) throws BootstrapException {
            Map<String, String> result = new LinkedHashMap<>();
            for (var entries = node.fields(); entries.hasNext(); ) {
                var entry = entries.next();
                if (except.contains(entry.getKey())) {
                    continue;
                }
                if (!entry.getValue().isValueNode()) {
                    throw new BootstrapException(origin + ": " + path + entry.getKey() + ": expected a string");
                }
                result.put(entry.getKey(), entry.getValue().asText());
            }
            return result;
        }

        Map<String, String> stringMap(String name) throws BootstrapException {
            JsonNode child = node.get(name);
            Map<String, String> result = new LinkedHashMap<>();
            if (child == null || child.isNull()) {
                return result;
            }
            if (!child.isObject()) {
                throw new BootstrapException(origin + ": " + path + name + ": expected a mapping");
            }
            for (var entries = child.fields(); entries.hasNext(); ) {
                var entry = entries.next();
                if (!entry.getValue().isValueNode()) {
                    throw new BootstrapException(origin + ": " + path + name + "." + entry.getKey()
                            + ": expected a string");
                }
                result.put(entry.getKey(), entry.getValue().asText());
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
    }
}
