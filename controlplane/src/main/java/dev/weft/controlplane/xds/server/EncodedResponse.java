package dev.weft.controlplane.xds.server;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A state-of-the-world response as it goes on the wire: the bytes every stream given the same
 * {@link Selection} shares (encoded once), then this stream's nonce. Protobuf reads a field appended
 * after the others as if it had been set on the message, so the client parses exactly the
 * DiscoveryResponse it would have got from {@code shared.toBuilder().setNonce(nonce).build()}, while
 * a push to a thousand proxies encodes the resources once instead of a thousand times.
 *
 * @param body the response without its nonce, encoded ({@link #encode}); never modified
 * @param nonce this stream's nonce for it
 */
record EncodedResponse(byte[] body, String nonce) {

    /** Encodes a response whose nonce is left unset; the result is shared between streams. */
    static byte[] encode(DiscoveryResponse withoutNonce) {
        if (!withoutNonce.getNonce().isEmpty()) {
            throw new IllegalArgumentException("the shared part of a response must not carry a nonce");
        }
        return withoutNonce.toByteArray();
    }

    /** The message the client reads (for tests and debugging; the server never builds it). */
    DiscoveryResponse message() {
        try {
            return DiscoveryResponse.parseFrom(new Stream(this));
        } catch (IOException e) {
            throw new IllegalStateException("an encoded response does not parse back", e);
        }
    }

    /** The ADS method's response marshaller when the server sends {@link EncodedResponse}s. */
    static final MethodDescriptor.Marshaller<EncodedResponse> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(EncodedResponse value) {
            return new Stream(value);
        }

        @Override
        public EncodedResponse parse(InputStream stream) {
            // Only a client parses responses; kept symmetric for in-process use.
            try {
                DiscoveryResponse r = DiscoveryResponse.parseFrom(stream);
                return new EncodedResponse(r.toBuilder().clearNonce().build().toByteArray(), r.getNonce());
            } catch (InvalidProtocolBufferException e) {
                throw Status.INTERNAL.withDescription("invalid DiscoveryResponse: " + e.getMessage()).withCause(e)
                        .asRuntimeException();
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("reading a DiscoveryResponse: " + e.getMessage()).withCause(e)
                        .asRuntimeException();
            }
        }
    };

    /**
     * The body then the nonce field. {@link Drainable} lets gRPC's framer copy the shared bytes
     * straight into its buffers; {@link KnownLength} lets it write the length prefix without
     * buffering the message first.
     */
    private static final class Stream extends InputStream implements Drainable, KnownLength {
        private final byte[] body;
        private final byte[] tail;
        private int position;

        Stream(EncodedResponse response) {
            this.body = response.body();
            String nonce = response.nonce();
            this.tail = new byte[nonce.isEmpty() ? 0 : CodedOutputStream.computeStringSize(DiscoveryResponse.NONCE_FIELD_NUMBER, nonce)];
            if (tail.length > 0) {
                CodedOutputStream out = CodedOutputStream.newInstance(tail);
                try {
                    out.writeString(DiscoveryResponse.NONCE_FIELD_NUMBER, nonce);
                    out.checkNoSpaceLeft();
                } catch (IOException e) {
                    throw new IllegalStateException("encoding a nonce into a sized array", e);
                }
            }
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int from = position;
            int total = body.length + tail.length;
            if (position < body.length) {
                target.write(body, position, body.length - position);
                position = body.length;
            }
            if (position < total) {
                target.write(tail, position - body.length, total - position);
                position = total;
            }
            return total - from;
        }

        @Override
        public int available() {
            return body.length + tail.length - position;
        }

        @Override
        public int read() {
            if (position < body.length) {
                return body[position++] & 0xff;
            }
            if (position < body.length + tail.length) {
                return tail[position++ - body.length] & 0xff;
            }
            return -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int left = available();
            if (left == 0) {
                return -1;
            }
            int n = Math.min(len, left);
            int copied = 0;
            if (position < body.length) {
                int fromBody = Math.min(n, body.length - position);
                System.arraycopy(body, position, b, off, fromBody);
                position += fromBody;
                copied = fromBody;
            }
            if (copied < n) {
                int fromTail = n - copied;
                System.arraycopy(tail, position - body.length, b, off + copied, fromTail);
                position += fromTail;
            }
            return n;
        }
    }
}
