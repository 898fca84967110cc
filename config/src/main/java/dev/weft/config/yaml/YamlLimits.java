package dev.weft.config.yaml;

/**
 * Bounds on what one input may cost. Config arrives from files, stdin and the network; none of them
 * may make the reader spend unbounded memory or time.
 *
 * @param maxBytes largest input accepted (Kubernetes refuses requests over 3 MiB; we allow a bit more)
 * @param maxDepth deepest nesting of mappings/sequences in one document
 * @param maxNodes most nodes one document may expand to once aliases are followed (alias bombs)
 * @param maxAliases most alias uses in one document
 * @param maxDocuments most documents in one input
 */
public record YamlLimits(int maxBytes, int maxDepth, long maxNodes, int maxAliases, int maxDocuments) {

  public static final YamlLimits DEFAULT = new YamlLimits(4 * 1024 * 1024, 64, 1_000_000, 1_000, 100_000);
}
