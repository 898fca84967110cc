package dev.weft.sample.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RatingsServiceTest {

    private static HttpService.Request get(String path) {
        return new HttpService.Request("GET", path, null, new Headers(), new byte[0]);
    }

    @Test
    void vUnavailableAnswers503EveryOtherMinute() throws Exception {
        var clock = new AtomicLong(1_000_000);
        var ratings = new RatingsService("v-unavailable", clock::get);

        assertThat(ratings.handle(get("/ratings/0")).status()).isEqualTo(200);
        clock.addAndGet(60_000);
        var down = ratings.handle(get("/ratings/0"));
        assertThat(down.status()).isEqualTo(503);
        assertThat(new String(down.body())).isEqualTo("{\"error\":\"Service unavailable\"}");
        assertThat(ratings.handle(get("/health")).status()).isEqualTo(200);
        clock.addAndGet(60_000);
        assertThat(ratings.handle(get("/ratings/0")).status()).isEqualTo(200);
    }

    @Test
    void vUnhealthyIsAlsoUnhealthyWhileUnavailable() throws Exception {
        var clock = new AtomicLong(0);
        var ratings = new RatingsService("v-unhealthy", clock::get);
        assertThat(ratings.handle(get("/health")).status()).isEqualTo(200);
        clock.addAndGet(900_000);
        var health = ratings.handle(get("/health"));
        assertThat(health.status()).isEqualTo(500);
        assertThat(new String(health.body())).isEqualTo("{\"status\":\"Ratings is not healthy\"}");
        assertThat(ratings.handle(get("/ratings/0")).status()).isEqualTo(503);
    }

    @Test
    void vFaultyFailsSomeCallsAndServesTheOthers() throws Exception {
        var ratings = new RatingsService("v-faulty", System::currentTimeMillis);
        int failed = 0;
        for (int i = 0; i < 200; i++) {
            int status = ratings.handle(get("/ratings/0")).status();
            assertThat(status).isIn(200, 503);
            failed += status == 503 ? 1 : 0;
        }
        assertThat(failed).isBetween(40, 160);
    }

    @Test
    void theProductIdIsReadAsJavaScriptsParseIntReadsIt() {
        assertThat(RatingsService.jsParseInt("12abc")).isEqualTo(12L);
        assertThat(RatingsService.jsParseInt("  -3")).isEqualTo(-3L);
        assertThat(RatingsService.jsParseInt("")).isNull();
        assertThat(RatingsService.jsParseInt("x1")).isNull();
    }
}
