package dev.weft.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.controlplane.api.ApiTypes;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** Talks to the control plane's admin API for the {@code weft} commands (and the local runtime). */
public final class ApiClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String server;

  public ApiClient(String server) {
    this.server = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
  }

  /** The server could not be reached or did not answer: one line for the user. */
  public static final class Unreachable extends Exception {
    Unreachable(String message) {
      super(message, null, false, false);
    }
  }

  public record Response(int status, String body) {
    JsonNode json() throws Unreachable {
      try {
        return JSON.readTree(body);
      } catch (JsonProcessingException e) {
        throw new Unreachable("the control plane answered " + status + " with a body that is not JSON");
      }
    }

    /** The server's error message, from its JSON error body. */
    public String error() {
      try {
        ApiTypes.Error e = JSON.readValue(body, ApiTypes.Error.class);
        String details = e.details() == null || e.details().isEmpty() ? "" : ": " + String.join("; ", e.details());
        return e.error() + details;
      } catch (JsonProcessingException | RuntimeException ex) {
        return "HTTP " + status;
      }
    }
  }

  public Response get(String pathAndQuery) throws Unreachable {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
  }

  public Response postJson(String pathAndQuery, Object body) throws Unreachable {
    try {
      return send(HttpRequest.newBuilder(uri(pathAndQuery)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public Response delete(String pathAndQuery) throws Unreachable {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)).DELETE());
  }

  public Response putJson(String pathAndQuery, Object body) throws Unreachable {
    try {
      return send(HttpRequest.newBuilder(uri(pathAndQuery)).header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private URI uri(String pathAndQuery) throws Unreachable {
    try {
      URI u = URI.create(server + pathAndQuery);
      if (u.getHost() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
        throw new Unreachable("invalid server address \"" + server + "\": expected http://HOST:PORT");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new Unreachable("invalid server address \"" + server + "\": expected http://HOST:PORT");
    }
  }

  private Response send(HttpRequest.Builder b) throws Unreachable {
    try {
      HttpResponse<String> r = CLIENT.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body());
    } catch (HttpConnectTimeoutException e) {
      throw new Unreachable("cannot reach the control plane at " + server + ": connection timed out");
    } catch (HttpTimeoutException e) {
      throw new Unreachable("the control plane at " + server + " did not answer in time");
    } catch (ConnectException e) {
      throw new Unreachable("cannot reach the control plane at " + server + ": connection refused (is `weft controlplane` running?)");
    } catch (IOException e) {
      throw new Unreachable("cannot reach the control plane at " + server + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted");
    }
  }
}
