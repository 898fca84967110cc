package dev.weft.config.read;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.diag.Diagnostics;
import dev.weft.config.diag.Level;

/**
 * What every reader of one document shares: where messages go, which resource they name, and the
 * source map being filled in.
 */
public final class ReadContext {
  private final String file;
  private final Diagnostics diagnostics;
  private final SourceMap.Builder sourceMap;
  private String resource = "";

  public ReadContext(String file, int documentLine, Diagnostics diagnostics) {
    this.file = file;
    this.diagnostics = diagnostics;
    this.sourceMap = new SourceMap.Builder(documentLine);
  }

  public String file() {
    return file;
  }

  /** Sets the "Kind namespace/name" that later messages name, once metadata has been read. */
  public void resource(String resource) {
    this.resource = resource;
  }

  public String resource() {
    return resource;
  }

  public void error(int line, String path, String message) {
    diagnostics.add(new Diagnostic(Level.ERROR, file, line, resource, path, message));
  }

  public void warning(int line, String path, String message) {
    diagnostics.add(new Diagnostic(Level.WARNING, file, line, resource, path, message));
  }

  void position(String path, int line) {
    sourceMap.put(path, line);
  }

  public SourceMap sourceMap() {
    return sourceMap.build();
  }
}
