package dev.weft.proxy.route;

import java.util.List;
import java.util.function.IntUnaryOperator;

/** Which cluster a route sends to: one, or one of several by weight. */
public sealed interface ClusterSpecifier {

    /** The cluster for one request; {@code random} gives a number in [0, bound). */
    String pick(IntUnaryOperator random);

    /** The choice for one request with its weighted cluster's header mutations (NONE for a single cluster). */
    default WeightedCluster choose(IntUnaryOperator random) {
        return new WeightedCluster(pick(random), 1);
    }

    /** Every cluster it may send to (what warming waits for). */
    List<String> clusters();

    /** @param target the choice every request gets, made once (not per request) */
    record Single(String cluster, WeightedCluster target) implements ClusterSpecifier {
        public Single(String cluster) {
            this(cluster, new WeightedCluster(cluster, 1));
        }

        @Override
        public String pick(IntUnaryOperator random) {
            return cluster;
        }

        @Override
        public WeightedCluster choose(IntUnaryOperator random) {
            return target;
        }

        @Override
        public List<String> clusters() {
            return List.of(cluster);
        }
    }

    /**
     * {@code weighted_clusters}: a request goes to a cluster with probability weight / total, where
     * total is the sum of the weights (Envoy's current rule; {@code total_weight} is deprecated).
     */
    record Weighted(List<WeightedCluster> targets, int totalWeight) implements ClusterSpecifier {

        public Weighted {
            targets = List.copyOf(targets);
        }

        public static Weighted of(List<WeightedCluster> targets) {
            return new Weighted(targets, targets.stream().mapToInt(WeightedCluster::weight).sum());
        }

        @Override
        public String pick(IntUnaryOperator random) {
            return choose(random).cluster();
        }

        @Override
        public WeightedCluster choose(IntUnaryOperator random) {
            int point = random.applyAsInt(totalWeight);
            for (WeightedCluster target : targets) {
                point -= target.weight();
                if (point < 0) {
                    return target;
                }
            }
            return targets.getLast();
        }

        @Override
        public List<String> clusters() {
            return targets.stream().map(WeightedCluster::cluster).toList();
        }
    }

    /**
     * One of {@code weighted_clusters.clusters}, with its own header mutations (applied before the
     * route's: it is the most specific level).
     */
    record WeightedCluster(String cluster, int weight, HeaderMutation requestHeaders, HeaderMutation responseHeaders) {
        public WeightedCluster(String cluster, int weight) {
            this(cluster, weight, HeaderMutation.NONE, HeaderMutation.NONE);
        }

        /** A single-cluster route's target (for code that only has the route). */
        public static WeightedCluster of(RouteAction.Forward forward) {
            return new WeightedCluster(forward.target().clusters().getFirst(), 1);
        }
    }
}
