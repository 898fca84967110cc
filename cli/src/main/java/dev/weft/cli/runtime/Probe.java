package dev.weft.cli.runtime;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Health checks: an HTTP GET that answers 200, polled until a deadline. */
public final class Probe {
  private Probe() {}

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  public static boolean ok(String url) {
    try {
      HttpResponse<Void> r = CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Polls until {@code check} holds or {@code timeout} passes, or {@code stillWorth} says to give up; true when it held. */
  static boolean until(Duration timeout, BooleanSupplier stillWorth, BooleanSupplier check) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long sleep = 20;
    while (System.nanoTime() < deadline) {
      if (check.getAsBoolean()) {
        return true;
      }
      if (!stillWorth.getAsBoolean()) {
        return false;
      }
      Thread.sleep(sleep);
      sleep = Math.min(200, sleep * 2);
    }
    return check.getAsBoolean();
  }
}
