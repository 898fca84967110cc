package dev.weft.proxy.config;

/**
 * An xDS resource that cannot be used. The message names the field path inside the resource
 * ({@code virtual_hosts[0].routes[1].match.safe_regex.regex: ...}); the xDS client prefixes the
 * resource type and name and sends it back as the NACK's error text.
 */
public final class ConversionException extends Exception {

    public ConversionException(String message) {
        super(message, null, false, false);
    }

    /** The same error one level further out: {@code field} + "." + this message's path. */
    public ConversionException under(String field) {
        return new ConversionException(field + (getMessage().startsWith("[") ? "" : ".") + getMessage());
    }
}
