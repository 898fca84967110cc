package dev.weft.proxy.config;

import dev.weft.proxy.route.HeaderMutation;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code *_headers_to_add} / {@code *_headers_to_remove} of one level to a {@link HeaderMutation}. */
final class HeaderMutations {

    private HeaderMutations() {
    }

    static HeaderMutation convert(List<HeaderValueOption> add, List<String> remove, String field)
            throws ConversionException {
        List<String> removed = new ArrayList<>();
        for (String name : remove) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.isEmpty() || lower.startsWith(":") || lower.equals("host")) {
                throw new ConversionException(field + "_to_remove: '" + name + "' cannot be removed");
            }
            removed.add(lower);
        }
        List<HeaderMutation.Add> added = new ArrayList<>();
        for (int i = 0; i < add.size(); i++) {
            HeaderValueOption option = add.get(i);
            String at = field + "_to_add[" + i + "]";
            String name = option.getHeader().getKey().toLowerCase(Locale.ROOT);
            if (name.isEmpty() || name.startsWith(":") || name.equals("host")) {
                throw new ConversionException(at + ".header.key: '" + option.getHeader().getKey()
                        + "' cannot be set this way");
            }
            String value = option.getHeader().getValue();
            if (value.isEmpty() && !option.getHeader().getRawValue().isEmpty()) {
                value = option.getHeader().getRawValue().toString(java.nio.charset.StandardCharsets.UTF_8);
            }
            value = literal(value, at + ".header.value");
            // Refused here rather than per request: the router sets these on the request's own
            // header map, which validates as the codec does (and no CR/LF may reach an upstream).
            if (io.netty.handler.codec.http.HttpHeaderValidationUtil.validateToken(name) >= 0) {
                throw new ConversionException(at + ".header.key: '" + option.getHeader().getKey()
                        + "' is not a valid header name");
            }
            if (io.netty.handler.codec.http.HttpHeaderValidationUtil.validateValidHeaderValue(value) >= 0) {
                throw new ConversionException(at + ".header.value: not a valid header value (control characters)");
            }
            HeaderMutation.AppendAction action;
            if (option.hasAppend()) {
                // The deprecated BoolValue wins when set, as in Envoy.
                action = option.getAppend().getValue() ? HeaderMutation.AppendAction.APPEND_IF_EXISTS_OR_ADD
                        : HeaderMutation.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
            } else {
                action = switch (option.getAppendAction()) {
                    case APPEND_IF_EXISTS_OR_ADD -> HeaderMutation.AppendAction.APPEND_IF_EXISTS_OR_ADD;
                    case ADD_IF_ABSENT -> HeaderMutation.AppendAction.ADD_IF_ABSENT;
                    case OVERWRITE_IF_EXISTS_OR_ADD -> HeaderMutation.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
                    case OVERWRITE_IF_EXISTS -> HeaderMutation.AppendAction.OVERWRITE_IF_EXISTS;
                    case UNRECOGNIZED -> throw new ConversionException(at + ".append_action: unknown value");
                };
            }
            added.add(new HeaderMutation.Add(name, value, action, option.getKeepEmptyValue()));
        }
        return new HeaderMutation(removed, added);
    }

    /**
     * Header values are Envoy substitution formats: {@code %%} is a literal '%', other
     * {@code %COMMAND%}s are not supported here and are refused rather than sent as text.
     */
    private static String literal(String value, String field) throws ConversionException {
        if (value.indexOf('%') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 1 < value.length() && value.charAt(i + 1) == '%') {
                    out.append('%');
                    i++;
                    continue;
                }
                throw new ConversionException(field + ": '" + value + "': %COMMAND% substitutions are not supported "
                        + "by weft-proxy yet (write %% for a literal %)");
            }
            out.append(c);
        }
        return out.toString();
    }
}
