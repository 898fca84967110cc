package dev.weft.proxy.route;

import java.util.List;
import java.util.function.IntUnaryOperator;

/** Which cluster a route sends to: one, or one of several by weight. */
public sealed interface ClusterSpecifier {

    /** The cluster for one request; {@code random} gives a number in [0, bound). */
    String pick(IntUnaryOperator random);

    /** Every cluster it may send to (what warming waits for). */
    List<String> clusters();

    record Single(String cluster) implements ClusterSpecifier {
        @Override
        public String pick(IntUnaryOperator random) {
            return cluster;
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
            int point = random.applyAsInt(totalWeight);
            for (WeightedCluster target : targets) {
                point -= target.weight();
                if (point < 0) {
                    return target.cluster();
                }
            }
            return targets.getLast().cluster();
        }

        @Override
        public List<String> clusters() {
            return targets.stream().map(WeightedCluster::cluster).toList();
        }
    }

    record WeightedCluster(String cluster, int weight) {
    }
}
