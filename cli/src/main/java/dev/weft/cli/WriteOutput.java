package dev.weft.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.weft.controlplane.api.ApiTypes;
import java.io.PrintWriter;
import java.util.Locale;

/** Prints an apply or delete answer as kubectl does: {@code gateway.networking.istio.io/web created}. */
final class WriteOutput {
  private WriteOutput() {}

  /** Returns the exit code: 0 done, 1 refused or something not found, 2 the server failed. */
  static int print(ApiClient.Response r, PrintWriter out, PrintWriter err) {
    if (r.status() != 200 && r.status() != 422) {
      err.println("weft: the control plane refused the request (" + r.status() + "): " + r.error());
      return 2;
    }
    ApiTypes.WriteResponse w;
    try {
      w = ApiClient.JSON.readValue(r.body(), ApiTypes.WriteResponse.class);
    } catch (JsonProcessingException e) {
      err.println("weft: the control plane answered with a body that is not a write result");
      return 2;
    }
    for (ApiTypes.DiagnosticJson d : w.diagnostics()) {
      err.println(d.toDiagnostic().format());
    }
    if (!w.accepted()) {
      long errors = w.diagnostics().stream().filter(d -> "ERROR".equals(d.level())).count();
      err.println("Error: " + errors + (errors == 1 ? " error" : " errors") + "; nothing was changed");
      err.flush();
      return 1;
    }
    int code = 0;
    for (ApiTypes.Change c : w.results()) {
      String id = name(c);
      if (c.action().equals("not found")) {
        err.println("Error: " + id + " not found");
        code = 1;
      } else {
        out.println(id + " " + c.action());
      }
    }
    out.flush();
    err.flush();
    return code;
  }

  /** {@code gateway.networking.istio.io/web}, {@code service/web} for the core group. */
  static String name(ApiTypes.Change c) {
    String kind = c.kind().toLowerCase(Locale.ROOT);
    return (c.group() == null || c.group().isEmpty() ? kind : kind + "." + c.group()) + "/" + c.name();
  }
}
