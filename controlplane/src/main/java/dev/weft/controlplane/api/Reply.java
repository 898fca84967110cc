package dev.weft.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.weft.controlplane.api.ApiTypes.Error;

/** An answer: status and body bytes. */
record Reply(int status, String contentType, byte[] body) {
  static Reply json(int status, Object value) {
    try {
      return new Reply(status, "application/json", ApiRequest.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Reply error(int status, String message) {
    return json(status, new Error(message));
  }
}

