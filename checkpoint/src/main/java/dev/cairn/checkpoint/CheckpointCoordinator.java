package dev.cairn.checkpoint;

import dev.cairn.checkpoint.storage.CheckpointFiles;
import dev.cairn.checkpoint.storage.CheckpointLayout;
import dev.cairn.checkpoint.storage.CheckpointMetadata;
import dev.cairn.checkpoint.storage.CorruptFileException;
import dev.cairn.checkpoint.storage.FileLayer;
import dev.cairn.checkpoint.storage.FileSnapshotInput;
import dev.cairn.checkpoint.storage.FileSnapshotOutput;
import dev.cairn.checkpoint.storage.JobDirectory;
import dev.cairn.checkpoint.storage.OperatorStateFormat;
import dev.cairn.checkpoint.storage.StoredFile;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.StateException;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.SnapshotResult;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes consistent checkpoints of every registered participant (a task thread's keyed backend and
 * operator state) into a job directory, restores them, and writes savepoints.
 *
 * <pre>{@code
 * try (CheckpointCoordinator coordinator = CheckpointCoordinator.builder(jobDir)
 *         .interval(Duration.ofMillis(200)).build()) {
 *   OperatorStateStore operatorState = new OperatorStateStore();
 *   CheckpointParticipant task = coordinator.register(backend, operatorState);
 *   coordinator.restoreLatest();              // before processing: latest complete checkpoint, if any
 *   ListState<Long> offset = operatorState.getListState("offset", Serializers.LONG);
 *   coordinator.start();
 *   while (running) {
 *     task.checkpointIfPending();             // the safe point between records
 *     process(nextRecord());
 *   }
 * }
 * }</pre>
 *
 * <p><b>Protocol.</b> A trigger (periodic, or {@link #triggerCheckpoint()}) creates {@code chk-<id>/}
 * and marks the checkpoint pending at every participant. Each task thread, at its next safe point,
 * freezes its state (synchronous part) and goes on processing while a background thread writes its
 * files (asynchronous part). When every participant's files are durable, {@code _metadata} is written
 * (temp file, fsync, rename, directory fsync): from that instant the checkpoint exists. Then listeners
 * hear {@link CheckpointListener#notifyCheckpointComplete(long)} and checkpoints beyond the retention
 * count are deleted. A checkpoint that fails or times out is aborted and its directory removed;
 * processing goes on until more consecutive checkpoints failed than tolerated.
 *
 * <p>Thread-safe. Register participants and restore before {@link #start()}.
 */
public final class CheckpointCoordinator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointCoordinator.class);

  private final Builder config;
  private final FileLayer files;
  private final JobDirectory jobDirectory;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService asyncExecutor;
  private final List<CheckpointParticipant> participants = new ArrayList<>();
  private final TreeMap<Long, PendingCheckpoint> pending = new TreeMap<>();
  private final TreeMap<Long, CompletedCheckpoint> completed = new TreeMap<>();
  private final Object lock = new Object();
  private long nextId;
  private long lastCompletionNanos;
  private long lastNotifiedId;
  private int consecutiveFailures;
  private volatile CheckpointException failure;
  private boolean started;
  private boolean closed;

  private CheckpointCoordinator(Builder config) throws IOException {
    this.config = config;
    this.files = config.files;
    this.jobDirectory = JobDirectory.open(files, config.jobDirectory);
    for (long id : jobDirectory.completedIdsAtOpen()) {
      completed.put(id, new CompletedCheckpoint(id, jobDirectory.checkpointDirectory(id), false));
    }
    this.nextId = jobDirectory.maxSeenId() + 1;
    this.lastCompletionNanos = System.nanoTime() - config.minPause.toNanos();
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("cairn-checkpoint-coordinator"));
    this.asyncExecutor = Executors.newCachedThreadPool(daemon("cairn-checkpoint-async"));
  }

  /** Starts configuring a coordinator for the job directory {@code jobDirectory}. */
  public static Builder builder(Path jobDirectory) {
    return new Builder(jobDirectory);
  }

  // ---------------------------------------------------------------- registration and restore

  /**
   * Registers a task thread's state. Participants get indexes 0, 1, ... in registration order; a
   * restore redistributes operator state by these indexes.
   *
   * @throws IllegalStateException after {@link #start()}
   */
  public CheckpointParticipant register(KeyedStateBackend<?> backend, OperatorStateStore operatorState) {
    if (backend == null || operatorState == null) {
      throw new IllegalArgumentException("backend and operator state must not be null");
    }
    synchronized (lock) {
      checkOpen();
      if (started) {
        throw new IllegalStateException("participants must be registered before start()");
      }
      CheckpointParticipant participant = new CheckpointParticipant(this, participants.size(), backend, operatorState);
      participants.add(participant);
      return participant;
    }
  }

  /**
   * Restores the latest complete checkpoint of the job directory into every participant, after
   * verifying its metadata and every file. A damaged latest checkpoint fails with {@link
   * CheckpointCorruptedException}, unless {@link Builder#fallBackToOlderCheckpointOnCorruption()} was
   * chosen: then a warning is logged and the next older one is tried.
   *
   * @return the id restored, or empty if the directory has no complete checkpoint
   */
  public OptionalLong restoreLatest() {
    List<CompletedCheckpoint> candidates;
    synchronized (lock) {
      checkRestorable();
      candidates = new ArrayList<>(completed.descendingMap().values());
    }
    for (CompletedCheckpoint candidate : candidates) {
      CheckpointMetadata metadata;
      try {
        metadata = verify(candidate.directory(), candidate.checkpointId());
      } catch (CheckpointCorruptedException e) {
        if (!config.fallBackOnCorruption) {
          throw e;
        }
        LOG.warn("Checkpoint {} is damaged, falling back to an older one as configured: {}",
            candidate.checkpointId(), e.getMessage());
        continue;
      }
      restore(candidate.directory(), metadata);
      return OptionalLong.of(metadata.checkpointId());
    }
    return OptionalLong.empty();
  }

  /**
   * Restores the checkpoint or savepoint in {@code directory} into every participant, after verifying
   * it.
   *
   * @return the restored checkpoint's id
   * @throws CheckpointCorruptedException if it is damaged or incomplete
   */
  public long restore(Path directory) {
    synchronized (lock) {
      checkRestorable();
    }
    CheckpointMetadata metadata = verify(directory, -1);
    restore(directory, metadata);
    return metadata.checkpointId();
  }

  private CheckpointMetadata verify(Path directory, long expectedId) {
    try {
      return JobDirectory.readVerified(files, directory);
    } catch (CorruptFileException e) {
      throw new CheckpointCorruptedException(expectedId, e.file(), e);
    } catch (IOException e) {
      throw new CheckpointException("cannot read checkpoint " + directory + ": " + e.getMessage(), e);
    }
  }

  private void restore(Path directory, CheckpointMetadata metadata) {
    long id = metadata.checkpointId();
    List<Map<String, OperatorStateStore.StoredList>> operatorParts = new ArrayList<>();
    for (CheckpointMetadata.Participant old : metadata.participants()) {
      operatorParts.add(readOperatorState(directory, id, old.operatorState()));
    }
    int parallelism = participants.size();
    for (CheckpointParticipant p : participants) {
      KeyGroupRange range = p.backend().keyGroupRange();
      List<SnapshotInput> inputs = new ArrayList<>();
      List<CheckpointMetadata.Participant> old = metadata.participants();
      for (int i = 0; i < old.size(); i++) {
        if (old.get(i).keyGroupRange().intersect(range) != null) {
          String description = "checkpoint " + id + " (" + directory + "), task " + i;
          inputs.add(new FileSnapshotInput(files, directory, old.get(i).keyedStreams(), description));
        }
      }
      Snapshotable.of(p.backend()).restore(inputs);
      p.operatorState().restore(OperatorStateStore.redistribute(operatorParts, parallelism, p.index()));
    }
    synchronized (lock) {
      nextId = Math.max(nextId, id + 1);
    }
    LOG.info("Restored checkpoint {} from {} into {} participant(s)", id, directory, parallelism);
  }

  private Map<String, OperatorStateStore.StoredList> readOperatorState(Path directory, long id, StoredFile file) {
    Path path = directory.resolve(file.name());
    try (InputStream in = CheckpointFiles.openPayload(files, path, OperatorStateFormat.MAGIC, OperatorStateFormat.VERSION)) {
      return OperatorStateStore.decode(in.readAllBytes());
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + path + " of checkpoint " + id + ": " + e.getMessage(), e);
    } catch (StateException e) {
      throw new CheckpointCorruptedException(id, path, e);
    }
  }

  private void checkRestorable() {
    checkOpen();
    if (started) {
      throw new IllegalStateException("restore before start()");
    }
    if (participants.isEmpty()) {
      throw new IllegalStateException("register the participants before restoring");
    }
  }

  // ---------------------------------------------------------------- triggering

  /**
   * Starts periodic checkpoints if an interval was configured. Manual triggers work either way.
   *
   * @throws IllegalStateException if no participant is registered
   */
  public void start() {
    synchronized (lock) {
      checkOpen();
      if (participants.isEmpty()) {
        throw new IllegalStateException("register at least one participant before start()");
      }
      if (started) {
        return;
      }
      started = true;
    }
    if (config.interval != null) {
      long nanos = config.interval.toNanos();
      scheduler.scheduleAtFixedRate(() -> trigger(false, null, true), nanos, nanos, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Triggers a checkpoint now, regardless of the interval, minimum pause and concurrency limit.
   *
   * @return completes when the checkpoint is durable, or exceptionally when it is aborted
   */
  public CompletableFuture<CompletedCheckpoint> triggerCheckpoint() {
    return trigger(false, null, false);
  }

  /**
   * Writes a savepoint into {@code targetDirectory}, which must not exist or be empty: a
   * self-contained, relocatable copy of all state in the canonical format (file names only, no
   * absolute paths), restorable with {@link #restore(Path)} into any backend. Never removed by
   * retention.
   */
  public CompletableFuture<CompletedCheckpoint> triggerSavepoint(Path targetDirectory) {
    try {
      if (files.exists(targetDirectory) && !files.list(targetDirectory).isEmpty()) {
        return CompletableFuture.failedFuture(
            new CheckpointException("savepoint directory " + targetDirectory + " is not empty"));
      }
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    return trigger(true, targetDirectory, false);
  }

  /**
   * Deletes a savepoint: its listed files, its metadata and its directory. Refuses a directory that
   * is not a savepoint.
   *
   * @throws CheckpointException if {@code directory} is not a readable savepoint
   */
  public static void disposeSavepoint(Path directory) {
    FileLayer files = FileLayer.local();
    CheckpointMetadata metadata;
    try {
      metadata = JobDirectory.readVerified(files, directory);
    } catch (IOException | StateException e) {
      throw new CheckpointException("not a readable savepoint, nothing deleted: " + directory, e);
    }
    if (!metadata.savepoint()) {
      throw new CheckpointException(directory + " is a checkpoint, not a savepoint; nothing deleted");
    }
    try {
      for (CheckpointMetadata.Participant p : metadata.participants()) {
        for (CheckpointMetadata.StreamFile s : p.keyedStreams()) {
          files.delete(directory.resolve(s.file().name()));
        }
        files.delete(directory.resolve(p.operatorState().name()));
      }
      files.delete(directory.resolve(CheckpointLayout.METADATA));
      files.delete(directory);
    } catch (IOException e) {
      throw new CheckpointException("could not delete savepoint " + directory + ": " + e.getMessage(), e);
    }
  }

  private CompletableFuture<CompletedCheckpoint> trigger(boolean savepoint, Path target, boolean periodic) {
    PendingCheckpoint checkpoint;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(new CheckpointException("coordinator is closed"));
      }
      if (participants.isEmpty()) {
        return CompletableFuture.failedFuture(new CheckpointException("no participant registered"));
      }
      if (periodic
          && (pending.size() >= config.maxConcurrent
              || System.nanoTime() - lastCompletionNanos < config.minPause.toNanos()
              || failure != null)) {
        return null;
      }
      long id = nextId++;
      Path directory = savepoint ? target : jobDirectory.checkpointDirectory(id);
      checkpoint = new PendingCheckpoint(id, directory, savepoint, config.clock.instant(), participants.size());
      pending.put(id, checkpoint);
    }
    try {
      files.createDirectories(checkpoint.directory);
    } catch (IOException | RuntimeException e) {
      abort(checkpoint, new CheckpointException("cannot create " + checkpoint.directory + ": " + e, e), true);
      return checkpoint.future;
    }
    checkpoint.timeout =
        scheduler.schedule(
            () -> abort(checkpoint, new CheckpointException("checkpoint " + checkpoint.id + " timed out after " + config.timeout), true),
            config.timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    for (CheckpointParticipant p : participants) {
      p.enqueue(checkpoint);
    }
    LOG.debug("Triggered {} {}", checkpoint.savepoint ? "savepoint" : "checkpoint", checkpoint.id);
    return checkpoint.future;
  }

  // ---------------------------------------------------------------- the participants' parts

  void checkNotFailed() {
    CheckpointException f = failure;
    if (f != null) {
      throw f;
    }
  }

  /** On the task thread: freezes the participant's state and schedules the asynchronous part. */
  void takeSynchronousPart(CheckpointParticipant participant, PendingCheckpoint checkpoint) {
    long start = System.nanoTime();
    StateSnapshot keyed;
    byte[] operatorState;
    try {
      keyed = Snapshotable.of(participant.backend()).snapshot(checkpoint.id);
    } catch (RuntimeException e) {
      abort(checkpoint, new CheckpointException("task " + participant.index() + " could not snapshot: " + e, e), true);
      return;
    }
    try {
      operatorState = participant.operatorState().snapshot();
    } catch (RuntimeException e) {
      keyed.close();
      abort(checkpoint, new CheckpointException("task " + participant.index() + " could not snapshot operator state: " + e, e), true);
      return;
    }
    long syncNanos = System.nanoTime() - start;
    checkpoint.taskStarted();
    try {
      asyncExecutor.execute(() -> asynchronousPart(participant, checkpoint, keyed, operatorState, syncNanos));
    } catch (RejectedExecutionException e) {
      keyed.close();
      finishTask(checkpoint);
      abort(checkpoint, new CheckpointException("coordinator is closing"), false);
    }
  }

  private void asynchronousPart(
      CheckpointParticipant participant, PendingCheckpoint checkpoint, StateSnapshot keyed, byte[] operatorState, long syncNanos) {
    long start = System.nanoTime();
    int index = participant.index();
    FileSnapshotOutput output = new FileSnapshotOutput(files, checkpoint.directory, index, checkpoint::isDiscarded);
    CheckpointMetadata.Participant part;
    try (keyed) {
      SnapshotResult result = keyed.writeTo(output);
      List<CheckpointMetadata.StreamFile> streams = output.committedStreams();
      StoredFile operatorFile =
          CheckpointFiles.write(
              files,
              checkpoint.directory.resolve(CheckpointLayout.streamFileName(index, FileSnapshotOutput.OPERATOR_STATE_STREAM)),
              OperatorStateFormat.MAGIC,
              OperatorStateFormat.VERSION,
              out -> out.write(operatorState));
      part =
          new CheckpointMetadata.Participant(
              participant.backend().maxParallelism(), participant.backend().keyGroupRange(), streams, result.states(), operatorFile);
    } catch (Throwable e) {
      output.abortUncommitted(e);
      finishTask(checkpoint); // before the abort, so that the abort removes the files at once
      abort(checkpoint, new CheckpointException("task " + index + " failed to write checkpoint " + checkpoint.id + ": " + e, e), true);
      return;
    }
    // the task writes nothing more: finish it first, so that an abort after this point (of the
    // metadata write, say) removes the files before it completes the checkpoint's future
    finishTask(checkpoint);
    if (checkpoint.acknowledge(index, part, syncNanos, System.nanoTime() - start)) {
      submitCompletion(checkpoint);
    }
  }

  private void finishTask(PendingCheckpoint checkpoint) {
    if (checkpoint.taskFinished()) {
      deleteFiles(checkpoint);
    }
  }

  private void submitCompletion(PendingCheckpoint checkpoint) {
    try {
      scheduler.execute(() -> complete(checkpoint));
    } catch (RejectedExecutionException e) {
      abort(checkpoint, new CheckpointException("coordinator is closing"), false);
    }
  }

  // ---------------------------------------------------------------- completion and abort

  /** On the coordinator thread: writes the metadata, the commit point. */
  private void complete(PendingCheckpoint checkpoint) {
    if (checkpoint.isDiscarded()) {
      return;
    }
    List<CheckpointMetadata.Participant> parts = List.of(checkpoint.parts());
    CheckpointMetadata metadata =
        new CheckpointMetadata(checkpoint.id, checkpoint.triggerTime.toEpochMilli(), checkpoint.savepoint, parts);
    StoredFile metadataFile;
    try {
      metadataFile = JobDirectory.writeMetadata(files, checkpoint.directory, metadata);
    } catch (IOException | RuntimeException e) {
      abort(checkpoint, new CheckpointException("could not write the metadata of checkpoint " + checkpoint.id + ": " + e, e), true);
      return;
    }
    CompletedCheckpoint done = new CompletedCheckpoint(checkpoint.id, checkpoint.directory, checkpoint.savepoint);
    List<PendingCheckpoint> subsumed;
    boolean notifyComplete;
    List<CompletedCheckpoint> expired = new ArrayList<>();
    synchronized (lock) {
      if (checkpoint.isDiscarded()) {
        // aborted (timed out) while the metadata was written: the abort removes the directory
        return;
      }
      checkpoint.discard(); // no longer pending; files stay: claimCleanup below keeps abort from deleting
      checkpoint.claimCleanup();
      pending.remove(checkpoint.id);
      subsumed = new ArrayList<>(pending.headMap(checkpoint.id).values());
      subsumed.removeIf(older -> older.savepoint); // savepoints are asked for explicitly: never subsumed
      notifyComplete = checkpoint.id > lastNotifiedId;
      lastNotifiedId = Math.max(lastNotifiedId, checkpoint.id);
      consecutiveFailures = 0;
      lastCompletionNanos = System.nanoTime();
      if (!checkpoint.savepoint) {
        completed.put(checkpoint.id, done);
        while (completed.size() > config.retained) {
          expired.add(completed.pollFirstEntry().getValue());
        }
      }
    }
    if (checkpoint.timeout != null) {
      checkpoint.timeout.cancel(false);
    }
    for (PendingCheckpoint older : subsumed) {
      abort(older, new CheckpointException("checkpoint " + older.id + " subsumed by " + checkpoint.id), false);
    }
    CheckpointStats stats =
        new CheckpointStats(
            checkpoint.id,
            checkpoint.savepoint,
            CheckpointStats.Status.COMPLETED,
            checkpoint.triggerTime,
            Duration.ofNanos(checkpoint.maxSyncNanos()),
            Duration.ofNanos(checkpoint.maxAsyncNanos()),
            Duration.ofNanos(System.nanoTime() - checkpoint.triggerNanos),
            metadata.dataSize() + metadataFile.size(),
            parts.stream().mapToInt(p -> p.states().size()).sum(),
            null);
    LOG.info("Completed {} {} in {} ms ({} bytes, synchronous part {} µs)",
        checkpoint.savepoint ? "savepoint" : "checkpoint", checkpoint.id, stats.totalDuration().toMillis(),
        stats.sizeBytes(), stats.synchronousDuration().toNanos() / 1000);
    for (CheckpointListener listener : config.listeners) {
      if (notifyComplete) { // a savepoint older than the last notified completion is covered by it
        notify(listener, l -> l.notifyCheckpointComplete(checkpoint.id));
      }
      notify(listener, l -> l.onCheckpointStats(stats));
    }
    for (CompletedCheckpoint old : expired) {
      try {
        JobDirectory.deleteDirectory(files, old.directory());
      } catch (IOException e) {
        LOG.warn("Could not delete expired checkpoint {}; it is removed at the next start", old.directory(), e);
      }
    }
    checkpoint.future.complete(done);
  }

  /** Aborts a pending checkpoint; {@code countsAsFailure} is false for subsumed and cancelled ones. */
  private void abort(PendingCheckpoint checkpoint, CheckpointException cause, boolean countsAsFailure) {
    boolean deleteNow;
    synchronized (lock) {
      if (checkpoint.isDiscarded()) {
        return;
      }
      deleteNow = checkpoint.discard();
      pending.remove(checkpoint.id);
      if (countsAsFailure) {
        consecutiveFailures++;
        if (consecutiveFailures > config.tolerableFailures && failure == null) {
          failure = new CheckpointException(
              consecutiveFailures + " consecutive checkpoints failed (tolerated: " + config.tolerableFailures + ")", cause);
          participants.forEach(CheckpointParticipant::wakeUp);
        }
      }
    }
    if (checkpoint.timeout != null) {
      checkpoint.timeout.cancel(false);
    }
    if (deleteNow) {
      deleteFiles(checkpoint);
    }
    if (countsAsFailure) {
      LOG.warn("Checkpoint {} failed: {}", checkpoint.id, cause.getMessage());
    } else {
      LOG.debug("Checkpoint {} aborted: {}", checkpoint.id, cause.getMessage());
    }
    CheckpointStats stats =
        new CheckpointStats(
            checkpoint.id, checkpoint.savepoint, CheckpointStats.Status.FAILED, checkpoint.triggerTime,
            Duration.ofNanos(checkpoint.maxSyncNanos()), Duration.ofNanos(checkpoint.maxAsyncNanos()),
            Duration.ofNanos(System.nanoTime() - checkpoint.triggerNanos), 0, 0, cause);
    onCoordinatorThread(
        () -> {
          for (CheckpointListener listener : config.listeners) {
            notify(listener, l -> l.notifyCheckpointAborted(checkpoint.id, cause));
            notify(listener, l -> l.onCheckpointStats(stats));
          }
        });
    checkpoint.future.completeExceptionally(cause);
  }

  private void deleteFiles(PendingCheckpoint checkpoint) {
    if (!checkpoint.claimCleanup()) {
      return;
    }
    try {
      JobDirectory.deleteDirectory(files, checkpoint.directory);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not remove the files of aborted checkpoint {}; they are removed at the next start", checkpoint.id, e);
    }
  }

  /** Runs {@code task} on the coordinator thread, or here once that thread has stopped (closing). */
  private void onCoordinatorThread(Runnable task) {
    try {
      scheduler.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  private static void notify(CheckpointListener listener, java.util.function.Consumer<CheckpointListener> call) {
    try {
      call.accept(listener);
    } catch (RuntimeException e) {
      LOG.warn("Checkpoint listener {} failed", listener, e);
    }
  }

  // ---------------------------------------------------------------- inspection and shutdown

  /** Returns the retained complete checkpoints of the job directory, oldest first. */
  public List<CompletedCheckpoint> completedCheckpoints() {
    synchronized (lock) {
      return List.copyOf(completed.values());
    }
  }

  /** Returns the failure that stops the application (too many consecutive failures), or null. */
  public CheckpointException failure() {
    return failure;
  }

  /**
   * Cancels: stops triggering, aborts pending checkpoints (waiting up to the timeout for their writes
   * to stop), applies the externalized policy and releases the job directory. Idempotent. Backends
   * are not closed: they belong to the application.
   */
  @Override
  public void close() {
    List<PendingCheckpoint> toAbort;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      toAbort = new ArrayList<>(pending.values());
    }
    scheduler.shutdownNow();
    for (PendingCheckpoint checkpoint : toAbort) {
      abort(checkpoint, new CheckpointException("checkpoint " + checkpoint.id + " cancelled: coordinator closed"), false);
    }
    asyncExecutor.shutdown();
    try {
      if (!asyncExecutor.awaitTermination(config.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Asynchronous checkpoint writes did not stop in {}", config.timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (config.policy == ExternalizedCheckpointPolicy.DELETE_ON_CANCELLATION) {
      for (CompletedCheckpoint c : completedCheckpoints()) {
        try {
          JobDirectory.deleteDirectory(files, c.directory());
        } catch (IOException e) {
          LOG.warn("Could not delete checkpoint {} on cancellation", c.directory(), e);
        }
      }
    }
    jobDirectory.close();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("coordinator is closed");
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Configures a coordinator. Every option may be set once; setting one twice fails fast.
   */
  public static final class Builder {
    private final Path jobDirectory;
    private Duration interval;
    private Duration minPause = Duration.ZERO;
    private Duration timeout = Duration.ofMinutes(10);
    private int maxConcurrent = 1;
    private int tolerableFailures = 3;
    private int retained = 2;
    private ExternalizedCheckpointPolicy policy = ExternalizedCheckpointPolicy.RETAIN_ON_CANCELLATION;
    private boolean fallBackOnCorruption;
    private FileLayer files = FileLayer.local();
    private InstantSource clock = InstantSource.system();
    private final List<CheckpointListener> listeners = new ArrayList<>();
    private final java.util.Set<String> set = new java.util.HashSet<>();

    private Builder(Path jobDirectory) {
      if (jobDirectory == null) {
        throw new IllegalArgumentException("job directory must not be null");
      }
      this.jobDirectory = jobDirectory;
    }

    private void once(String option, Object current) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set to " + current);
      }
    }

    private static Duration positive(String option, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(option + " must be positive, got " + d);
      }
      return d;
    }

    /** Triggers a checkpoint every {@code interval}. Default: none (manual triggers only). */
    public Builder interval(Duration interval) {
      once("interval", this.interval);
      this.interval = positive("interval", interval);
      return this;
    }

    /** The least time from one completion to the next periodic trigger. Default 0. */
    public Builder minPauseBetweenCheckpoints(Duration minPause) {
      once("minimum pause", this.minPause);
      if (minPause == null || minPause.isNegative()) {
        throw new IllegalArgumentException("minimum pause must not be negative, got " + minPause);
      }
      this.minPause = minPause;
      return this;
    }

    /** A checkpoint not complete after {@code timeout} is aborted. Default 10 minutes. */
    public Builder timeout(Duration timeout) {
      once("timeout", this.timeout);
      this.timeout = positive("timeout", timeout);
      return this;
    }

    /** How many periodic checkpoints may be pending at once. Default 1. */
    public Builder maxConcurrentCheckpoints(int max) {
      once("max concurrent checkpoints", this.maxConcurrent);
      if (max < 1) {
        throw new IllegalArgumentException("max concurrent checkpoints must be at least 1, got " + max);
      }
      this.maxConcurrent = max;
      return this;
    }

    /**
     * How many consecutive checkpoint failures are tolerated; one more makes {@link
     * CheckpointParticipant#checkpointIfPending()} throw. Default 3 (a short disk hiccup does not stop
     * the application; nothing is lost either way).
     */
    public Builder tolerableConsecutiveFailures(int failures) {
      once("tolerable consecutive failures", this.tolerableFailures);
      if (failures < 0) {
        throw new IllegalArgumentException("tolerable consecutive failures must not be negative, got " + failures);
      }
      this.tolerableFailures = failures;
      return this;
    }

    /**
     * How many complete checkpoints to keep; older ones are deleted after a newer one completes.
     * Default 2, so that a damaged latest checkpoint leaves an older one to fall back to.
     */
    public Builder retainedCheckpoints(int retained) {
      once("retained checkpoints", this.retained);
      if (retained < 1) {
        throw new IllegalArgumentException("retained checkpoints must be at least 1, got " + retained);
      }
      this.retained = retained;
      return this;
    }

    /** What {@link #close()} does with completed checkpoints. Default retain. */
    public Builder externalizedPolicy(ExternalizedCheckpointPolicy policy) {
      once("externalized policy", this.policy);
      if (policy == null) {
        throw new IllegalArgumentException("externalized policy must not be null");
      }
      this.policy = policy;
      return this;
    }

    /**
     * Lets {@link #restoreLatest()} fall back to an older complete checkpoint, with a warning, when
     * the latest is damaged. Off by default: damage is an error.
     */
    public Builder fallBackToOlderCheckpointOnCorruption() {
      once("fall back on corruption", true);
      this.fallBackOnCorruption = true;
      return this;
    }

    /** The clock of trigger timestamps. Default the system clock. */
    public Builder clock(InstantSource clock) {
      once("clock", this.clock);
      if (clock == null) {
        throw new IllegalArgumentException("clock must not be null");
      }
      this.clock = clock;
      return this;
    }

    /** The file layer all checkpoint I/O goes through (tests inject faults). Default the local disk. */
    public Builder fileLayer(FileLayer files) {
      once("file layer", this.files);
      if (files == null) {
        throw new IllegalArgumentException("file layer must not be null");
      }
      this.files = files;
      return this;
    }

    /** Adds a listener; may be called several times. */
    public Builder listener(CheckpointListener listener) {
      if (listener == null) {
        throw new IllegalArgumentException("listener must not be null");
      }
      listeners.add(listener);
      return this;
    }

    /**
     * Opens the job directory (taking its lock, removing unfinished checkpoints) and returns the
     * coordinator.
     *
     * @throws StateException if another live coordinator holds the directory
     * @throws UncheckedIOException if the directory cannot be used
     */
    public CheckpointCoordinator build() {
      try {
        return new CheckpointCoordinator(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open checkpoint directory " + jobDirectory, e);
      }
    }
  }
}
