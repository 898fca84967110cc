package dev.weft.config.validate;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.diag.Diagnostics;
import dev.weft.config.diag.Level;
import dev.weft.config.model.Resource;

/**
 * Where a validator reports. Validators name field paths ({@code spec.http[0].route[1].weight});
 * the line comes from the resource's source map.
 */
public final class Validation {
  private final Resource<?> resource;
  private final Diagnostics diagnostics;

  public Validation(Resource<?> resource, Diagnostics diagnostics) {
    this.resource = resource;
    this.diagnostics = diagnostics;
  }

  public Resource<?> resource() {
    return resource;
  }

  public void error(String path, String message) {
    report(Level.ERROR, path, message);
  }

  public void warning(String path, String message) {
    report(Level.WARNING, path, message);
  }

  private void report(Level level, String path, String message) {
    diagnostics.add(new Diagnostic(level, resource.origin().file(), resource.lineOf(path),
        resource.key().toString(), path, message));
  }
}
