package dev.weft.proxy.http.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.proxy.http.ConnectionEvent;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** IdleTimer on an EmbeddedChannel whose clock the test moves. */
class IdleTimerTest {

    private final List<ConnectionEvent> fired = new ArrayList<>();

    private EmbeddedChannel channel(IdleTimer timer) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(timer).addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                fired.add((ConnectionEvent) event);
            }
        });
        return channel;
    }

    private static void advance(EmbeddedChannel channel, long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void eachTimeoutFiresItsEventAfterThatLongWithoutActivityAndAgainWhileIdle() {
        EmbeddedChannel channel = channel(IdleTimer.of(Duration.ofSeconds(2), Duration.ofSeconds(3)));
        advance(channel, 1_999);
        assertThat(fired).isEmpty();
        advance(channel, 1);
        assertThat(fired).containsExactly(ConnectionEvent.CONNECTION_IDLE);
        advance(channel, 1_000);
        assertThat(fired).containsExactly(ConnectionEvent.CONNECTION_IDLE, ConnectionEvent.STREAM_IDLE);
        advance(channel, 1_000); // 4 s: the connection timeout again
        assertThat(fired).containsExactly(ConnectionEvent.CONNECTION_IDLE, ConnectionEvent.STREAM_IDLE,
                ConnectionEvent.CONNECTION_IDLE);
        channel.finishAndReleaseAll();
    }

    @Test
    void aReadOrAWrittenResponsePutsTheTimeoutOff() {
        EmbeddedChannel channel = channel(IdleTimer.of(Duration.ofSeconds(2), Duration.ZERO));
        advance(channel, 1_500);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'G'}));
        advance(channel, 1_500); // 3 s, 1.5 s after the read
        assertThat(fired).isEmpty();
        channel.writeOneOutbound(Unpooled.wrappedBuffer(new byte[] {'H'}));
        channel.flushOutbound(); // written at once: activity
        advance(channel, 1_500); // 4.5 s: 1.5 s after the write
        assertThat(fired).isEmpty();
        advance(channel, 500);
        assertThat(fired).containsExactly(ConnectionEvent.CONNECTION_IDLE);
        channel.finishAndReleaseAll();
    }

    @Test
    void nothingFiresOnceTheConnectionIsClosed() {
        EmbeddedChannel channel = channel(new IdleTimer(ConnectionEvent.STREAM_IDLE, Duration.ofSeconds(1)));
        channel.close();
        advance(channel, 5_000);
        assertThat(fired).isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void bothTimeoutsZeroNeedNoHandler() {
        assertThat(IdleTimer.of(Duration.ZERO, Duration.ZERO)).isNull();
    }
}
