package dev.weft.proxy.route;

/**
 * The path part of Envoy's {@code RouteMatch} (the {@code path_specifier} oneof). Matched against
 * the path without the query string; {@code case_sensitive} (default true) applies to prefix and
 * path, not to regexes.
 */
public sealed interface PathMatcher {

    boolean matches(String path);

    record Prefix(String prefix, boolean caseSensitive) implements PathMatcher {
        @Override
        public boolean matches(String path) {
            return path.regionMatches(!caseSensitive, 0, prefix, 0, prefix.length());
        }
    }

    record Exact(String path, boolean caseSensitive) implements PathMatcher {
        @Override
        public boolean matches(String input) {
            return caseSensitive ? input.equals(path) : input.equalsIgnoreCase(path);
        }
    }

    /** {@code path_separated_prefix}: the prefix followed by the end of the path or '/'. */
    record SeparatedPrefix(String prefix, boolean caseSensitive) implements PathMatcher {
        @Override
        public boolean matches(String path) {
            return path.regionMatches(!caseSensitive, 0, prefix, 0, prefix.length())
                    && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
        }
    }

    record Regex(StringMatcher.Regex regex) implements PathMatcher {
        @Override
        public boolean matches(String path) {
            return regex.matches(path);
        }
    }
}
