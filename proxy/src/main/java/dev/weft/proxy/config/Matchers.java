package dev.weft.proxy.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.weft.proxy.route.HeaderMatcher;
import dev.weft.proxy.route.QueryParameterMatcher;
import dev.weft.proxy.route.StringMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import java.util.Locale;

/** Envoy's string, regex, header and query parameter matchers to domain matchers. */
public final class Matchers {

    private Matchers() {
    }

    /** {@code safe_regex}: RE2 syntax (the only engine Envoy has; re2j implements it). */
    public static StringMatcher.Regex regex(RegexMatcher regex, String field) throws ConversionException {
        try {
            return new StringMatcher.Regex(Pattern.compile(regex.getRegex()));
        } catch (PatternSyntaxException e) {
            throw new ConversionException(field + ".regex: invalid regex '" + regex.getRegex() + "': "
                    + e.getDescription());
        }
    }

    public static StringMatcher string(io.envoyproxy.envoy.type.matcher.v3.StringMatcher matcher, String field)
            throws ConversionException {
        boolean ignoreCase = matcher.getIgnoreCase();
        return switch (matcher.getMatchPatternCase()) {
            case EXACT -> new StringMatcher.Exact(matcher.getExact(), ignoreCase);
            case PREFIX -> new StringMatcher.Prefix(nonEmpty(matcher.getPrefix(), field + ".prefix"), ignoreCase);
            case SUFFIX -> new StringMatcher.Suffix(nonEmpty(matcher.getSuffix(), field + ".suffix"), ignoreCase);
            case CONTAINS -> new StringMatcher.Contains(nonEmpty(matcher.getContains(), field + ".contains"),
                    ignoreCase);
            case SAFE_REGEX -> regex(matcher.getSafeRegex(), field + ".safe_regex");
            case CUSTOM -> throw new ConversionException(field + ".custom: not supported by weft-proxy yet");
            case MATCHPATTERN_NOT_SET -> throw new ConversionException(field + ": one of exact, prefix, suffix, "
                    + "contains, safe_regex is required");
        };
    }

    private static String nonEmpty(String value, String field) throws ConversionException {
        if (value.isEmpty()) {
            throw new ConversionException(field + ": must not be empty");
        }
        return value;
    }

    public static HeaderMatcher header(io.envoyproxy.envoy.config.route.v3.HeaderMatcher header, String field)
            throws ConversionException {
        if (header.getName().isEmpty()) {
            throw new ConversionException(field + ".name: must not be empty");
        }
        HeaderMatcher.Rule rule = switch (header.getHeaderMatchSpecifierCase()) {
            case EXACT_MATCH -> new HeaderMatcher.Value(new StringMatcher.Exact(header.getExactMatch(), false));
            case SAFE_REGEX_MATCH -> new HeaderMatcher.Value(regex(header.getSafeRegexMatch(),
                    field + ".safe_regex_match"));
            case RANGE_MATCH -> {
                if (header.getRangeMatch().getStart() >= header.getRangeMatch().getEnd()) {
                    throw new ConversionException(field + ".range_match: start must be less than end");
                }
                yield new HeaderMatcher.Range(header.getRangeMatch().getStart(), header.getRangeMatch().getEnd());
            }
            case PRESENT_MATCH -> new HeaderMatcher.Present(header.getPresentMatch());
            case PREFIX_MATCH -> new HeaderMatcher.Value(new StringMatcher.Prefix(header.getPrefixMatch(), false));
            case SUFFIX_MATCH -> new HeaderMatcher.Value(new StringMatcher.Suffix(header.getSuffixMatch(), false));
            case CONTAINS_MATCH -> new HeaderMatcher.Value(new StringMatcher.Contains(header.getContainsMatch(),
                    false));
            case STRING_MATCH -> new HeaderMatcher.Value(string(header.getStringMatch(), field + ".string_match"));
            // Envoy: no specifier means "the header is present".
            case HEADERMATCHSPECIFIER_NOT_SET -> new HeaderMatcher.Present(true);
        };
        return new HeaderMatcher(header.getName().toLowerCase(Locale.ROOT), rule, header.getInvertMatch(),
                header.getTreatMissingHeaderAsEmpty());
    }

    public static QueryParameterMatcher queryParameter(
            io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher query, String field)
            throws ConversionException {
        if (query.getName().isEmpty()) {
            throw new ConversionException(field + ".name: must not be empty");
        }
        return switch (query.getQueryParameterMatchSpecifierCase()) {
            case STRING_MATCH -> new QueryParameterMatcher(query.getName(),
                    string(query.getStringMatch(), field + ".string_match"));
            case PRESENT_MATCH, QUERYPARAMETERMATCHSPECIFIER_NOT_SET -> new QueryParameterMatcher(query.getName(),
                    null);
        };
    }
}
