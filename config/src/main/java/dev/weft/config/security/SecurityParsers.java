package dev.weft.config.security;

import dev.weft.config.read.MapReader;

/** Readers for the types the security kinds share. */
public final class SecurityParsers {
  private SecurityParsers() {}

  public static PolicyTargetReference targetRef(MapReader t) {
    return new PolicyTargetReference(t.string("group", ""), t.string("kind"), t.string("name"), t.string("namespace"));
  }
}
