package dev.weft.proxy.tls;

import java.util.Locale;

/**
 * One {@code match_typed_subject_alt_names} entry: a SAN type (DNS, URI, EMAIL, IP, or ANY for the
 * untyped {@code match_subject_alt_names}) and Envoy's string match on its value.
 */
public record SanMatcher(Type type, Kind kind, String value, boolean ignoreCase) {

    public enum Type { ANY, DNS, URI, EMAIL, IP }

    public enum Kind { EXACT, PREFIX, SUFFIX, CONTAINS }

    /** Whether a SAN of the given X.509 GeneralName type (1 email, 2 DNS, 6 URI, 7 IP) matches. */
    boolean matches(int generalNameType, String san) {
        Type t = switch (generalNameType) {
            case 1 -> Type.EMAIL;
            case 2 -> Type.DNS;
            case 6 -> Type.URI;
            case 7 -> Type.IP;
            default -> null;
        };
        if (t == null || type != Type.ANY && type != t) {
            return false;
        }
        String a = ignoreCase ? san.toLowerCase(Locale.ROOT) : san;
        String b = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
        if (t == Type.DNS && kind == Kind.EXACT && a.startsWith("*.")) {
            // A wildcard certificate name covers one label, as Envoy's dnsNameMatch.
            int dot = b.indexOf('.');
            return dot > 0 && a.substring(1).equals(b.substring(dot));
        }
        return switch (kind) {
            case EXACT -> a.equals(b);
            case PREFIX -> a.startsWith(b);
            case SUFFIX -> a.endsWith(b);
            case CONTAINS -> a.contains(b);
        };
    }
}
