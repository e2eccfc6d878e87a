package dev.cairn.state.kit;

/**
 * The conformance kit: every contract a keyed state backend must meet, so that users get the same
 * semantics on every backend (summarised in the root README). Each contract is an interface of default JUnit 5
 * tests; a backend adopts the whole kit by implementing its one factory method:
 *
 * <pre>{@code
 * class HeapBackendConformanceTest implements ConformanceKit {
 *   @Override
 *   public <K> KeyedStateBackend<K> createBackend(
 *       TypeSerializer<K> keySerializer, int maxParallelism, KeyGroupRange keyGroupRange) {
 *     return HeapStateBackend.builder(keySerializer)
 *         .maxParallelism(maxParallelism).keyGroupRange(keyGroupRange).build();
 *   }
 * }
 * }</pre>
 *
 * <p>Add {@code cairn-state-api} with {@code <type>test-jar</type>} and test scope, plus JUnit
 * Jupiter and AssertJ. A decorator or a backend with fewer capabilities implements only the
 * contracts it meets (for example {@code ValueStateContract, SnapshotContract}) instead of
 * overriding tests to switch them off; extra backend-specific tests go next to them.
 *
 * <p>The kit creates every backend through {@link KitFixture#createBackend}, closes them after each
 * test, and before closing checks invariants on those still open: {@code keys(state)} lists exactly
 * the keys whose reads are not empty, and a snapshot restored into a fresh backend reads the same
 * (see {@link KitSupport}). Snapshot tests write through {@link MemorySnapshotStore}, which other
 * modules may reuse. The model-based test prints its seed on failure; {@code -Dcairn.kit.seed=N}
 * runs other sequences.
 */
public interface ConformanceKit
    extends ValueStateContract,
        ListStateContract,
        MapStateContract,
        ReducingStateContract,
        AggregatingStateContract,
        BackendContract,
        SnapshotContract,
        ModelBasedContract,
        SchemaEvolutionContract {}
