package dev.weft.config.networking.virtualservice;

/**
 * Answers with a redirect. Null fields keep the request's value.
 *
 * @param port where the redirect points: a fixed port or derived; null keeps the request's port
 * @param redirectCode 3xx status, null for the default 301
 */
public record HttpRedirect(String uri, String authority, RedirectPort port, String scheme, Integer redirectCode) {

  /** The oneof {@code redirect_port}: {@code port} or {@code derivePort}. */
  public sealed interface RedirectPort {}

  public record FixedPort(int number) implements RedirectPort {}

  public record DerivePort(RedirectPortSelection selection) implements RedirectPort {}

  /** Istio's HTTPRedirect.RedirectPortSelection. */
  public enum RedirectPortSelection {
    FROM_PROTOCOL_DEFAULT,
    FROM_REQUEST_PORT
  }
}
