package dev.weft.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The request body between downstream and upstream: chunks pass as the sink takes them, wait (and
 * pause the downstream past the limit) while it cannot, are replayed whole to a second sink while
 * they fit the buffer limit, and every buffer is released exactly once.
 */
class RequestBodyTest {

    /** A sink that records what it got and can refuse more (an upstream that is not writable). */
    private static final class Recorder implements RequestBody.Sink {
        boolean writable = true;
        final StringBuilder got = new StringBuilder();
        boolean ended;
        final List<ByteBuf> seen = new ArrayList<>();

        @Override
        public boolean writable() {
            return writable;
        }

        @Override
        public void write(HttpContent chunk) {
            got.append(chunk.content().toString(StandardCharsets.US_ASCII));
            seen.add(chunk.content());
            chunk.release();
        }

        @Override
        public void flush() {
        }

        @Override
        public void end(LastHttpContent last) {
            ended = true;
            last.release();
        }
    }

    private static final class Reads implements RequestBody.Reads {
        int pauses;
        int resumes;

        @Override
        public void pause() {
            pauses++;
        }

        @Override
        public void resume() {
            resumes++;
        }
    }

    private static HttpContent chunk(String text) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    @Test
    void chunksPassAsTheSinkTakesThemAndTheBodyIsReplayedWholeToASecondSink() {
        RequestBody body = new RequestBody(true, 1024, new Reads());
        Recorder first = new Recorder();
        body.attach(first);
        body.append(chunk("hello "));
        assertThat(first.got).hasToString("hello ");
        body.append(new DefaultLastHttpContent(Unpooled.copiedBuffer("world", StandardCharsets.US_ASCII)));
        assertThat(first.got).hasToString("hello world");
        assertThat(first.ended).isTrue();
        assertThat(body.replayable()).isTrue();

        body.detach(first);
        Recorder retry = new Recorder();
        body.attach(retry);
        assertThat(retry.got).hasToString("hello world");
        assertThat(retry.ended).isTrue();
        ByteBuf copy = body.copy();
        assertThat(copy.toString(StandardCharsets.US_ASCII)).isEqualTo("hello world");
        copy.release();

        body.release();
        assertThat(first.seen).allMatch(buf -> buf.refCnt() == 0);
        assertThat(retry.seen).allMatch(buf -> buf.refCnt() == 0);
    }

    @Test
    void aSinkThatCannotTakeMoreHoldsTheBodyAndPausesTheDownstreamPastTheLimit() {
        Reads reads = new Reads();
        RequestBody body = new RequestBody(true, 8, reads);
        Recorder slow = new Recorder();
        slow.writable = false;
        body.attach(slow);
        body.append(chunk("12345"));
        assertThat(reads.pauses).isZero();
        body.append(chunk("67890"));
        assertThat(slow.got).isEmpty();
        assertThat(reads.pauses).as("over the limit waiting: stop reading the client").isEqualTo(1);
        slow.writable = true;
        body.pump();
        assertThat(slow.got).hasToString("1234567890");
        assertThat(reads.resumes).isEqualTo(1);
        body.release();
    }

    @Test
    void aBodyOverTheLimitIsNoLongerReplayableAndSaysSoOnce() {
        RequestBody body = new RequestBody(true, 8, new Reads());
        int[] overflowed = new int[1];
        body.whenOverflowed(() -> overflowed[0]++);
        Recorder sink = new Recorder();
        body.attach(sink);
        HttpContent small = chunk("1234");
        ByteBuf kept = small.content();
        body.append(small);
        body.append(chunk("56789"));
        body.append(chunk("more"));
        assertThat(body.replayable()).isFalse();
        assertThat(overflowed[0]).isEqualTo(1);
        assertThat(kept.refCnt()).as("the kept copy is let go at once").isZero();
        assertThat(sink.got).hasToString("123456789more");
        body.append(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(body.copy()).as("no mirror of a body that did not fit").isNull();
        body.release();
    }

    @Test
    void chunksAfterTheExchangeEndedAreReleasedAndAnAbortTellsWhoSendsIt() {
        Reads reads = new Reads();
        RequestBody body = new RequestBody(true, 1024, reads);
        int[] aborted = new int[1];
        body.whenAborted(() -> aborted[0]++);
        body.append(chunk("partial"));
        body.abort();
        assertThat(aborted[0]).isEqualTo(1);
        HttpContent late = chunk("late");
        body.append(late);
        assertThat(late.refCnt()).isZero();
    }
}
