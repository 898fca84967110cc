package dev.weft.proxy.route;

import com.google.re2j.Pattern;

/**
 * Envoy's {@code RegexMatchAndSubstitute} on a path: every match of the pattern is replaced by the
 * substitution, whose {@code \1}-style group references are RE2's (held here in re2j's {@code $1}
 * form). The query string is not part of the input.
 */
public record RegexRewrite(Pattern pattern, String replacement) {

    /** From Envoy's substitution syntax: {@code \N} is group N, {@code \\} a backslash, {@code $} literal. */
    public static RegexRewrite of(Pattern pattern, String substitution) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < substitution.length(); i++) {
            char c = substitution.charAt(i);
            if (c == '\\' && i + 1 < substitution.length() && Character.isDigit(substitution.charAt(i + 1))) {
                out.append('$').append(substitution.charAt(++i));
            } else if (c == '\\' && i + 1 < substitution.length() && substitution.charAt(i + 1) == '\\') {
                out.append("\\\\");
                i++;
            } else if (c == '$') {
                out.append("\\$");
            } else {
                out.append(c);
            }
        }
        return new RegexRewrite(pattern, out.toString());
    }

    public String apply(String path) {
        return pattern.matcher(path).replaceAll(replacement);
    }
}
