package dev.weft.config.yaml;

import java.util.List;

/**
 * One document of a (possibly multi-document) YAML input; {@code root} is null for an empty one.
 * {@code problems} are errors that did not stop the reading (duplicate keys).
 */
public record YamlDocument(YamlNode root, int line, int index, List<Problem> problems) {

  public YamlDocument {
    problems = List.copyOf(problems);
  }

  public record Problem(int line, String message) {}
}
