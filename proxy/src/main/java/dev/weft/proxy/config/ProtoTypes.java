package dev.weft.proxy.config;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

/**
 * Type URLs and {@link Any} unpacking without protobuf descriptors. {@code Any.unpack} and
 * {@code getDescriptor()} build the descriptor of the message's .proto file and of every file it
 * imports (for Envoy's Listener, Cluster or RouteConfiguration: most of Envoy's API, with its
 * validation and annotation protos): a few hundred classes initialised and ~0.3 CPU-s at each proxy
 * start, for a name this class reads off the Java class name and a parse the generated code does
 * on its own. Descriptors are still built when something needs them (/config_dump's JSON).
 */
public final class ProtoTypes {

    public static final String PREFIX = "type.googleapis.com/";
    /** Envoy's protos all say {@code option java_package = "io.envoyproxy.envoy.<proto package>"}, one class per message. */
    private static final String ENVOY_JAVA_PACKAGE = "io.envoyproxy.";

    private static final ClassValue<String> NAMES = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            String name = type.getName();
            if (name.startsWith(ENVOY_JAVA_PACKAGE + "envoy.")) {
                return name.substring(ENVOY_JAVA_PACKAGE.length()).replace('$', '.');
            }
            // Any other type: ask its descriptor (rare here; built once).
            return com.google.protobuf.Internal.getDefaultInstance(type.asSubclass(Message.class))
                    .getDescriptorForType().getFullName();
        }
    };

    private static final ClassValue<Parser<?>> PARSERS = new ClassValue<>() {
        @Override
        protected Parser<?> computeValue(Class<?> type) {
            return com.google.protobuf.Internal.getDefaultInstance(type.asSubclass(Message.class)).getParserForType();
        }
    };

    private ProtoTypes() {
    }

    /** The proto full name of a generated message class, e.g. {@code envoy.config.listener.v3.Listener}. */
    public static String fullName(Class<? extends Message> type) {
        return NAMES.get(type);
    }

    /** {@code type.googleapis.com/} + the full name. */
    public static String typeUrl(Class<? extends Message> type) {
        return PREFIX + fullName(type);
    }

    /** As {@link Any#unpack}: the type URL must name {@code type} (any host part before the last '/'). */
    @SuppressWarnings("unchecked")
    public static <T extends Message> T unpack(Any any, Class<T> type) throws InvalidProtocolBufferException {
        String url = any.getTypeUrl();
        String name = url.substring(url.lastIndexOf('/') + 1);
        if (!name.equals(fullName(type))) {
            throw new InvalidProtocolBufferException("Type of the Any message does not match the given class.");
        }
        return (T) PARSERS.get(type).parseFrom(any.getValue());
    }
}
