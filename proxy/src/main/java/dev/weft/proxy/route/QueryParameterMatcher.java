package dev.weft.proxy.route;

import java.util.List;

/**
 * Envoy's {@code QueryParameterMatcher}: the named parameter is present ({@code present_match}) or
 * its (first) value satisfies {@code string_match}.
 *
 * @param matcher null for a presence check
 */
public record QueryParameterMatcher(String name, StringMatcher matcher) {

    public boolean matches(List<String> values) {
        if (values.isEmpty()) {
            return false;
        }
        return matcher == null || matcher.matches(values.getFirst());
    }
}
