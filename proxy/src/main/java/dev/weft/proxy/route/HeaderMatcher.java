package dev.weft.proxy.route;

import java.util.List;

/**
 * Envoy's {@code config.route.v3.HeaderMatcher}. Several values of one header are joined with ','
 * before matching, as Envoy does. {@code treatMissingAsEmpty} matches an absent header as "".
 *
 * @param name   header name, lower case
 * @param rule   what the value must satisfy
 * @param invert {@code invert_match}
 */
public record HeaderMatcher(String name, Rule rule, boolean invert, boolean treatMissingAsEmpty) {

    /** What a header's value must satisfy. */
    public sealed interface Rule {
    }

    /** {@code present_match}: the header is there (or, with false, is not). */
    public record Present(boolean present) implements Rule {
    }

    /** {@code string_match} (and the deprecated exact/prefix/suffix/contains/safe_regex fields). */
    public record Value(StringMatcher matcher) implements Rule {
    }

    /** {@code range_match}: an integer value in [start, end). */
    public record Range(long start, long end) implements Rule {
    }

    public boolean matches(List<String> values) {
        String value = values.isEmpty() ? (treatMissingAsEmpty ? "" : null) : String.join(",", values);
        if (value == null) {
            // Envoy (HeaderUtility::matchHeaders): an absent header matches only present_match:false,
            // or, inverted, present_match:true.
            return rule instanceof Present present && present.present() == invert;
        }
        boolean result = switch (rule) {
            case Present present -> present.present();
            case Value v -> v.matcher().matches(value);
            case Range range -> inRange(value, range);
        };
        return result != invert;
    }

    private static boolean inRange(String value, Range range) {
        try {
            long number = Long.parseLong(value.strip());
            return number >= range.start() && number < range.end();
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
