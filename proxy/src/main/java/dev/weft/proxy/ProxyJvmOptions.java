package dev.weft.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxy's JVM flags (heap, GC, stacks, code cache, ...), read from the one file that holds them,
 * {@code dev/weft/proxy/jvm.options} in the proxy module: whoever starts a proxy JVM (the
 * {@code weft} launcher script for {@code weft proxy}, {@code weft up} for its sidecars and gateway,
 * the proxy benchmark) runs these, so what is measured is what ships.
 */
public final class ProxyJvmOptions {

    /** The environment variable whose flags (split on white space) go after the file's. */
    public static final String OVERRIDE_ENV = "WEFT_PROXY_JVM_OPTS";

    static final String RESOURCE = "jvm.options";

    /**
     * A named set of flags for one way of running proxies: the base file's flags, then the
     * profile's own file (beside it) on top, then {@value #OVERRIDE_ENV}. The JVM takes the last of
     * a repeated flag, so a profile only names what it changes.
     */
    public enum Profile {
        /** {@code weft proxy} and the proxy benchmark: the throughput flags of {@code jvm.options} alone. */
        DEFAULT(null),
        /**
         * {@code weft up}'s and {@code weft run}'s gateway and sidecars on one machine
         * ({@code jvm-local-mesh.options}): tuned for start time, since a laptop starts seven proxy
         * JVMs at once and a sidecar's start is on the critical path of a workload joining.
         */
        LOCAL_MESH("jvm-local-mesh.options");

        private final String resource;

        Profile(String resource) {
            this.resource = resource;
        }
    }

    private ProxyJvmOptions() {
    }

    /** The file's flags, in order. */
    public static List<String> defaults() {
        return read(RESOURCE);
    }

    /** The base file's flags followed by the profile's own. */
    public static List<String> defaults(Profile profile) {
        if (profile.resource == null) {
            return defaults();
        }
        List<String> flags = new ArrayList<>(defaults());
        flags.addAll(read(profile.resource));
        return List.copyOf(flags);
    }

    private static List<String> read(String resource) {
        try (InputStream in = ProxyJvmOptions.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("dev/weft/proxy/" + resource + " missing from the class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's flags followed by {@value #OVERRIDE_ENV}'s (the JVM takes the last of a repeated flag). */
    public static List<String> withOverrides(String overrides) {
        return withOverrides(Profile.DEFAULT, overrides);
    }

    /** The profile's flags followed by {@value #OVERRIDE_ENV}'s. */
    public static List<String> withOverrides(Profile profile, String overrides) {
        List<String> flags = new ArrayList<>(defaults(profile));
        if (overrides != null && !overrides.isBlank()) {
            flags.addAll(List.of(overrides.trim().split("\\s+")));
        }
        return List.copyOf(flags);
    }

    /** The flags of this process's environment: the file's, then {@value #OVERRIDE_ENV}'s. */
    public static List<String> current() {
        return withOverrides(System.getenv(OVERRIDE_ENV));
    }

    /** The profile's flags, then {@value #OVERRIDE_ENV}'s. */
    public static List<String> current(Profile profile) {
        return withOverrides(profile, System.getenv(OVERRIDE_ENV));
    }

    /** One flag per line; blank lines and {@code #} comments (whole line or trailing) are skipped. */
    static List<String> parse(String text) {
        List<String> flags = new ArrayList<>();
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            String flag = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!flag.isEmpty()) {
                flags.add(flag);
            }
        }
        return List.copyOf(flags);
    }

    /** Prints the flags, one per line (for scripts that start a proxy JVM). */
    public static void main(String[] args) {
        current().forEach(System.out::println);
    }
}
