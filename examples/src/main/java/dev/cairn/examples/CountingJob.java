package dev.cairn.examples;

import dev.cairn.checkpoint.CheckpointCoordinator;
import dev.cairn.checkpoint.CheckpointParticipant;
import dev.cairn.checkpoint.OperatorStateStore;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.ReducingState;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.serde.Serializers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The job of the checkpoint examples: per user a count ({@link ValueState}) and a sum of amounts
 * ({@link ReducingState}) over the stream of {@link Demo#user} and {@link Demo#amount}, with the
 * stream position as operator state, checkpointed together by a {@link CheckpointCoordinator}. The
 * order of calls is Cairn's: register the backend, restore, register states, start.
 */
public final class CountingJob implements AutoCloseable {

  /** Users in the stream. */
  public static final int USERS = 1_000;

  private final KeyedStateBackend<String> backend;
  private final CheckpointCoordinator coordinator;
  private final CheckpointParticipant task;
  private final OptionalLong restored;
  private final ValueState<Long> count;
  private final ReducingState<Long> sum;
  private volatile long position;

  /**
   * Opens the job: a {@code kind} backend (RocksDB working in {@code directory}), the coordinator
   * {@code checkpoints} builds, and the latest checkpoint of its job directory restored if there is
   * one. Call {@link #start()} to begin periodic checkpoints.
   */
  public CountingJob(String kind, Path directory, CheckpointCoordinator.Builder checkpoints) {
    backend = Demo.backend(kind, Serializers.STRING, directory);
    CheckpointCoordinator built = null;
    try {
      built = checkpoints.build();
      OperatorStateStore operatorState = new OperatorStateStore();
      task = built.register(backend, operatorState);
      restored = built.restoreLatest();
      ListState<Long> saved = operatorState.getListState("position", Serializers.LONG);
      saved.get().forEach(p -> position = p);
      count = backend.getState(StateDescriptors.value("count", Serializers.LONG, 0L));
      sum = backend.getState(StateDescriptors.reducing("sum", Long::sum, Serializers.LONG));
      task.beforeSnapshot(() -> saved.update(List.of(position)));
      coordinator = built;
    } catch (RuntimeException e) {
      if (built != null) {
        built.close();
      }
      backend.close();
      throw e;
    }
  }

  /** Returns the id of the checkpoint restored when the job opened, if any. */
  public OptionalLong restored() {
    return restored;
  }

  /** Starts periodic checkpoints, if the coordinator has an interval. */
  public void start() {
    coordinator.start();
  }

  /** Returns the position of the next event: how many events the state holds. Any thread. */
  public long position() {
    return position;
  }

  /** Passes the safe point, then processes the next event; on the task thread. */
  public void processNext() {
    task.checkpointIfPending();
    long at = position;
    backend.setCurrentKey(Demo.user(at, USERS));
    count.update(count.value() + 1);
    sum.add(Demo.amount(at));
    position = at + 1;
  }

  /** Passes the safe point without processing: lets a pending checkpoint take its part. */
  public void idle() {
    task.checkpointIfPending();
  }

  /** Returns the coordinator. */
  public CheckpointCoordinator coordinator() {
    return coordinator;
  }

  /** Returns the participant (the task thread's side of checkpoints). */
  public CheckpointParticipant task() {
    return task;
  }

  /** Returns every user's {@code count,sum}, sorted by user; on the task thread. */
  public Map<String, String> totals() {
    Map<String, String> totals = new TreeMap<>();
    List<String> users;
    try (Stream<String> keys = backend.keys("count")) {
      users = keys.toList();
    }
    for (String user : users) {
      backend.setCurrentKey(user);
      totals.put(user, count.value() + "," + sum.get());
    }
    return totals;
  }

  /** Returns the sum of every user's count: equals {@link #position()} when state and position agree. */
  public static long totalCount(Map<String, String> totals) {
    return totals.values().stream().mapToLong(t -> Long.parseLong(t.substring(0, t.indexOf(',')))).sum();
  }

  /** Closes the coordinator (cancelling a pending checkpoint), then the backend. */
  @Override
  public void close() {
    try {
      coordinator.close();
    } finally {
      backend.close();
    }
  }
}
