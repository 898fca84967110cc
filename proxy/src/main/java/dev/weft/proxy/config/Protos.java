package dev.weft.proxy.config;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.time.Duration;

/** Small conversions shared by the converters. */
final class Protos {

    private Protos() {
    }

    static Duration duration(com.google.protobuf.Duration duration) {
        return Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
    }

    static <T extends Message> T unpack(Any any, Class<T> type, String field) throws ConversionException {
        try {
            return ProtoTypes.unpack(any, type);
        } catch (InvalidProtocolBufferException e) {
            throw new ConversionException(field + ": cannot decode " + any.getTypeUrl() + ": " + e.getMessage());
        }
    }

    static void unsupported(boolean set, String field) throws ConversionException {
        if (set) {
            throw new ConversionException(field + ": not supported by weft-proxy yet");
        }
    }
}
