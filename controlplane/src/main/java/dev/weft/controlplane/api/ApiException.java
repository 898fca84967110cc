package dev.weft.controlplane.api;

import java.util.List;

/** A client mistake, answered with its status and message. */
final class ApiException extends RuntimeException {
  final int status;
  final List<String> details;

  ApiException(int status, String message, List<String> details) {
    super(message, null, false, false);
    this.status = status;
    this.details = details;
  }

  ApiException(int status, String message) {
    this(status, message, List.of());
  }
}
