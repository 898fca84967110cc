package dev.weft.proxy.route;

import java.util.random.RandomGenerator;

/**
 * One of {@code request_mirror_policies}: a copy of the request goes to {@code cluster} for
 * {@code numerator / denominator} of the requests ({@code runtime_fraction}'s default value).
 */
public record MirrorPolicy(String cluster, int numerator, int denominator) {

    public boolean sample(RandomGenerator random) {
        return numerator > 0 && (numerator >= denominator || random.nextInt(denominator) < numerator);
    }
}
