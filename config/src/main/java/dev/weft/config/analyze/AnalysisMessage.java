package dev.weft.config.analyze;

import dev.weft.config.diag.Level;
import dev.weft.config.model.Origin;
import dev.weft.config.model.ResourceKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One finding of analysis, about one resource.
 *
 * @param resource the resource the message is about ("VirtualService default/reviews")
 * @param origin where to look: the resource's file and the line of the field Istio points at, or the
 *     resource's first line
 * @param args the template's arguments (strings, numbers, lists of them)
 */
public record AnalysisMessage(MessageType type, ResourceKey resource, Origin origin, List<Object> args) {
  public AnalysisMessage {
    // List.copyOf refuses nulls; an argument is never null, but keep a message whatever comes
    args = Collections.unmodifiableList(new ArrayList<>(args));
  }

  public Level level() {
    return type.level();
  }

  public String code() {
    return type.code();
  }

  /** The rendered template. */
  public String message() {
    return GoFormat.format(type.template(), args);
  }

  /** istioctl's line: {@code Error [IST0101] (VirtualService default/reviews reviews.yaml:20) Referenced ...}. */
  public String format() {
    return type.level().label() + " [" + type.code() + "] (" + resource + " " + origin + ") " + message();
  }

  @Override
  public String toString() {
    return format();
  }
}
