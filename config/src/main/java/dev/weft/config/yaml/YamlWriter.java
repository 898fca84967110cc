package dev.weft.config.yaml;

import dev.weft.config.yaml.YamlNode.Entry;
import dev.weft.config.yaml.YamlNode.Mapping;
import dev.weft.config.yaml.YamlNode.Scalar;
import dev.weft.config.yaml.YamlNode.Sequence;
import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.StreamDataWriter;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Writes {@link YamlNode} trees back as block-style YAML. Each scalar keeps the type it was read
 * with: a string that would read back as another type ({@code "8080"}, {@code "true"}) is quoted,
 * so what {@link YamlReader} reads from the output is the same tree (lines aside).
 */
public final class YamlWriter {
  private static final DumpSettings SETTINGS = DumpSettings.builder()
      .setSchema(new CoreSchema()) // the schema YamlReader resolves plain scalars with
      .setDefaultFlowStyle(FlowStyle.BLOCK)
      .setIndent(2)
      .setIndicatorIndent(2)
      .setIndentWithIndicator(true)
      .setWidth(Integer.MAX_VALUE) // never fold long strings: what was written is what is read back
      .setSplitLines(false)
      .build();

  private YamlWriter() {}

  /** One document, without a leading {@code ---}. */
  public static String write(YamlNode node) {
    StringBuilder out = new StringBuilder();
    new Dump(SETTINGS).dumpNode(toNode(node), new Sink(out));
    return out.toString();
  }

  /** Several documents separated by {@code ---} lines. */
  public static String writeAll(List<? extends YamlNode> nodes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < nodes.size(); i++) {
      if (i > 0) {
        out.append("---\n");
      }
      out.append(write(nodes.get(i)));
    }
    return out.toString();
  }

  // Recursion depth is bounded by YamlLimits.maxDepth of the tree that was read.
  private static Node toNode(YamlNode node) {
    return switch (node) {
      case Scalar s -> new ScalarNode(tag(s.type()), s.value(), style(s));
      case Sequence seq -> {
        List<Node> items = new ArrayList<>(seq.items().size());
        for (YamlNode item : seq.items()) {
          items.add(toNode(item));
        }
        yield new SequenceNode(Tag.SEQ, items, FlowStyle.BLOCK);
      }
      case Mapping m -> {
        List<NodeTuple> tuples = new ArrayList<>(m.entries().size());
        for (Entry e : m.entries()) {
          tuples.add(new NodeTuple(new ScalarNode(Tag.STR, e.key(), ScalarStyle.PLAIN), toNode(e.value())));
        }
        yield new MappingNode(Tag.MAP, tuples, FlowStyle.BLOCK);
      }
    };
  }

  private static ScalarStyle style(Scalar s) {
    // Multi-line strings (certificates, Lua, JSON in annotations) stay readable as literal blocks;
    // the emitter falls back to quoting when a literal block cannot hold the text exactly.
    return s.type() == YamlNode.ScalarType.STRING && s.value().indexOf('\n') >= 0 ? ScalarStyle.LITERAL : ScalarStyle.PLAIN;
  }

  private static Tag tag(YamlNode.ScalarType type) {
    return switch (type) {
      case STRING -> Tag.STR;
      case INT -> Tag.INT;
      case FLOAT -> Tag.FLOAT;
      case BOOL -> Tag.BOOL;
      case NULL -> Tag.NULL;
    };
  }

  private record Sink(StringBuilder out) implements StreamDataWriter {
    @Override
    public void write(String str) {
      out.append(str);
    }

    @Override
    public void write(String str, int off, int len) {
      out.append(str, off, off + len);
    }
  }
}
