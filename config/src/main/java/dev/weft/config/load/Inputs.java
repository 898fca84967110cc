package dev.weft.config.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Reads config inputs (files, directories, stdin) as text, bounded in size. */
public final class Inputs {
  private Inputs() {}

  /** One input's text, or the reason it could not be read. */
  public record Text(String name, String text, String error) {}

  /** The YAML/JSON files under a directory, in name order; a file stands for itself. */
  public static List<Path> expand(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return List.of(path);
    }
    List<Path> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(path)) {
      walk.filter(Files::isRegularFile).filter(Inputs::isConfigFile).sorted().forEach(out::add);
    }
    return out;
  }

  static boolean isConfigFile(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }

  public static Text readFile(Path file, String name, int maxBytes) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, name, maxBytes);
    } catch (java.nio.file.NoSuchFileException e) {
      return new Text(name, null, "no such file");
    } catch (java.nio.file.AccessDeniedException e) {
      return new Text(name, null, "permission denied");
    } catch (IOException e) {
      return new Text(name, null, "cannot read: " + e.getMessage());
    }
  }

  /** Reads at most maxBytes (+1 to notice more), strict UTF-8. */
  public static Text read(InputStream in, String name, int maxBytes) throws IOException {
    byte[] bytes = in.readNBytes(maxBytes + 1);
    if (bytes.length > maxBytes) {
      return new Text(name, null, "input is larger than the " + (maxBytes / (1024 * 1024)) + " MiB limit");
    }
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
      return new Text(name, text, null);
    } catch (CharacterCodingException e) {
      return new Text(name, null, "input is not UTF-8 text");
    }
  }
}
