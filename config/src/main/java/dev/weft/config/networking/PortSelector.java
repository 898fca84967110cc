package dev.weft.config.networking;

import dev.weft.config.read.MapReader;

/** A port of a destination service, by number ({@code port: {number: 443}}). */
public record PortSelector(Integer number) {

  public static PortSelector read(MapReader r) {
    return new PortSelector(r.integer("number"));
  }
}
