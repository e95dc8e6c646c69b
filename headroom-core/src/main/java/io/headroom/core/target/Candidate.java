package io.headroom.core.target;

/**
 * What a {@link SelectionStrategy} knows about one selectable target: its weight and how many requests it has
 * in flight. Implementations answer from volatile or atomic fields; both are read on the request path.
 */
public interface Candidate {

    /** The relative share of traffic, &gt; 0; 1 unless slow start lowers it while a target warms up. */
    double weight();

    /** Requests sent to the target and not yet finished. */
    int outstanding();
}
