package io.headroom.core.target;

import io.headroom.core.config.TargetGroupConfig;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * How a target group picks one of its selectable targets for a new request (AWS's
 * {@code load_balancing.algorithm.type}). Membership and health decide <em>which</em> candidates there are;
 * a strategy only chooses among them. Thread-safe, lock-free and allocation-free: it runs once per request.
 */
public interface SelectionStrategy {

    /**
     * Picks a candidate.
     *
     * @param candidates the selectable targets, not empty; the array is not modified
     * @param exclude    index of a candidate to avoid (a retry after it failed), or -1; it is chosen only when it is
     *                   the only candidate
     * @return an index into {@code candidates}
     */
    int select(Candidate[] candidates, int exclude);

    /** The strategy of an algorithm; weighted random draws from {@link ThreadLocalRandom}. */
    static SelectionStrategy of(TargetGroupConfig.Algorithm algorithm) {
        return of(algorithm, null);
    }

    /**
     * The strategy of an algorithm.
     *
     * @param random where weighted random and tie-breaking draw from (a seeded generator in tests; it must be
     *               thread-safe, like {@link java.util.Random}); null for {@link ThreadLocalRandom}
     */
    static SelectionStrategy of(TargetGroupConfig.Algorithm algorithm, RandomGenerator random) {
        Objects.requireNonNull(algorithm, "algorithm");
        return switch (algorithm) {
            case ROUND_ROBIN -> new Strategies.RoundRobin();
            case LEAST_OUTSTANDING_REQUESTS -> new Strategies.LeastOutstanding();
            case WEIGHTED_RANDOM -> new Strategies.WeightedRandom(random);
        };
    }
}
