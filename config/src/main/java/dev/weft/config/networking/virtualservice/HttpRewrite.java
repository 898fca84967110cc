package dev.weft.config.networking.virtualservice;

/** Rewrites the path (by prefix, or by regex) and/or the authority before forwarding. */
public record HttpRewrite(String uri, String authority, RegexRewrite uriRegexRewrite) {

  /** Replaces what {@code match} (RE2) matches in the path with {@code rewrite} (\1 for groups). */
  public record RegexRewrite(String match, String rewrite) {}
}
