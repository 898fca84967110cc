package dev.weft.sample.bookinfo;

import dev.weft.sample.bookinfo.HttpService.Request;
import dev.weft.sample.bookinfo.HttpService.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * ratings (ratings.js), in memory: every product has Reviewer1 5 stars and Reviewer2 4, unless a
 * POST replaced them. The original's failure versions are here too: v-faulty (half the calls 503),
 * v-delayed (half the calls 7 s late), v-unavailable (503 every other minute), v-unhealthy (503 and
 * an unhealthy /health every other 15 minutes). v2 (database-backed) is not.
 */
final class RatingsService implements HttpService.Handler {

    /** At most this many products keep POSTed ratings, so a client cannot grow the map without end. */
    static final int MAX_STORED = 1000;

    static final Duration DELAY = Duration.ofSeconds(7);

    private final String version;
    private final LongSupplier clockMillis;
    private final long startMillis;
    private final ConcurrentHashMap<Long, Json> userAddedRatings = new ConcurrentHashMap<>();

    RatingsService(String version, LongSupplier clockMillis) {
        this.version = version;
        this.clockMillis = clockMillis;
        this.startMillis = clockMillis.getAsLong();
    }

    @Override
    public Response handle(Request request) throws InterruptedException {
        String path = request.path();
        String method = request.method();
        if (path.equals("/health") && method.equals("GET")) {
            return healthy()
                    ? json(200, Json.obj("status", Json.str("Ratings is healthy")))
                    : json(500, Json.obj("status", Json.str("Ratings is not healthy")));
        }
        // The original's route is /^\/ratings\/[0-9]*/ and the id is parseInt of the last path part.
        if (!path.startsWith("/ratings/")) {
            return Response.notFound();
        }
        Long productId = jsParseInt(path.substring(path.lastIndexOf('/') + 1));
        if (method.equals("POST")) {
            return post(productId, request.body());
        }
        if (!method.equals("GET")) {
            return Response.notFound();
        }
        if (productId == null) {
            return json(400, Json.obj("error", Json.str("please provide numeric product ID")));
        }
        return switch (version) {
            case "v-faulty" -> ThreadLocalRandom.current().nextDouble() <= 0.5 ? unavailable() : ratings(productId);
            case "v-delayed" -> {
                if (ThreadLocalRandom.current().nextDouble() <= 0.5) {
                    Thread.sleep(DELAY);
                }
                yield ratings(productId);
            }
            case "v-unavailable", "v-unhealthy" -> inUnavailablePhase() ? unavailable() : ratings(productId);
            default -> ratings(productId);
        };
    }

    private Response post(Long productId, byte[] body) {
        if (productId == null) {
            return json(400, Json.obj("error", Json.str("please provide numeric product ID")));
        }
        Json ratings;
        try {
            ratings = Json.parse(new String(body, StandardCharsets.UTF_8));
        } catch (Json.JsonException e) {
            return json(400, Json.obj("error", Json.str("please provide valid ratings JSON")));
        }
        if (userAddedRatings.size() >= MAX_STORED && !userAddedRatings.containsKey(productId)) {
            return json(507, Json.obj("error", Json.str("too many products with posted ratings")));
        }
        userAddedRatings.put(productId, Json.obj("id", Json.num(productId), "ratings", ratings));
        return ratings(productId);
    }

    private Response ratings(long productId) {
        Json stored = userAddedRatings.get(productId);
        if (stored != null) {
            return json(200, stored);
        }
        return json(200, Json.obj(
                "id", Json.num(productId),
                "ratings", Json.obj("Reviewer1", Json.num(5), "Reviewer2", Json.num(4))));
    }

    private static Response unavailable() {
        return json(503, Json.obj("error", Json.str("Service unavailable")));
    }

    private boolean healthy() {
        return !(version.equals("v-unhealthy") && inUnavailablePhase());
    }

    /** The original flips a flag on a timer; the same phases, computed from the time since start. */
    private boolean inUnavailablePhase() {
        long period = version.equals("v-unhealthy") ? 900_000 : 60_000;
        return ((clockMillis.getAsLong() - startMillis) / period) % 2 == 1;
    }

    /** JavaScript's parseInt(s): leading blanks, optional sign, then as many digits as there are. */
    static Long jsParseInt(String text) {
        String t = text.stripLeading();
        int i = 0;
        if (i < t.length() && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
            i++;
        }
        int digitsStart = i;
        while (i < t.length() && Character.isDigit(t.charAt(i)) && t.charAt(i) < 128 && i - digitsStart < 15) {
            i++;
        }
        if (i == digitsStart) {
            return null;
        }
        return Long.parseLong(t.substring(0, i));
    }

    private static Response json(int status, Json body) {
        return Response.json(status, Json.write(body, Json.Style.COMPACT));
    }
}
