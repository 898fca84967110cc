package dev.weft.controlplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.config.model.Kind;
import dev.weft.config.model.ResourceKey;
import dev.weft.config.yaml.YamlNode;
import dev.weft.config.yaml.YamlWriter;
import dev.weft.controlplane.api.ApiTypes.WriteRequest;
import dev.weft.controlplane.api.ApiTypes.WriteResponse;
import dev.weft.controlplane.store.ConfigInput;
import dev.weft.controlplane.store.ConfigStore;
import dev.weft.controlplane.store.StoredResource;
import dev.weft.controlplane.store.WriteResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;


/** The config endpoints: apply, delete and read resources of the {@link ConfigStore}. */
final class ConfigEndpoints {
  private final ConfigStore store;

  ConfigEndpoints(ConfigStore store) {
    this.store = store;
  }


  /** POST /api/v1/apply and /api/v1/delete. */
  Reply write(ApiRequest req, boolean delete) throws IOException {
    Map<String, String> query = req.query();
    String namespace = query.getOrDefault("namespace", "default");
    if (delete && query.containsKey("kind")) {
      ResourceKey key = keyFromQuery(query);
      return writeReply(store.delete(List.of(key)));
    }
    String body = req.body();
    List<ConfigInput> inputs;
    if (req.isJson()) {
      WriteRequest write = ApiRequest.json(body, WriteRequest.class);
      if (write.inputs() == null || write.inputs().isEmpty()) {
        throw new ApiException(400, "inputs: at least one input is required");
      }
      inputs = new ArrayList<>();
      for (int i = 0; i < write.inputs().size(); i++) {
        ApiTypes.Input in = write.inputs().get(i);
        if (in == null || in.text() == null) {
          throw new ApiException(400, "inputs[" + i + "].text: required");
        }
        inputs.add(new ConfigInput(in.name() == null || in.name().isEmpty() ? "input-" + (i + 1) : in.name(), in.text()));
      }
      if (write.namespace() != null && !write.namespace().isEmpty()) {
        namespace = write.namespace();
      }
    } else {
      inputs = List.of(new ConfigInput(query.getOrDefault("name", "request"), body));
    }
    return writeReply(delete ? store.delete(inputs, namespace) : store.apply(inputs, namespace));
  }

  private static Reply writeReply(WriteResult r) {
    return Reply.json(r.accepted() ? 200 : 422, WriteResponse.of(r));
  }

  private ResourceKey keyFromQuery(Map<String, String> query) {
    Kind kind = kind(query.get("kind"));
    String name = query.get("name");
    if (name == null || name.isEmpty()) {
      throw new ApiException(400, "name: required to delete by kind");
    }
    return new ResourceKey(kind, kind.namespaced() ? query.getOrDefault("namespace", "default") : "", name);
  }

  private static Kind kind(String name) {
    return Kind.byUserName(name == null ? "" : name).orElseThrow(() -> new ApiException(400, "unknown kind \"" + name + "\"; one of: "
        + String.join(", ", Arrays.stream(Kind.values()).map(Kind::kindName).toList())));
  }

  /** GET /api/v1/resources. */
  Reply resources(ApiRequest req) throws IOException {
    Map<String, String> query = req.query();
    Kind kind = query.containsKey("kind") && !query.get("kind").isEmpty() ? kind(query.get("kind")) : null;
    String namespace = query.get("namespace");
    String name = query.get("name");
    String output = query.getOrDefault("output", req.acceptsJson() ? "json" : "yaml");
    if (!output.equals("json") && !output.equals("yaml")) {
      throw new ApiException(400, "output: \"" + output + "\" is not one of yaml, json");
    }
    List<StoredResource> found;
    if (name != null && !name.isEmpty()) {
      if (kind == null) {
        throw new ApiException(400, "kind: required with a name");
      }
      ResourceKey key = new ResourceKey(kind, kind.namespaced() ? (namespace == null ? "default" : namespace) : "", name);
      StoredResource r = store.get(key).orElseThrow(() -> new ApiException(404, key + " not found"));
      YamlNode.Mapping doc = r.versionedDocument();
      return output.equals("json") ? Reply.json(200, YamlJson.toJson(doc))
          : new Reply(200, "application/yaml", YamlWriter.write(doc).getBytes(StandardCharsets.UTF_8));
    }
    found = store.list(kind, namespace == null || namespace.isEmpty() ? null : namespace);
    if (output.equals("json")) {
      ObjectNode list = ApiRequest.JSON.createObjectNode();
      list.put("apiVersion", "v1");
      list.put("kind", "List");
      ArrayNode items = list.putArray("items");
      for (StoredResource r : found) {
        items.add(YamlJson.toJson(r.versionedDocument()));
      }
      list.putObject("metadata").put("resourceVersion", Long.toString(store.revision()));
      return Reply.json(200, list);
    }
    List<YamlNode> items = new ArrayList<>();
    for (StoredResource r : found) {
      items.add(r.versionedDocument());
    }
    YamlNode.Mapping list = new YamlNode.Mapping(List.of(
        new YamlNode.Entry("apiVersion", 0, new YamlNode.Scalar("v1", YamlNode.ScalarType.STRING, 0)),
        new YamlNode.Entry("kind", 0, new YamlNode.Scalar("List", YamlNode.ScalarType.STRING, 0)),
        new YamlNode.Entry("items", 0, new YamlNode.Sequence(items, 0))), 0);
    return new Reply(200, "application/yaml", YamlWriter.write(list).getBytes(StandardCharsets.UTF_8));
  }
}
