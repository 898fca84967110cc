package dev.weft.proxy.route;

import com.google.re2j.Pattern;
import java.util.Locale;

/** Envoy's {@code type.matcher.v3.StringMatcher}: one of exact, prefix, suffix, contains, safe_regex. */
public sealed interface StringMatcher {

    boolean matches(String value);

    /** {@code exact}, with Envoy's {@code ignore_case}. */
    record Exact(String value, boolean ignoreCase) implements StringMatcher {
        @Override
        public boolean matches(String input) {
            return ignoreCase ? input.equalsIgnoreCase(value) : input.equals(value);
        }
    }

    record Prefix(String value, boolean ignoreCase) implements StringMatcher {
        @Override
        public boolean matches(String input) {
            return input.regionMatches(ignoreCase, 0, value, 0, value.length());
        }
    }

    record Suffix(String value, boolean ignoreCase) implements StringMatcher {
        @Override
        public boolean matches(String input) {
            int start = input.length() - value.length();
            return start >= 0 && input.regionMatches(ignoreCase, start, value, 0, value.length());
        }
    }

    record Contains(String value, boolean ignoreCase) implements StringMatcher {
        @Override
        public boolean matches(String input) {
            return ignoreCase
                    ? input.toLowerCase(Locale.ROOT).contains(value.toLowerCase(Locale.ROOT))
                    : input.contains(value);
        }
    }

    /** {@code safe_regex}: RE2 syntax, matched against the whole value (Envoy's full match). */
    record Regex(Pattern pattern) implements StringMatcher {
        @Override
        public boolean matches(String input) {
            return pattern.matches(input);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Regex regex && regex.pattern.pattern().equals(pattern.pattern());
        }

        @Override
        public int hashCode() {
            return pattern.pattern().hashCode();
        }
    }
}
