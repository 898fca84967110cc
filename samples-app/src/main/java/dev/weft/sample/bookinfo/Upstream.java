package dev.weft.sample.bookinfo;

import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls to the services a service depends on: plain HTTP/1.1 (what a sidecar expects from an
 * application), through the configured proxy if any, one attempt per call (retries are the
 * caller's decision: productpage's double call to reviews is deliberate), bounded response size.
 */
final class Upstream {

    /** Responses larger than this are treated as a failed call. */
    static final int MAX_RESPONSE_BODY = 1024 * 1024;

    /**
     * The outcome of one call: the status and body, or status 0 when no response arrived (refused,
     * reset, timed out, too large), as Python's requests raises and productpage maps to 500.
     */
    record Result(int status, String body, String failure) {
        static Result failed(String why) {
            return new Result(0, "", why);
        }

        boolean ok() {
            return status == 200;
        }
    }

    private final HttpClient client;

    /**
     * @param proxy where plain-HTTP calls go, or null to connect directly
     * @param connectTimeout the originals set one timeout for connect and for the response
     */
    Upstream(ProxySelector proxy, Duration connectTimeout) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .proxy(proxy == null ? HttpClient.Builder.NO_PROXY : proxy)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /**
     * GETs {@code uri} with {@code headers}. {@code timeout} bounds the wait for the response
     * (requests' read timeout, which is what fires when a delay fault holds the response); the whole
     * exchange including the body is bounded by twice that.
     */
    Result get(URI uri, Map<String, String> headers, Duration timeout) {
        var request = HttpRequest.newBuilder(uri).GET().timeout(timeout);
        headers.forEach(request::header);
        CompletableFuture<HttpResponse<String>> call =
                client.sendAsync(request.build(), info -> new BoundedBody(MAX_RESPONSE_BODY));
        try {
            HttpResponse<String> response = call.get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
            return new Result(response.statusCode(), response.body(), null);
        } catch (TimeoutException e) {
            call.cancel(true);
            return Result.failed("timed out after " + timeout.toMillis() * 2 + " ms");
        } catch (ExecutionException e) {
            return Result.failed(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            return Result.failed("interrupted");
        }
    }

    void close() {
        client.close();
    }

    /** Collects a response body as UTF-8 text, failing the call when it exceeds {@code limit} bytes. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<String> {
        private final int limit;
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private Flow.Subscription subscription;

        BoundedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + buffer.remaining() > limit) {
                    subscription.cancel();
                    result.completeExceptionally(new java.io.IOException("response larger than " + limit + " bytes"));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toString(StandardCharsets.UTF_8));
        }
    }
}
