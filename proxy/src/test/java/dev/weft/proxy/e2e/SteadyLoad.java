package dev.weft.proxy.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * Bounded keep-alive load on one proxy listener: a few client threads, each on one HTTP/1.1
 * connection (a new one only when the proxy answered {@code Connection: close}, as a client must),
 * sending requests back to back until stopped, or until {@code maxRequests} in all or
 * {@code maxTime} have gone by (hang guards). Every response that is not a 200, and every request
 * that got no response (reset, close before the response), is recorded.
 */
final class SteadyLoad implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger started = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    final LongAdder ok = new LongAdder();
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    /** Which backend (the x-backend response header) answered, how often. */
    final Map<String, LongAdder> answeredBy = new ConcurrentHashMap<>();
    final LongAdder reconnects = new LongAdder();

    /** {@code host} gives the Host header of the n-th request of a thread. */
    SteadyLoad(InetSocketAddress listener, int clients, int maxRequests, Duration maxTime, IntFunction<String> host) {
        this(listener, clients, maxRequests, maxTime, Duration.ZERO, host);
    }

    /** The same, each client pausing {@code pause} after each response (a paced, lighter load). */
    SteadyLoad(InetSocketAddress listener, int clients, int maxRequests, Duration maxTime, Duration pause,
            IntFunction<String> host) {
        long deadline = System.nanoTime() + maxTime.toNanos();
        for (int t = 0; t < clients; t++) {
            threads.add(Thread.ofPlatform().name("steady-load-" + t).start(() -> {
                Http1Client client = null;
                try {
                    for (int n = 0; running.get() && System.nanoTime() < deadline
                            && started.incrementAndGet() <= maxRequests; n++) {
                        if (client == null) {
                            client = new Http1Client(listener);
                        }
                        String hostName = host.apply(n);
                        Http1Client.Response response;
                        try {
                            response = client.get(hostName, "/load/" + n);
                        } catch (IOException e) {
                            failures.add(hostName + " #" + n + ": no response: " + e);
                            client.close();
                            client = null;
                            continue;
                        }
                        if (response.status() == 200) {
                            ok.increment();
                            answeredBy.computeIfAbsent(String.valueOf(response.header("x-backend")),
                                    k -> new LongAdder()).increment();
                        } else {
                            failures.add(hostName + " #" + n + ": " + response.status() + " "
                                    + response.header("x-weft-response-flags") + " " + response.body());
                        }
                        if (!pause.isZero()) {
                            Thread.sleep(pause);
                        }
                        if ("close".equalsIgnoreCase(response.header("connection"))) {
                            client.close();
                            client = null;
                            reconnects.increment();
                        }
                    }
                } catch (IOException e) {
                    failures.add("cannot connect: " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    if (client != null) {
                        try {
                            client.close();
                        } catch (IOException ignored) {
                            // closing
                        }
                    }
                }
            }));
        }
    }

    long answeredBy(String backend) {
        LongAdder count = answeredBy.get(backend);
        return count == null ? 0 : count.sum();
    }

    /** Whether every thread has stopped (stopped, out of requests or out of time). */
    boolean finished() {
        return threads.stream().noneMatch(Thread::isAlive);
    }

    /** Stops the load and waits for the requests in flight (bounded). */
    void stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
