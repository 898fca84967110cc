package dev.weft.proxy.config;

import dev.weft.proxy.route.PathMatcher;
import dev.weft.proxy.route.RegexRewrite;
import dev.weft.proxy.route.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import java.util.Optional;

/** Envoy's {@code RedirectAction} to a {@link RouteAction.Redirect}. */
final class Redirects {

    private Redirects() {
    }

    static RouteAction.Redirect convert(RedirectAction redirect, PathMatcher matched, String field)
            throws ConversionException {
        String scheme = switch (redirect.getSchemeRewriteSpecifierCase()) {
            case HTTPS_REDIRECT -> redirect.getHttpsRedirect() ? "https" : null;
            case SCHEME_REDIRECT -> redirect.getSchemeRedirect().isEmpty() ? null : redirect.getSchemeRedirect();
            case SCHEMEREWRITESPECIFIER_NOT_SET -> null;
        };
        String path = null;
        String prefixRewrite = null;
        Optional<RegexRewrite> regexRewrite = Optional.empty();
        switch (redirect.getPathRewriteSpecifierCase()) {
            case PATH_REDIRECT -> path = redirect.getPathRedirect().isEmpty() ? null : redirect.getPathRedirect();
            case PREFIX_REWRITE -> {
                if (matched instanceof PathMatcher.Regex) {
                    throw new ConversionException(field + ".prefix_rewrite: cannot be used with a safe_regex match");
                }
                prefixRewrite = redirect.getPrefixRewrite();
            }
            case REGEX_REWRITE -> regexRewrite = RouteConverter.regexRewrite(true, redirect.getRegexRewrite(),
                    field + ".regex_rewrite");
            case PATHREWRITESPECIFIER_NOT_SET -> {
            }
        }
        int status = switch (redirect.getResponseCode()) {
            case MOVED_PERMANENTLY -> 301;
            case FOUND -> 302;
            case SEE_OTHER -> 303;
            case TEMPORARY_REDIRECT -> 307;
            case PERMANENT_REDIRECT -> 308;
            case UNRECOGNIZED -> throw new ConversionException(field + ".response_code: unknown value");
        };
        int port = redirect.getPortRedirect();
        if (port > 65535 || port < 0) {
            throw new ConversionException(field + ".port_redirect: " + port + " is not a port");
        }
        return new RouteAction.Redirect(scheme, redirect.getHostRedirect().isEmpty() ? null : redirect.getHostRedirect(),
                port, path, prefixRewrite, regexRewrite, status, redirect.getStripQuery());
    }
}
