package dev.weft.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request to the admin API: its method, path segments and query, and its body read within the
 * size limit. The JSON and URL decoding every endpoint shares live here, once.
 */
final class ApiRequest {
  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  private final HttpExchange exchange;
  private final AdminServer.Limits limits;
  private final String method;
  private final String path;
  private final List<String> parts;
  private final Map<String, String> query;

  ApiRequest(HttpExchange exchange, AdminServer.Limits limits) {
    this.exchange = exchange;
    this.limits = limits;
    this.method = exchange.getRequestMethod();
    this.path = exchange.getRequestURI().getRawPath();
    this.parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    this.query = parseQuery(exchange.getRequestURI().getRawQuery());
  }

  String method() {
    return method;
  }

  String path() {
    return path;
  }

  /** The path's segments: {@code /api/v1/workloads/ns/name} is [api, v1, workloads, ns, name]. */
  List<String> parts() {
    return parts;
  }

  Map<String, String> query() {
    return query;
  }

  /** 405 unless the method is one of {@code allowed}. */
  void requireMethod(String... allowed) {
    if (!Arrays.asList(allowed).contains(method)) {
      throw new ApiException(405, "method " + method + " not allowed here; use " + String.join(" or ", allowed));
    }
  }

  /** 404 unless the path has exactly {@code n} segments. */
  void requireSegments(int n) {
    if (parts.size() != n) {
      throw new ApiException(404, "no such endpoint: " + path);
    }
  }

  /** The body as UTF-8 text, refused (413) past the size limit without reading all of it. */
  String body() throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.strip()) > limits.maxBodyBytes()) {
          throw tooLarge();
        }
      } catch (NumberFormatException e) {
        throw new ApiException(400, "Content-Length is not a number");
      }
    }
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(limits.maxBodyBytes() + 1);
    }
    if (bytes.length > limits.maxBodyBytes()) {
      throw tooLarge();
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new ApiException(400, "the request body is not UTF-8 text");
    }
  }

  private ApiException tooLarge() {
    return new ApiException(413, "request body is larger than the " + limits.maxBodyBytes() / (1024 * 1024) + " MiB limit");
  }

  static <T> T json(String body, Class<T> type) {
    if (body.isBlank()) {
      throw new ApiException(400, "a JSON body is required");
    }
    try {
      T value = JSON.readValue(body, type);
      if (value == null) {
        throw new ApiException(400, "a JSON object is required");
      }
      return value;
    } catch (JsonProcessingException e) {
      String msg = e.getOriginalMessage();
      int nl = msg == null ? -1 : msg.indexOf('\n');
      String first = msg == null ? "unreadable" : nl < 0 ? msg : msg.substring(0, nl);
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw new ApiException(400, "invalid JSON body: " + first + where);
    }
  }

  boolean isJson() {
    String ct = exchange.getRequestHeaders().getFirst("Content-Type");
    return ct != null && ct.toLowerCase(Locale.ROOT).startsWith("application/json");
  }

  boolean acceptsJson() {
    String accept = exchange.getRequestHeaders().getFirst("Accept");
    return accept != null && accept.toLowerCase(Locale.ROOT).contains("application/json");
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.putIfAbsent(k, v);
    }
    return out;
  }

  static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "malformed URL encoding: " + s);
    }
  }
}
