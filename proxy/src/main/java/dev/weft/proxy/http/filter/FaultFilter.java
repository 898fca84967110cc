package dev.weft.proxy.http.filter;

import dev.weft.proxy.http.FilterChain;
import dev.weft.proxy.http.HttpExchange;
import dev.weft.proxy.http.ResponseFlag;
import dev.weft.proxy.route.HeaderMatcher;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Injects delays and aborts (Envoy's fault filter): if the headers match, a delay is drawn first
 * (DI), then an abort (FI). {@code max_active_faults} is counted across all requests of the config.
 */
final class FaultFilter implements HttpFilter {

    private final FaultConfig config;
    private final AtomicInteger active = new AtomicInteger();

    FaultFilter(FaultConfig config) {
        this.config = config;
    }

    @Override
    public void onRequest(HttpExchange exchange, FilterChain chain) {
        // Istio puts a VirtualService's fault in the route's typed_per_filter_config: it replaces ours.
        // Plain code, no Optional chains: this runs for every request, and their lambdas and
        // Optionals were allocations per request (JFR) for a filter that usually does nothing.
        var route = exchange.route();
        FaultConfig config = route.isPresent()
                && route.get().filterOverrides().get(this.config.name()) instanceof FaultConfig override
                ? override : this.config;
        var headers = config.headers();
        for (int i = 0; i < headers.size(); i++) { // indexed: no iterator per request
            HeaderMatcher header = headers.get(i);
            if (!header.matches(exchange.view().headerValues(header.name()))) {
                chain.proceed(exchange);
                return;
            }
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        boolean delay = config.delay().isPresent() && config.delay().get().percentage().hit(random);
        boolean abort = config.abort().isPresent() && config.abort().get().percentage().hit(random);
        if ((delay || abort) && !startFault()) {
            exchange.stats().inc("http." + exchange.statPrefix() + ".fault.faults_overflow");
            chain.proceed(exchange);
            return;
        }
        if (!delay && !abort) {
            chain.proceed(exchange);
        } else if (delay) {
            exchange.addFlag(ResponseFlag.DI);
            exchange.stats().inc("http." + exchange.statPrefix() + ".fault.delays_injected");
            exchange.eventLoop().schedule(() -> endFault(config, exchange, chain, abort),
                    config.delay().orElseThrow().duration().toNanos(), TimeUnit.NANOSECONDS);
        } else {
            endFault(config, exchange, chain, true);
        }
    }

    private void endFault(FaultConfig config, HttpExchange exchange, FilterChain chain, boolean abort) {
        active.decrementAndGet();
        if (abort) {
            exchange.stats().inc("http." + exchange.statPrefix() + ".fault.aborts_injected");
            exchange.localReply(config.abort().orElseThrow().httpStatus(), ResponseFlag.FI, "fault filter abort");
            return;
        }
        chain.proceed(exchange);
    }

    private boolean startFault() {
        int max = config.maxActiveFaults().orElse(Integer.MAX_VALUE);
        while (true) {
            int current = active.get();
            if (current >= max) {
                return false;
            }
            if (active.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }
}
