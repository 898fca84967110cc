package dev.weft.proxy.listener.filter;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Envoy's {@code tls_inspector}: reads the TLS ClientHello (without terminating TLS) for its SNI and
 * ALPN. Only the first handshake record is read (a ClientHello split over several records is taken
 * as far as the first one goes); anything that is not a TLS handshake is decided at once.
 */
public final class TlsInspector {

    /** Envoy's default {@code max_client_hello_size}. */
    public static final int MAX_CLIENT_HELLO = 64 * 1024;
    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int EXT_SERVER_NAME = 0;
    private static final int EXT_ALPN = 16;

    private TlsInspector() {
    }

    public static Inspection inspect(ByteBuf data) {
        int r = data.readerIndex();
        int readable = data.readableBytes();
        if (readable < 1) {
            return Inspection.NEED_MORE;
        }
        if (data.getUnsignedByte(r) != HANDSHAKE) {
            return Inspection.NOT_DETECTED;
        }
        if (readable >= 2 && data.getUnsignedByte(r + 1) != 3) {
            return Inspection.NOT_DETECTED; // record version major must be 3 (SSL 3.0 .. TLS 1.3)
        }
        if (readable < 5) {
            return Inspection.NEED_MORE;
        }
        int recordLength = data.getUnsignedShort(r + 3);
        if (recordLength > MAX_CLIENT_HELLO) {
            return Inspection.NOT_DETECTED;
        }
        if (readable < 5 + recordLength) {
            return Inspection.NEED_MORE;
        }
        try {
            return clientHello(data.slice(r + 5, recordLength));
        } catch (IndexOutOfBoundsException e) {
            return Inspection.NOT_DETECTED; // lengths inside the record that do not add up
        }
    }

    private static Inspection clientHello(ByteBuf hello) {
        if (hello.readUnsignedByte() != CLIENT_HELLO) {
            return Inspection.NOT_DETECTED;
        }
        int length = hello.readUnsignedMedium();
        ByteBuf body = hello.readSlice(Math.min(length, hello.readableBytes()));
        body.skipBytes(2 + 32); // client_version, random
        body.skipBytes(body.readUnsignedByte()); // session_id
        body.skipBytes(body.readUnsignedShort()); // cipher_suites
        body.skipBytes(body.readUnsignedByte()); // compression_methods
        String sni = "";
        List<String> alpn = new ArrayList<>();
        if (body.readableBytes() >= 2) {
            ByteBuf extensions = body.readSlice(Math.min(body.readUnsignedShort(), body.readableBytes()));
            while (extensions.readableBytes() >= 4) {
                int type = extensions.readUnsignedShort();
                ByteBuf extension = extensions.readSlice(extensions.readUnsignedShort());
                if (type == EXT_SERVER_NAME) {
                    ByteBuf names = extension.readSlice(extension.readUnsignedShort());
                    while (names.readableBytes() >= 3) {
                        int nameType = names.readUnsignedByte();
                        ByteBuf name = names.readSlice(names.readUnsignedShort());
                        if (nameType == 0 && sni.isEmpty()) {
                            sni = name.toString(StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
                        }
                    }
                } else if (type == EXT_ALPN) {
                    ByteBuf protocols = extension.readSlice(extension.readUnsignedShort());
                    while (protocols.readableBytes() >= 1) {
                        alpn.add(protocols.readSlice(protocols.readUnsignedByte()).toString(StandardCharsets.US_ASCII));
                    }
                }
            }
        }
        return new Inspection.Tls(sni, alpn);
    }
}
