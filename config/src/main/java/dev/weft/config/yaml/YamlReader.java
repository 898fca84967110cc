package dev.weft.config.yaml;

import dev.weft.config.yaml.YamlNode.Entry;
import dev.weft.config.yaml.YamlNode.Mapping;
import dev.weft.config.yaml.YamlNode.Scalar;
import dev.weft.config.yaml.YamlNode.ScalarType;
import dev.weft.config.yaml.YamlNode.Sequence;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.CoreScalarResolver;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;

/**
 * Reads YAML text into {@link YamlNode} trees, one per document.
 *
 * <p>snakeyaml-engine does the tokenising and parsing; this class composes the event stream into
 * nodes itself, without recursion, so that it can enforce {@link YamlLimits} (nesting depth, alias
 * count, expanded size: a "billion laughs" document is refused before anything walks it) and
 * refuse duplicate keys with both lines named.
 */
public final class YamlReader {

  private static final ScalarResolver RESOLVER = new CoreScalarResolver(false);

  private final YamlLimits limits;
  private final LoadSettings settings;

  public YamlReader(YamlLimits limits) {
    this.limits = limits;
    this.settings =
        LoadSettings.builder()
            .setCodePointLimit(limits.maxBytes())
            .setMaxAliasesForCollections(limits.maxAliases())
            .setAllowDuplicateKeys(true) // we report duplicates ourselves, with lines
            .build();
  }

  public YamlReader() {
    this(YamlLimits.DEFAULT);
  }

  public YamlLimits limits() {
    return limits;
  }

  /** Reads every document of {@code text}; fails on the first syntax error with its line. */
  public List<YamlDocument> read(String text) throws YamlSyntaxException {
    if (text.length() > limits.maxBytes()) {
      throw new YamlSyntaxException(0, "input is larger than the " + sizeText(limits.maxBytes()) + " limit");
    }
    Composer composer = new Composer();
    try {
      for (Event event : new Parse(settings).parseString(text)) {
        composer.accept(event);
      }
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
      throw new YamlSyntaxException(line, "invalid YAML: " + describe(e));
    } catch (YamlEngineException e) {
      throw new YamlSyntaxException(0, "invalid YAML: " + firstLine(e.getMessage()));
    }
    return composer.documents;
  }

  static String sizeText(long bytes) {
    return bytes % (1024 * 1024) == 0 ? (bytes / (1024 * 1024)) + " MiB" : bytes + " bytes";
  }

  private static String describe(MarkedYamlEngineException e) {
    String problem = e.getProblem() == null ? "" : e.getProblem();
    String context = e.getContext() == null ? "" : e.getContext();
    String text = context.isEmpty() ? problem : context + ", " + problem;
    return firstLine(text.isEmpty() ? String.valueOf(e.getMessage()) : text);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable input";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static int lineOf(Event e) {
    return e.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(0);
  }

  /** Builds nodes from events with an explicit stack. */
  private final class Composer {
    final List<YamlDocument> documents = new ArrayList<>();
    private final Deque<Frame> stack = new ArrayDeque<>();
    private final Map<String, YamlNode> anchors = new HashMap<>();
    private final Map<YamlNode, Long> sizes = new IdentityHashMap<>();
    private YamlNode root;
    private int docLine;
    private long nodes;
    private int aliases;
    private List<YamlDocument.Problem> problems = new ArrayList<>();

    void accept(Event event) throws YamlSyntaxException {
      switch (event.getEventId()) {
        case DocumentStart -> {
          if (documents.size() >= limits.maxDocuments()) {
            throw new YamlSyntaxException(lineOf(event), "more than " + limits.maxDocuments() + " documents in one input");
          }
          anchors.clear();
          sizes.clear();
          root = null;
          nodes = 0;
          aliases = 0;
          problems = new ArrayList<>();
          docLine = lineOf(event);
        }
        case DocumentEnd -> {
          // An empty document ("---" alone) composes to a null scalar: keep it as "no root".
          YamlNode r = root instanceof Scalar s && s.type() == ScalarType.NULL ? null : root;
          documents.add(new YamlDocument(r, docLine, documents.size(), problems));
        }
        case Scalar -> {
          ScalarEvent s = (ScalarEvent) event;
          deliver(new Scalar(s.getValue(), scalarType(s), lineOf(event)), 1, anchorOf(s), lineOf(event));
        }
        case Alias -> {
          AliasEvent a = (AliasEvent) event;
          String name = a.getAlias().getValue();
          YamlNode target = anchors.get(name);
          if (target == null) {
            throw new YamlSyntaxException(lineOf(event), "alias *" + name + " names no anchor before it");
          }
          if (++aliases > limits.maxAliases()) {
            throw new YamlSyntaxException(lineOf(event), "more than " + limits.maxAliases() + " aliases in one document");
          }
          deliver(target, sizes.getOrDefault(target, 1L), null, lineOf(event));
        }
        case MappingStart, SequenceStart -> {
          if (stack.size() >= limits.maxDepth()) {
            throw new YamlSyntaxException(lineOf(event), "nested deeper than " + limits.maxDepth() + " levels");
          }
          stack.push(new Frame(event.getEventId() == Event.ID.MappingStart, lineOf(event), anchorOf((NodeEvent) event)));
        }
        case MappingEnd, SequenceEnd -> {
          Frame f = stack.pop();
          YamlNode node = f.mapping ? new Mapping(f.entries, f.line) : new Sequence(f.items, f.line);
          deliver(node, f.size + 1, f.anchor, f.line);
        }
        default -> {
          // stream start/end and comments carry nothing we keep
        }
      }
    }

    private void deliver(YamlNode node, long size, String anchor, int line) throws YamlSyntaxException {
      nodes += size;
      if (nodes > limits.maxNodes()) {
        throw new YamlSyntaxException(line, "document expands to more than " + limits.maxNodes()
            + " nodes once aliases are followed (an alias bomb?)");
      }
      if (anchor != null) {
        anchors.put(anchor, node);
        sizes.put(node, size);
      }
      Frame top = stack.peek();
      if (top == null) {
        root = node;
        return;
      }
      top.size += size;
      if (!top.mapping) {
        top.items.add(node);
      } else if (top.pendingKey == null) {
        if (!(node instanceof Scalar key)) {
          throw new YamlSyntaxException(line, "a mapping key must be a plain string, not a " + node.typeName());
        }
        Integer first = top.keyLines.putIfAbsent(key.value(), key.line());
        if (first != null) {
          // Reported, and the later value dropped: the rest of the document is still checked.
          problems.add(new YamlDocument.Problem(key.line(), "duplicate key \"" + key.value() + "\" (first at line " + first + ")"));
          top.skipNext = true;
        }
        top.pendingKey = key;
      } else {
        if (!top.skipNext) {
          top.entries.add(new Entry(top.pendingKey.value(), top.pendingKey.line(), node));
        }
        top.skipNext = false;
        top.pendingKey = null;
      }
    }

    private static String anchorOf(NodeEvent e) {
      return e.getAnchor().map(a -> a.getValue()).orElse(null);
    }

    private static ScalarType scalarType(ScalarEvent s) {
      Optional<String> explicit = s.getTag().filter(t -> !t.equals("!"));
      Tag tag;
      if (explicit.isPresent()) {
        tag = new Tag(explicit.get());
      } else if (s.isPlain()) {
        if (obviouslyString(s.getValue())) {
          return ScalarType.STRING;
        }
        tag = RESOLVER.resolve(s.getValue(), true);
      } else {
        tag = Tag.STR;
      }
      if (tag.equals(Tag.INT)) {
        return ScalarType.INT;
      } else if (tag.equals(Tag.FLOAT)) {
        return ScalarType.FLOAT;
      } else if (tag.equals(Tag.BOOL)) {
        return ScalarType.BOOL;
      } else if (tag.equals(Tag.NULL)) {
        return ScalarType.NULL;
      }
      return ScalarType.STRING;
    }
  }

  /**
   * A plain scalar that the core schema cannot resolve to null, bool, int or float: those all start
   * with a digit, a sign, '.', '~' or one of n/N/t/T/f/F (null, true, false). Saves the resolver's
   * regular expressions for most of the scalars of a config file.
   */
  static boolean obviouslyString(String v) {
    if (v.isEmpty()) {
      return false;
    }
    char c = v.charAt(0);
    return switch (c) {
      case 'n', 'N', 't', 'T', 'f', 'F', '~', '.', '-', '+' -> false;
      default -> !(c >= '0' && c <= '9');
    };
  }

  private static final class Frame {
    final boolean mapping;
    final int line;
    final String anchor;
    final List<Entry> entries = new ArrayList<>();
    final List<YamlNode> items = new ArrayList<>();
    final Map<String, Integer> keyLines = new HashMap<>();
    Scalar pendingKey;
    boolean skipNext;
    long size;

    Frame(boolean mapping, int line, String anchor) {
      this.mapping = mapping;
      this.line = line;
      this.anchor = anchor;
    }
  }
}
