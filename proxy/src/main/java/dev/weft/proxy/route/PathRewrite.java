package dev.weft.proxy.route;

import java.util.Optional;

/** Envoy's path rewrites of a forwarded request or a redirect: {@code prefix_rewrite} or {@code regex_rewrite}. */
public final class PathRewrite {

    private PathRewrite() {
    }

    /**
     * The new path-and-query. {@code prefix_rewrite} replaces the part the route's prefix (or exact
     * path) matched; {@code regex_rewrite} rewrites the path and keeps the query string.
     */
    public static String apply(String pathAndQuery, PathMatcher matched, String prefixRewrite,
            Optional<RegexRewrite> regexRewrite) {
        if (regexRewrite.isPresent()) {
            int question = pathAndQuery.indexOf('?');
            String path = question >= 0 ? pathAndQuery.substring(0, question) : pathAndQuery;
            String query = question >= 0 ? pathAndQuery.substring(question) : "";
            return regexRewrite.get().apply(path) + query;
        }
        if (prefixRewrite == null) {
            return pathAndQuery;
        }
        int matchedLength = switch (matched) {
            case PathMatcher.Prefix prefix -> prefix.prefix().length();
            case PathMatcher.SeparatedPrefix prefix -> prefix.prefix().length();
            case PathMatcher.Exact exact -> exact.path().length();
            case PathMatcher.Regex regex -> -1;
        };
        if (matchedLength < 0 || matchedLength > pathAndQuery.length()) {
            return pathAndQuery;
        }
        return prefixRewrite + pathAndQuery.substring(matchedLength);
    }
}
