package dev.weft.controlplane.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for tests against a local server. */
public record Http(String base) {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public record Response(int status, String body, String contentType) {}

  public Response get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Response post(String path, String contentType, String body) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Response put(String path, String body) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Response delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  private static Response send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = CLIENT.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
