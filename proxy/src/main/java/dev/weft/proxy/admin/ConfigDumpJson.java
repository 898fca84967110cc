package dev.weft.proxy.admin;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.weft.envoy.EnvoyJson;
import dev.weft.proxy.xds.XdsDump;
import java.util.Map;

/**
 * /config_dump: the last accepted resources of each type as JSON (protobuf's JSON mapping, nested
 * typed configs expanded where their types are known):
 * {@code {"configs": [{"type": "CDS", "type_url": ..., "version_info": ..., "resources": [...], "last_error": ...}]}}.
 */
final class ConfigDumpJson {

    /** Envoy's own config_dump names fields as the .proto does (snake_case). */
    private static final JsonFormat.Printer PRINTER = EnvoyJson.printer().preservingProtoFieldNames();

    private ConfigDumpJson() {
    }

    static String print(XdsDump dump) {
        StringBuilder json = new StringBuilder("{\n \"configs\": [");
        boolean firstType = true;
        for (Map.Entry<String, XdsDump.TypeDump> entry : dump.types().entrySet()) {
            XdsDump.TypeDump type = entry.getValue();
            json.append(firstType ? "\n" : ",\n");
            firstType = false;
            json.append("  {\"type\": ").append(EnvoyJson.quote(entry.getKey()))
                    .append(", \"type_url\": ").append(EnvoyJson.quote(type.typeUrl()))
                    .append(", \"version_info\": ").append(EnvoyJson.quote(type.version()))
                    .append(", \"last_error\": ").append(EnvoyJson.quote(type.lastError()))
                    .append(", \"resources\": [");
            boolean first = true;
            for (Any resource : type.resources().values()) {
                json.append(first ? "\n" : ",\n");
                first = false;
                json.append(resourceJson(resource));
            }
            json.append("]}");
        }
        return json.append("\n ]\n}\n").toString();
    }

    private static String resourceJson(Any resource) {
        try {
            return PRINTER.print(resource);
        } catch (InvalidProtocolBufferException e) {
            // A nested type we do not know: print it without expanding the Any.
            return "{\"@type\": " + EnvoyJson.quote(resource.getTypeUrl()) + ", \"error\": " + EnvoyJson.quote(e.getMessage()) + "}";
        }
    }
}
