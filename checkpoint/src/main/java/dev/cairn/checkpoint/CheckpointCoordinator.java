package dev.cairn.checkpoint;

import dev.cairn.checkpoint.internal.CheckpointFiles;
import dev.cairn.checkpoint.internal.CheckpointLayout;
import dev.cairn.checkpoint.internal.CheckpointMetadata;
import dev.cairn.checkpoint.internal.FileSnapshotInput;
import dev.cairn.checkpoint.internal.FileSnapshotOutput;
import dev.cairn.checkpoint.internal.JobStore;
import dev.cairn.checkpoint.internal.MetadataFormat;
import dev.cairn.checkpoint.internal.OperatorStateFormat;
import dev.cairn.checkpoint.internal.StoredFile;
import dev.cairn.checkpoint.storage.CheckpointStorage;
import dev.cairn.checkpoint.storage.CorruptFileException;
import dev.cairn.checkpoint.storage.FileLayer;
import dev.cairn.checkpoint.storage.LocalCheckpointStorage;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.SnapshotException;
import dev.cairn.state.StateException;
import dev.cairn.state.spi.KeyGroupRange;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.SnapshotMode;
import dev.cairn.state.spi.SnapshotResult;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes consistent checkpoints of every registered participant (a task thread's keyed backend and
 * operator state) into a job's checkpoint storage, restores them, and writes savepoints.
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
 * <p><b>Protocol.</b> A trigger (periodic, or {@link #triggerCheckpoint()}) marks a checkpoint pending
 * at every participant. Each task thread, at its next safe point, freezes its state (synchronous
 * part) and goes on processing while a background thread writes its files (asynchronous part):
 * private files in {@code chk-<id>/}, and, for incremental checkpoints, new shared files in {@code
 * shared/} next to references to shared files of earlier checkpoints. When every participant's files
 * are durable, {@code _metadata} is committed: from that instant the checkpoint exists. Then listeners
 * and backends hear that it completed, and checkpoints beyond the retention count are removed (shared
 * files only once no retained checkpoint lists them). A checkpoint that fails or times out is aborted
 * and its files removed; processing goes on until more consecutive checkpoints failed than tolerated.
 *
 * <p><b>Order.</b> {@link #register} every participant, then {@link #restoreLatest()} or {@link
 * #restore(Path)} at most once, then register states ({@code getState}, {@code getListState}), then
 * {@link #start()} and processing. Anything else is refused with a {@link CheckpointException} that
 * states this order.
 *
 * <p><b>Waiting for a checkpoint.</b> A checkpoint completes only after every participant passed a
 * safe point, so a task thread must never wait for a checkpoint's future (it would wait for
 * itself); it calls {@link CheckpointParticipant#checkpointNow()} instead, which takes its own part
 * first. A participant that has not reached a safe point {@link Builder#safePointWarning} after a
 * trigger is named in a warning.
 *
 * <p>Thread-safe. Errors are {@link StateException}s, except {@link IllegalArgumentException} for a bad
 * argument and {@link IllegalStateException} for a builder option set twice.
 */
public final class CheckpointCoordinator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointCoordinator.class);
  /** The largest operator-state payload read: a damaged or hostile length cannot exhaust memory. */
  private static final int MAX_OPERATOR_STATE_BYTES = 256 << 20;
  /** The rule that restore and registration errors state. */
  private static final String ORDER = "the order is register(), then restoreLatest() or restore() once, then getState()"
      + " and getListState(), then start()";

  /** Why a pending checkpoint is aborted, and what its statistics say. */
  private enum Abort {
    /** Failed or timed out: counts towards the tolerated consecutive failures. */
    FAILED,
    /** A newer checkpoint completed first. */
    SUBSUMED,
    /** The coordinator was closed. */
    CANCELLED
  }

  private final Builder config;
  private final FileLayer files;
  private final JobStore store;
  private final ScheduledThreadPoolExecutor scheduler;
  /** The scheduler's thread (a new one if a task ever killed the previous). */
  private volatile Thread coordinatorThread;
  private final ExecutorService asyncExecutor;
  private final List<CheckpointParticipant> participants = new ArrayList<>();
  private final TreeMap<Long, PendingCheckpoint> pending = new TreeMap<>();
  private final Object lock = new Object();
  private final CheckpointMetrics.Recorder metrics = new CheckpointMetrics.Recorder();
  private long nextId;
  private long lastCompletionNanos;
  private long lastNotifiedId;
  private int consecutiveFailures;
  private volatile CheckpointException failure;
  private boolean started;
  private boolean closed;
  /** Null until a backend holds restored state, then what a second restore is refused with. */
  private String restored;

  private CheckpointCoordinator(Builder config) throws IOException {
    this.config = config;
    this.files = config.files;
    CheckpointStorage storage =
        config.storage != null ? config.storage : LocalCheckpointStorage.at(files, config.jobDirectory);
    this.store = JobStore.open(storage);
    this.nextId = store.maxSeenId() + 1;
    this.lastCompletionNanos = System.nanoTime() - config.minPause.toNanos();
    ThreadFactory coordinatorThreads = daemon("cairn-checkpoint-coordinator");
    this.scheduler = new ScheduledThreadPoolExecutor(1, r -> coordinatorThread = coordinatorThreads.newThread(r));
    this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.asyncExecutor = Executors.newCachedThreadPool(daemon("cairn-checkpoint-async"));
  }

  /** Starts configuring a coordinator for checkpoints in the local directory {@code jobDirectory}. */
  public static Builder builder(Path jobDirectory) {
    if (jobDirectory == null) {
      throw new IllegalArgumentException("job directory must not be null");
    }
    return new Builder(jobDirectory, null);
  }

  /**
   * Starts configuring a coordinator for checkpoints in {@code storage} (an object store, say). The
   * storage stays the caller's: closing the coordinator does not close it.
   */
  public static Builder builder(CheckpointStorage storage) {
    if (storage == null) {
      throw new IllegalArgumentException("storage must not be null");
    }
    return new Builder(null, storage);
  }

  /**
   * Starts configuring a coordinator for checkpoints at {@code location}: a plain path (a local
   * directory) or a URI such as {@code s3://bucket/prefix}, served by the storage module of its scheme
   * ({@link CheckpointStorage#forLocation}). The coordinator owns that storage and closes it on {@link
   * #close()} (or when {@code build()} fails).
   *
   * @throws IllegalArgumentException if the location is empty or no module serves its scheme
   * @throws CheckpointException if the storage cannot be set up
   */
  public static Builder builder(String location) {
    CheckpointStorage storage;
    try {
      storage = CheckpointStorage.forLocation(location);
    } catch (IOException e) {
      throw new CheckpointException("cannot set up checkpoint storage " + location + ": " + e, e);
    }
    if (storage instanceof LocalCheckpointStorage local) {
      return new Builder(local.directory(), null);
    }
    Builder builder = new Builder(null, storage);
    builder.ownsStorage = true;
    return builder;
  }

  /** Returns the id of the job whose checkpoints this coordinator writes (kept across restarts). */
  public UUID jobId() {
    return store.jobId();
  }

  // ---------------------------------------------------------------- registration and restore

  /**
   * Registers a task thread's state. Participants get indexes 0, 1, ... in registration order; a
   * restore redistributes operator state by these indexes.
   *
   * @throws CheckpointException after {@link #start()} or {@link #close()}
   * @throws IllegalArgumentException if the backend or operator state is registered already, its key
   *     groups overlap another participant's, or its max parallelism differs from theirs
   */
  public CheckpointParticipant register(KeyedStateBackend<?> backend, OperatorStateStore operatorState) {
    if (backend == null || operatorState == null) {
      throw new IllegalArgumentException("backend and operator state must not be null");
    }
    Snapshotable.of(backend);
    synchronized (lock) {
      checkOpen();
      if (started) {
        throw new CheckpointException("participants must be registered before start(): " + ORDER);
      }
      for (CheckpointParticipant other : participants) {
        String at = "participant " + other.index();
        if (other.backend() == backend) {
          throw new IllegalArgumentException("backend " + backend + " is registered already, as " + at);
        }
        if (other.operatorState() == operatorState) {
          throw new IllegalArgumentException("this operator state store is registered already, by " + at);
        }
        if (other.backend().maxParallelism() != backend.maxParallelism()) {
          throw new IllegalArgumentException("max parallelism " + backend.maxParallelism() + " differs from "
              + other.backend().maxParallelism() + " of " + at + ": one job has one max parallelism");
        }
        KeyGroupRange overlap = other.backend().keyGroupRange().intersect(backend.keyGroupRange());
        if (overlap != null) {
          throw new IllegalArgumentException("key groups " + backend.keyGroupRange() + " overlap those of " + at
              + " (" + other.backend().keyGroupRange() + "): each key group has one owner");
        }
      }
      CheckpointParticipant participant = new CheckpointParticipant(this, participants.size(), backend, operatorState);
      participants.add(participant);
      return participant;
    }
  }

  /** {@code restoreLatest(RestoreMode.CLAIM)}. */
  public OptionalLong restoreLatest() {
    return restoreLatest(RestoreMode.CLAIM);
  }

  /**
   * Restores the latest complete checkpoint of the job into every participant, verifying every file
   * as it is read. A damaged latest checkpoint fails with {@link CheckpointCorruptedException} naming
   * the file, unless {@link Builder#fallBackToOlderCheckpointOnCorruption()} was chosen: then every
   * file is verified before anything is restored, and a damaged checkpoint is skipped with a warning.
   *
   * @param mode whether the job takes ownership of the restored checkpoint's files
   * @return the id restored, or empty if the job has no complete checkpoint
   * @throws CheckpointException if called out of order: before {@link #register}, after {@link
   *     #start()}, after a restore, or after a participant registered a state
   */
  public OptionalLong restoreLatest(RestoreMode mode) {
    synchronized (lock) {
      checkRestorable();
    }
    for (Map.Entry<Long, Object> candidate : store.restoreCandidates().entrySet()) {
      long id = candidate.getKey();
      CheckpointStorage directory = store.checkpointStorage(id);
      CheckpointMetadata metadata;
      try {
        if (candidate.getValue() instanceof CorruptFileException damaged) {
          throw new CheckpointCorruptedException(id, damaged.file(), damaged);
        }
        metadata = (CheckpointMetadata) candidate.getValue();
        if (config.fallBackOnCorruption) { // verify before restoring anything, so that falling back is safe
          verifyAll(directory, store.storage(), metadata);
        }
      } catch (CheckpointCorruptedException e) {
        if (!config.fallBackOnCorruption) {
          throw e;
        }
        LOG.warn("Checkpoint {} is damaged, falling back to an older one as configured: {}", id, e.getMessage());
        continue;
      }
      if (metadata.jobId() != null && !metadata.jobId().equals(store.jobId())) {
        LOG.warn("Checkpoint {} was written by job {}, the job directory's latest by {}", id, metadata.jobId(), store.jobId());
      }
      restore(directory, store.storage(), metadata, mode == RestoreMode.CLAIM);
      if (mode == RestoreMode.NO_CLAIM) {
        store.doNotClaim(id);
      }
      return OptionalLong.of(id);
    }
    return OptionalLong.empty();
  }

  /** {@code restore(directory, RestoreMode.NO_CLAIM)}. */
  public long restore(Path directory) {
    return restore(directory, RestoreMode.NO_CLAIM);
  }

  /**
   * Restores the checkpoint or savepoint in the local directory {@code directory} into every
   * participant, verifying every file as it is read.
   *
   * @param mode {@link RestoreMode#CLAIM} only for a checkpoint of this coordinator's own job directory
   * @return the restored checkpoint's id
   * @throws CheckpointCorruptedException if it is damaged
   * @throws CheckpointException if {@code directory} holds no checkpoint or savepoint (a job directory,
   *     say: restore one of its {@code chk-<id>}), or if called out of order (see {@link
   *     #restoreLatest(RestoreMode)})
   * @throws IllegalArgumentException if {@code mode} is CLAIM for another directory
   */
  public long restore(Path directory, RestoreMode mode) {
    synchronized (lock) {
      checkRestorable();
    }
    Path absolute = directory.toAbsolutePath().normalize();
    boolean ownJob = config.jobDirectory != null
        && config.jobDirectory.toAbsolutePath().normalize().equals(absolute.getParent())
        && CheckpointLayout.checkpointId(absolute.getFileName().toString()).isPresent();
    if (mode == RestoreMode.CLAIM && !ownJob) {
      throw new IllegalArgumentException("claim mode restores only checkpoints of this coordinator's job directory "
          + config.jobDirectory + ", not " + directory + "; use NO_CLAIM");
    }
    CheckpointStorage location = LocalCheckpointStorage.at(files, absolute);
    CheckpointStorage job = absolute.getParent() == null ? location : LocalCheckpointStorage.at(files, absolute.getParent());
    requireCheckpoint(absolute, location);
    CheckpointMetadata metadata = readMetadata(location, -1);
    OptionalLong idOfDirectory = CheckpointLayout.checkpointId(absolute.getFileName().toString());
    if (idOfDirectory.isPresent() && idOfDirectory.getAsLong() != metadata.checkpointId()) {
      String file = location.describe(CheckpointLayout.METADATA);
      throw new CheckpointCorruptedException(metadata.checkpointId(), file, new CorruptFileException(file,
          "metadata of checkpoint " + metadata.checkpointId() + " in the directory of checkpoint " + idOfDirectory.getAsLong()));
    }
    restore(location, job, metadata, mode == RestoreMode.CLAIM);
    if (ownJob && mode == RestoreMode.NO_CLAIM) {
      store.doNotClaim(metadata.checkpointId());
    }
    return metadata.checkpointId();
  }

  /**
   * Refuses a directory without {@code _metadata}: it holds no checkpoint (a checkpoint directory
   * without one was never completed), and may be a job directory, whose checkpoints are one level
   * down.
   */
  private void requireCheckpoint(Path directory, CheckpointStorage location) {
    try {
      if (location.exists(CheckpointLayout.METADATA)) {
        return;
      }
      FileLayer.EntryType type = files.type(directory);
      if (type == FileLayer.EntryType.MISSING) {
        throw new CheckpointException("cannot restore " + directory + ": it does not exist");
      }
      long latest = -1;
      boolean jobDirectory = false;
      if (type == FileLayer.EntryType.DIRECTORY) {
        for (String child : location.list("").directories()) {
          OptionalLong id = CheckpointLayout.checkpointId(child);
          if (id.isPresent() || child.equals(CheckpointLayout.SHARED_DIRECTORY)) {
            jobDirectory = true;
          }
          if (id.isPresent() && id.getAsLong() > latest && location.child(child).exists(CheckpointLayout.METADATA)) {
            latest = id.getAsLong();
          }
        }
      }
      if (jobDirectory) {
        throw new CheckpointException(directory + " is not a checkpoint but a job directory: restore one of its"
            + " checkpoints, " + (latest >= 0
                ? "such as " + directory.resolve(CheckpointLayout.checkpointDirectory(latest)) + " (its latest complete one)"
                : "once one is complete (it holds none)")
            + ", or build a coordinator on it and call restoreLatest()");
      }
      throw new CheckpointException(directory + " is not a checkpoint or savepoint: it has no "
          + CheckpointLayout.METADATA + " (a checkpoint directory without one was never completed)");
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + directory + ": " + e.getMessage(), e);
    }
  }

  private static CheckpointMetadata readMetadata(CheckpointStorage directory, long expectedId) {
    try {
      return JobStore.readMetadata(directory);
    } catch (CorruptFileException e) {
      throw new CheckpointCorruptedException(expectedId, e.file(), e);
    } catch (IOException e) {
      throw new CheckpointException("cannot read checkpoint " + directory.describe("") + ": " + e.getMessage(), e);
    }
  }

  private static void verifyAll(CheckpointStorage directory, CheckpointStorage job, CheckpointMetadata metadata) {
    long id = metadata.checkpointId();
    for (int i = 0; i < metadata.participants().size(); i++) {
      CheckpointMetadata.Participant p = metadata.participants().get(i);
      try {
        new FileSnapshotInput(directory, job, p, false, "checkpoint " + id).verifyAll();
        CheckpointFiles.verify(directory, p.operatorState().path(), OperatorStateFormat.MAGIC,
            OperatorStateFormat.VERSION, p.operatorState());
      } catch (CorruptFileException e) {
        throw new CheckpointCorruptedException(id, e.file(), e);
      } catch (IOException e) {
        throw new CheckpointException("cannot read checkpoint " + id + ": " + e.getMessage(), e);
      }
    }
  }

  private void restore(CheckpointStorage directory, CheckpointStorage job, CheckpointMetadata metadata, boolean claim) {
    long id = metadata.checkpointId();
    checkCoverage(metadata);
    for (CheckpointParticipant p : participants) {
      if (p.operatorState().hasRegisteredLists()) {
        throw new CheckpointException("cannot restore checkpoint " + id + ": the operator state of participant "
            + p.index() + " has registered lists already; " + ORDER);
      }
    }
    List<Map<String, OperatorStateStore.StoredList>> operatorParts = new ArrayList<>();
    for (CheckpointMetadata.Participant old : metadata.participants()) {
      operatorParts.add(readOperatorState(directory, id, old.operatorState()));
    }
    int parallelism = participants.size();
    for (CheckpointParticipant p : participants) {
      KeyGroupRange range = p.backend().keyGroupRange();
      List<FileSnapshotInput> inputs = new ArrayList<>();
      List<CheckpointMetadata.Participant> old = metadata.participants();
      for (int i = 0; i < old.size(); i++) {
        if (old.get(i).keyGroupRange().intersect(range) != null) {
          String description = "checkpoint " + id + " (" + directory.describe("") + "), task " + i;
          inputs.add(new FileSnapshotInput(directory, job, old.get(i), claim, description));
        }
      }
      try {
        Snapshotable.of(p.backend()).restore(List.<SnapshotInput>copyOf(inputs));
      } catch (IllegalStateException e) { // the SPI's "states were registered already"
        throw new CheckpointException("cannot restore checkpoint " + id + " into participant " + p.index() + ": "
            + e.getMessage() + "; " + ORDER, e);
      } catch (SnapshotException e) {
        for (FileSnapshotInput input : inputs) {
          CorruptFileException damage = input.findDamage();
          if (damage != null) {
            damage.addSuppressed(e);
            throw new CheckpointCorruptedException(id, damage.file(), damage);
          }
        }
        throw e;
      }
      synchronized (lock) { // from here on a second restore would load state twice
        restored = "checkpoint " + id + " was partly restored already (a restore failed after participant "
            + p.index() + " took its state), from " + directory.describe("");
      }
      p.operatorState().restore(OperatorStateStore.redistribute(operatorParts, parallelism, p.index()));
    }
    synchronized (lock) {
      restored = "checkpoint " + id + " was restored already, from " + directory.describe("");
      nextId = Math.max(nextId, id + 1);
    }
    LOG.info("Restored checkpoint {} from {} into {} participant(s){}", id, directory.describe(""), parallelism,
        claim ? "" : " without claiming it");
  }

  /** Every key group the checkpoint holds must have an owner among the participants. */
  private void checkCoverage(CheckpointMetadata metadata) {
    BitSet owned = new BitSet();
    for (CheckpointParticipant p : participants) {
      owned.set(p.backend().keyGroupRange().startKeyGroup(), p.backend().keyGroupRange().endKeyGroup() + 1);
    }
    BitSet missing = new BitSet();
    for (CheckpointMetadata.Participant old : metadata.participants()) {
      missing.set(old.keyGroupRange().startKeyGroup(), old.keyGroupRange().endKeyGroup() + 1);
    }
    missing.andNot(owned);
    if (!missing.isEmpty()) {
      throw new CheckpointException("checkpoint " + metadata.checkpointId() + " holds key groups " + missing
          + " that no registered participant owns: their state would be lost; register participants whose key-group"
          + " ranges cover every group");
    }
  }

  private Map<String, OperatorStateStore.StoredList> readOperatorState(CheckpointStorage directory, long id, StoredFile file) {
    try {
      byte[] bytes = CheckpointFiles.readVerified(directory, file.path(), OperatorStateFormat.MAGIC,
          OperatorStateFormat.VERSION, OperatorStateFormat.VERSION, file, MAX_OPERATOR_STATE_BYTES).bytes();
      return OperatorStateStore.decode(bytes);
    } catch (CorruptFileException e) {
      throw new CheckpointCorruptedException(id, e.file(), e);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + directory.describe(file.path()) + " of checkpoint " + id + ": " + e.getMessage(), e);
    } catch (StateException e) {
      throw new CheckpointCorruptedException(id, directory.describe(file.path()), e);
    }
  }

  private void checkRestorable() {
    checkOpen();
    if (started) {
      throw new CheckpointException("restore before start(): " + ORDER);
    }
    if (participants.isEmpty()) {
      throw new CheckpointException("register the participants before restoring: " + ORDER);
    }
    if (restored != null) {
      throw new CheckpointException(restored + "; a job restores at most once: " + ORDER);
    }
  }

  // ---------------------------------------------------------------- triggering

  /**
   * Starts periodic checkpoints if an interval was configured. Manual triggers work either way.
   *
   * @throws CheckpointException if no participant is registered, or after {@link #close()}
   */
  public void start() {
    synchronized (lock) {
      checkOpen();
      if (participants.isEmpty()) {
        throw new CheckpointException("register at least one participant before start(): " + ORDER);
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
   * Every participant takes its part at its next safe point: never wait for the result on a task
   * thread, which would wait for itself until the timeout; call {@link
   * CheckpointParticipant#checkpointNow()} there.
   *
   * @return completes when the checkpoint is durable (committed), or exceptionally when it is
   *     aborted; retention of older checkpoints follows on the coordinator thread ({@link
   *     #completedCheckpoints()} answers after it)
   */
  public CompletableFuture<CompletedCheckpoint> triggerCheckpoint() {
    return trigger(false, null, false);
  }

  /**
   * Writes a savepoint into {@code targetDirectory}, which must not exist or be empty: a
   * self-contained, relocatable copy of all state in the canonical format (file names only, no
   * absolute paths, no shared files), restorable with {@link #restore(Path)} into any backend. Never
   * removed by retention. Like {@link #triggerCheckpoint()}, it needs every participant's safe
   * point: on a task thread, call {@link CheckpointParticipant#savepointNow(Path)} instead.
   *
   * @return completes when the savepoint is durable, or exceptionally (with a {@link
   *     CheckpointException}) when it is aborted or the directory cannot hold it
   */
  public CompletableFuture<CompletedCheckpoint> triggerSavepoint(Path targetDirectory) {
    LocalCheckpointStorage target = LocalCheckpointStorage.at(files, targetDirectory);
    try {
      FileLayer.EntryType type = files.type(target.directory());
      if (type != FileLayer.EntryType.MISSING && type != FileLayer.EntryType.DIRECTORY) {
        return CompletableFuture.failedFuture(
            new CheckpointException("savepoint directory " + targetDirectory + " is not a directory"));
      }
    } catch (IOException e) {
      return CompletableFuture.failedFuture(
          new CheckpointException("cannot use savepoint directory " + targetDirectory + ": " + e.getMessage(), e));
    }
    CheckpointException unusable = unusableForSavepoint(target, "savepoint directory " + targetDirectory);
    return unusable != null ? CompletableFuture.failedFuture(unusable) : trigger(true, target, false);
  }

  /** Returns why {@code target} (described as {@code what}) cannot take a savepoint, or null if it is empty. */
  private static CheckpointException unusableForSavepoint(CheckpointStorage target, String what) {
    try {
      CheckpointStorage.Listing listing = target.list("");
      if (!listing.files().isEmpty() || !listing.directories().isEmpty() || !listing.others().isEmpty()) {
        return new CheckpointException(what + " is not empty");
      }
      return null;
    } catch (IOException e) {
      return new CheckpointException("cannot use " + what + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes a savepoint to {@code location}: a local directory (as {@link #triggerSavepoint(Path)}) or
   * a storage URI such as {@code s3://bucket/savepoints/upgrade-7}, served by its storage module (see
   * {@link CheckpointStorage#forLocation}). The location must hold nothing yet. The savepoint is as
   * self-contained there as in a directory: restore it with {@link #restore(String)}.
   *
   * @return completes when the savepoint is durable, or exceptionally (with a {@link
   *     CheckpointException}) when it is aborted or the location cannot hold it
   */
  public CompletableFuture<CompletedCheckpoint> triggerSavepoint(String location) {
    CheckpointStorage target;
    try {
      target = CheckpointStorage.forLocation(location);
    } catch (IOException | IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new CheckpointException("cannot use savepoint location " + location + ": " + e.getMessage(), e));
    }
    if (target instanceof LocalCheckpointStorage local) {
      return triggerSavepoint(local.directory());
    }
    CheckpointException unusable = unusableForSavepoint(target, "savepoint location " + target.describe(""));
    if (unusable != null) {
      closeQuietly(target);
      return CompletableFuture.failedFuture(unusable);
    }
    CompletableFuture<CompletedCheckpoint> written = trigger(true, target, false);
    written.whenComplete((done, failure) -> closeQuietly(target));
    return written;
  }

  /**
   * Restores a savepoint at {@code location} (a storage URI such as {@code s3://bucket/savepoints/x}),
   * or the checkpoint or savepoint in a local directory (as {@link #restore(Path)}), without claiming
   * it. Checkpoints of a job directory on other storage reference that job's shared files: restore
   * them with {@link #restoreLatest()} on a coordinator built on the job's location.
   *
   * @return the restored savepoint's (or checkpoint's) id
   * @throws CheckpointCorruptedException if it is damaged
   * @throws CheckpointException if {@code location} holds no savepoint, or holds a checkpoint that
   *     references shared files, or if called out of order (see {@link #restoreLatest(RestoreMode)})
   */
  public long restore(String location) {
    CheckpointStorage storage;
    try {
      storage = CheckpointStorage.forLocation(location);
    } catch (IOException | IllegalArgumentException e) {
      throw new CheckpointException("cannot restore " + location + ": " + e.getMessage(), e);
    }
    if (storage instanceof LocalCheckpointStorage local) {
      return restore(local.directory());
    }
    try (storage) {
      synchronized (lock) {
        checkRestorable();
      }
      if (!storage.exists(CheckpointLayout.METADATA)) {
        throw new CheckpointException("cannot restore " + storage.describe("") + ": it holds no savepoint (no "
            + CheckpointLayout.METADATA + "; a job directory's checkpoints restore with restoreLatest())");
      }
      CheckpointMetadata metadata = readMetadata(storage, -1);
      if (metadata.files().stream().anyMatch(StoredFile::shared)) {
        throw new CheckpointException("cannot restore checkpoint " + metadata.checkpointId() + " at "
            + storage.describe("") + " on its own: it references its job's shared files; restore it with"
            + " restoreLatest() on a coordinator built on the job's location, or take a savepoint");
      }
      restore(storage, storage, metadata, false);
      return metadata.checkpointId();
    } catch (IOException e) {
      throw new CheckpointException("cannot restore " + storage.describe("") + ": " + e.getMessage(), e);
    }
  }

  /**
   * Deletes the savepoint at {@code location}, a local directory or a storage URI: {@code
   * disposeSavepoint(storage)}.
   *
   * @throws CheckpointException if the location is not a readable savepoint or cannot be reached
   */
  public static void disposeSavepoint(String location) {
    try (CheckpointStorage storage = CheckpointStorage.forLocation(location)) {
      disposeSavepoint(storage);
    } catch (IOException | IllegalArgumentException e) {
      throw new CheckpointException("cannot dispose savepoint " + location + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(CheckpointStorage storage) {
    try {
      storage.close();
    } catch (Exception e) {
      LOG.warn("closing the storage of {} failed", storage.describe(""), e);
    }
  }

  /** Deletes the savepoint in the local directory {@code directory}: {@code disposeSavepoint(storage)}. */
  public static void disposeSavepoint(Path directory) {
    disposeSavepoint(LocalCheckpointStorage.at(FileLayer.local(), directory));
  }

  /**
   * Deletes a savepoint: its metadata first (from then on it is no savepoint), then the files it
   * lists, then its directory if nothing else is left there. Refuses a location that is not a
   * savepoint.
   *
   * @throws CheckpointException if {@code savepoint} is not a readable savepoint
   */
  public static void disposeSavepoint(CheckpointStorage savepoint) {
    CheckpointMetadata metadata;
    try {
      metadata = JobStore.readMetadata(savepoint);
    } catch (IOException | StateException e) {
      throw new CheckpointException("not a readable savepoint, nothing deleted: " + savepoint.describe(""), e);
    }
    if (!metadata.savepoint()) {
      throw new CheckpointException(savepoint.describe("") + " is a checkpoint, not a savepoint; nothing deleted");
    }
    try {
      savepoint.delete(CheckpointLayout.METADATA);
      savepoint.sync(); // no longer a savepoint, durably, before any of its files goes
      for (StoredFile file : metadata.files()) {
        if (!file.shared()) {
          savepoint.delete(file.path());
        }
      }
      if (!savepoint.deletePrefix("")) {
        LOG.warn("Savepoint {} deleted; its directory holds other entries and stays", savepoint.describe(""));
      }
    } catch (IOException e) {
      throw new CheckpointException("could not delete savepoint " + savepoint.describe("") + ": " + e.getMessage(), e);
    }
  }

  private CompletableFuture<CompletedCheckpoint> trigger(boolean savepoint, CheckpointStorage target, boolean periodic) {
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
      CheckpointStorage directory = savepoint ? target : store.checkpointStorage(id);
      SnapshotMode mode = savepoint ? SnapshotMode.CANONICAL : config.mode;
      checkpoint = new PendingCheckpoint(id, directory, savepoint, mode, config.clock.instant(), participants.size());
      pending.put(id, checkpoint);
      checkpoint.timeout =
          scheduler.schedule(
              () -> abort(checkpoint, new CheckpointException("checkpoint " + checkpoint.id + " timed out after "
                  + config.timeout + notAtSafePoint(checkpoint)), Abort.FAILED),
              config.timeout.toNanos(),
              TimeUnit.NANOSECONDS);
      if (config.safePointWarning.compareTo(config.timeout) < 0) {
        checkpoint.safePointWarning =
            scheduler.schedule(() -> warnIfNotAtSafePoint(checkpoint), config.safePointWarning.toNanos(), TimeUnit.NANOSECONDS);
      }
    }
    for (CheckpointParticipant p : participants) {
      p.enqueue(checkpoint);
    }
    LOG.debug("Triggered {} {}", checkpoint.savepoint ? "savepoint" : "checkpoint", checkpoint.id);
    return checkpoint.future;
  }

  /** Returns "; participant 1 has not reached a safe point" for those still to take their part, or "". */
  private String notAtSafePoint(PendingCheckpoint checkpoint) {
    List<Integer> waiting = new ArrayList<>();
    for (CheckpointParticipant p : participants) {
      if (p.awaits(checkpoint)) {
        waiting.add(p.index());
      }
    }
    if (waiting.isEmpty()) {
      return "";
    }
    return waiting.size() == 1
        ? "; participant " + waiting.get(0) + " has not reached a safe point"
        : "; participants " + waiting + " have not reached a safe point";
  }

  private void warnIfNotAtSafePoint(PendingCheckpoint checkpoint) {
    if (checkpoint.isDiscarded()) {
      return;
    }
    for (CheckpointParticipant p : participants) {
      if (p.awaits(checkpoint)) {
        LOG.warn("{} {} waits for participant {}, which has not reached a safe point in {}: its task thread"
                + " must call checkpointIfPending() between records. A task thread that waits for a checkpoint's"
                + " future never gets there (use CheckpointParticipant.checkpointNow() on it); it is aborted after {}",
            checkpoint.savepoint ? "Savepoint" : "Checkpoint", checkpoint.id, p.index(), config.safePointWarning,
            config.timeout);
      }
    }
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
    checkpoint.reachedSafePoint(participant.index(), start);
    StateSnapshot keyed;
    byte[] operatorState;
    try {
      keyed = Snapshotable.of(participant.backend()).snapshot(checkpoint.id, checkpoint.mode);
    } catch (RuntimeException e) {
      abort(checkpoint, new CheckpointException("task " + participant.index() + " could not snapshot: " + e, e), Abort.FAILED);
      return;
    }
    try {
      operatorState = participant.operatorState().snapshot();
    } catch (RuntimeException e) {
      keyed.close();
      abort(checkpoint, new CheckpointException("task " + participant.index() + " could not snapshot operator state: " + e, e), Abort.FAILED);
      return;
    }
    long syncNanos = System.nanoTime() - start;
    if (!checkpoint.taskStarted()) { // aborted during the synchronous part: its cleanup may be done already
      keyed.close();
      return;
    }
    try {
      asyncExecutor.execute(() -> asynchronousPart(participant, checkpoint, keyed, operatorState, syncNanos));
    } catch (RejectedExecutionException e) {
      keyed.close();
      finishTask(checkpoint);
      abort(checkpoint, new CheckpointException("checkpoint " + checkpoint.id + " cancelled: coordinator closing"), Abort.CANCELLED);
    }
  }

  private void asynchronousPart(
      CheckpointParticipant participant, PendingCheckpoint checkpoint, StateSnapshot keyed, byte[] operatorState, long syncNanos) {
    long start = System.nanoTime();
    int index = participant.index();
    FileSnapshotOutput output = new FileSnapshotOutput(
        checkpoint.directory, checkpoint.savepoint ? null : store, checkpoint.id, index, checkpoint::isDiscarded);
    CheckpointMetadata.Participant part;
    long bytes;
    try {
      SnapshotResult result = keyed.writeTo(output);
      List<CheckpointMetadata.Entry> entries = output.entries();
      StoredFile operatorFile =
          CheckpointFiles.write(
              checkpoint.directory,
              CheckpointLayout.privateFileName(index, CheckpointLayout.OPERATOR_STATE_ENTRY),
              OperatorStateFormat.MAGIC,
              OperatorStateFormat.VERSION,
              out -> out.write(operatorState));
      part = new CheckpointMetadata.Participant(participant.backend().maxParallelism(),
          participant.backend().keyGroupRange(), result.format(), entries, result.states(), operatorFile);
      bytes = output.bytesWritten() + operatorFile.size();
    } catch (Throwable e) {
      keyed.close();
      output.abortUncommitted();
      finishTask(checkpoint); // before the abort, so that the abort removes the files at once
      abort(checkpoint, new CheckpointException("task " + index + " failed to write checkpoint " + checkpoint.id + ": " + e, e), Abort.FAILED);
      return;
    }
    // the task writes nothing more: finish it first, so that an abort after this point (of the
    // metadata write, say) removes the files before it completes the checkpoint's future
    finishTask(checkpoint);
    if (checkpoint.acknowledge(index, part, syncNanos, System.nanoTime() - start, bytes)) {
      submitCompletion(checkpoint);
    }
    keyed.close(); // after acknowledging: releasing what it pins (RocksDB: file deletions) is not on the checkpoint's path
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
      abort(checkpoint, new CheckpointException("checkpoint " + checkpoint.id + " cancelled: coordinator closing"), Abort.CANCELLED);
    }
  }

  // ---------------------------------------------------------------- completion and abort

  /** On the coordinator thread: commits the metadata, the commit point. */
  private void complete(PendingCheckpoint checkpoint) {
    if (!checkpoint.startCommit()) {
      return; // aborted meanwhile: the abort removes the files
    }
    List<CheckpointMetadata.Participant> parts = List.of(checkpoint.parts());
    CheckpointMetadata metadata = new CheckpointMetadata(
        store.jobId(), checkpoint.id, checkpoint.triggerTime.toEpochMilli(), checkpoint.savepoint, parts);
    long metadataSize;
    try {
      if (checkpoint.savepoint) {
        checkpoint.directory.commitMetadata(CheckpointLayout.METADATA, MetadataFormat.encodeFile(metadata));
      } else {
        store.commit(metadata);
      }
      metadataSize = checkpoint.directory.size(CheckpointLayout.METADATA);
    } catch (IOException | RuntimeException e) {
      checkpoint.commitFailed();
      abort(checkpoint, new CheckpointException("could not write the metadata of checkpoint " + checkpoint.id + ": " + e, e), Abort.FAILED);
      return;
    }
    CompletedCheckpoint done = new CompletedCheckpoint(checkpoint.id, checkpoint.directory.describe(""), checkpoint.savepoint);
    List<PendingCheckpoint> subsumed;
    boolean notifyComplete;
    synchronized (lock) {
      checkpoint.discard(); // no longer pending; files stay: claimCleanup below keeps abort from deleting
      checkpoint.claimCleanup();
      pending.remove(checkpoint.id);
      subsumed = new ArrayList<>(pending.headMap(checkpoint.id).values());
      subsumed.removeIf(older -> older.savepoint); // savepoints are asked for explicitly: never subsumed
      notifyComplete = checkpoint.id > lastNotifiedId;
      lastNotifiedId = Math.max(lastNotifiedId, checkpoint.id);
      consecutiveFailures = 0;
      lastCompletionNanos = System.nanoTime();
    }
    checkpoint.cancelTimers();
    for (PendingCheckpoint older : subsumed) {
      abort(older, new CheckpointException("checkpoint " + older.id + " subsumed by " + checkpoint.id), Abort.SUBSUMED);
    }
    if (notifyComplete) {
      notifyBackends(b -> b.notifyCheckpointComplete(checkpoint.id));
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
            metadata.dataSize() + metadataSize,
            checkpoint.bytesWritten() + metadataSize,
            parts.stream().mapToInt(p -> p.states().size()).sum(),
            null,
            checkpoint.safePointDelays(System.nanoTime()));
    metrics.record(stats, 0);
    LOG.info("Completed {} {} in {} ms ({} bytes, {} written, synchronous part {} µs)",
        checkpoint.savepoint ? "savepoint" : "checkpoint", checkpoint.id, stats.totalDuration().toMillis(),
        stats.sizeBytes(), stats.incrementalSizeBytes(), stats.synchronousDuration().toNanos() / 1000);
    for (CheckpointListener listener : config.listeners) {
      if (notifyComplete) { // a savepoint older than the last notified completion is covered by it
        notify(listener, l -> l.notifyCheckpointComplete(checkpoint.id));
      }
      notify(listener, l -> l.onCheckpointStats(stats));
    }
    // the checkpoint is complete: retention is housekeeping, not part of its time. It runs next on
    // this same thread, so it always finishes before the next checkpoint commits
    checkpoint.future.complete(done);
    if (!checkpoint.savepoint) {
      for (long expired : store.retain(config.retained)) {
        notifyBackends(b -> b.notifyCheckpointSubsumed(expired));
      }
    }
  }

  /** Aborts a pending checkpoint; only {@link Abort#FAILED} counts towards the tolerated failures. */
  private void abort(PendingCheckpoint checkpoint, CheckpointException cause, Abort reason) {
    boolean countsAsFailure = reason == Abort.FAILED;
    boolean deleteNow;
    int consecutive = 0;
    synchronized (lock) {
      if (checkpoint.isDiscarded() || checkpoint.isCommitting()) {
        return; // done already, or the commit decides
      }
      deleteNow = checkpoint.discard();
      pending.remove(checkpoint.id);
      if (countsAsFailure) {
        consecutiveFailures++;
        consecutive = consecutiveFailures;
        if (consecutiveFailures > config.tolerableFailures && failure == null) {
          failure = new CheckpointException(
              consecutiveFailures + " consecutive checkpoints failed (tolerated: " + config.tolerableFailures + ")", cause);
          participants.forEach(CheckpointParticipant::wakeUp);
        }
      }
    }
    checkpoint.cancelTimers();
    if (deleteNow) {
      deleteFiles(checkpoint);
    }
    notifyBackends(b -> b.notifyCheckpointAborted(checkpoint.id));
    if (countsAsFailure) {
      LOG.warn("Checkpoint {} failed: {}", checkpoint.id, cause.getMessage());
    } else {
      LOG.debug("Checkpoint {} aborted: {}", checkpoint.id, cause.getMessage());
    }
    long now = System.nanoTime();
    CheckpointStats stats =
        new CheckpointStats(
            checkpoint.id, checkpoint.savepoint,
            reason == Abort.CANCELLED ? CheckpointStats.Status.CANCELLED : CheckpointStats.Status.FAILED,
            checkpoint.triggerTime,
            Duration.ofNanos(checkpoint.maxSyncNanos()), Duration.ofNanos(checkpoint.maxAsyncNanos()),
            Duration.ofNanos(now - checkpoint.triggerNanos), 0, 0, 0, cause, checkpoint.safePointDelays(now));
    if (reason != Abort.SUBSUMED) {
      metrics.record(stats, consecutive);
    }
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
    if (!checkpoint.savepoint) {
      store.discardPending(checkpoint.id);
      return;
    }
    try {
      for (String file : checkpoint.directory.list("").files()) {
        if (CheckpointLayout.isCheckpointFile(file)) {
          checkpoint.directory.delete(file);
        }
      }
      checkpoint.directory.deletePrefix("");
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not remove the files of aborted savepoint {} in {}", checkpoint.id, checkpoint.directory.describe(""), e);
    }
  }

  /** Queues a call for every participant's keyed backend, made on its task thread. */
  private void notifyBackends(Consumer<Snapshotable> call) {
    for (CheckpointParticipant p : participants) {
      p.notifyBackend(call);
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

  private static void notify(CheckpointListener listener, Consumer<CheckpointListener> call) {
    try {
      call.accept(listener);
    } catch (RuntimeException e) {
      LOG.warn("Checkpoint listener {} failed", listener, e);
    }
  }

  // ---------------------------------------------------------------- inspection and shutdown

  /**
   * Returns the retained complete checkpoints of the job, oldest first, as of the end of the
   * retention that follows the last completed checkpoint (a checkpoint's future completes at its
   * commit, just before that retention).
   */
  public List<CompletedCheckpoint> completedCheckpoints() {
    return afterHousekeeping(() -> {
      List<CompletedCheckpoint> result = new ArrayList<>();
      for (long id : store.completeIds()) {
        result.add(new CompletedCheckpoint(id, store.checkpointStorage(id).describe(""), false));
      }
      return result;
    });
  }

  /** Returns the number of shared files the retained checkpoints list, as {@link #completedCheckpoints()}. */
  public int sharedFileCount() {
    return afterHousekeeping(store::referencedSharedFiles);
  }

  /**
   * Runs {@code read} on the coordinator thread, after what that thread is doing (a completion's
   * retention, say); directly if called on that thread or once the coordinator is closed.
   */
  private <T> T afterHousekeeping(Supplier<T> read) {
    if (Thread.currentThread() == coordinatorThread || scheduler.isShutdown()) {
      return read.get();
    }
    try {
      return scheduler.submit(read::get).get();
    } catch (RejectedExecutionException e) {
      return read.get(); // closed meanwhile
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CheckpointException("interrupted while waiting for the coordinator thread", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new CheckpointException(e.getCause().toString(), e.getCause());
    }
  }

  /**
   * Returns the checkpoint figures now: counts, the last completed and the last failed checkpoint's
   * statistics. Any thread, any time; an immutable value, updated before listeners hear of a
   * checkpoint's end.
   */
  public CheckpointMetrics metrics() {
    return metrics.current();
  }

  /** Returns the registered participants, by index. */
  public List<CheckpointParticipant> participants() {
    synchronized (lock) {
      return List.copyOf(participants);
    }
  }

  /** Returns the failure that stops the application (too many consecutive failures), or null. */
  public CheckpointException failure() {
    return failure;
  }

  /**
   * Cancels: stops triggering, lets a metadata commit in progress finish, aborts pending checkpoints
   * (waiting up to the timeout for their writes to stop), applies the externalized policy and
   * releases the job's storage. Idempotent. Backends are not closed: they belong to the application.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    scheduler.shutdown(); // periodic triggers and timeouts stop; a commit in progress or queued finishes
    awaitTermination(scheduler, "Checkpoint commits");
    List<PendingCheckpoint> toAbort;
    synchronized (lock) {
      toAbort = new ArrayList<>(pending.values());
    }
    for (PendingCheckpoint checkpoint : toAbort) {
      abort(checkpoint, new CheckpointException("checkpoint " + checkpoint.id + " cancelled: coordinator closed"), Abort.CANCELLED);
    }
    asyncExecutor.shutdown();
    awaitTermination(asyncExecutor, "Asynchronous checkpoint writes");
    if (config.policy == ExternalizedCheckpointPolicy.DELETE_ON_CANCELLATION) {
      store.deleteAll();
    }
    store.close();
    if (config.ownsStorage) {
      store.storage().close();
    }
  }

  private void awaitTermination(ExecutorService executor, String what) {
    try {
      if (!executor.awaitTermination(config.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{} did not stop in {}", what, config.timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new CheckpointException("coordinator is closed");
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
    private final CheckpointStorage storage;
    private SnapshotMode mode = SnapshotMode.CANONICAL;
    private Duration interval;
    private Duration minPause = Duration.ZERO;
    private Duration timeout = Duration.ofMinutes(10);
    private Duration safePointWarning = Duration.ofSeconds(30);
    private int maxConcurrent = 1;
    private int tolerableFailures = 3;
    private int retained = 2;
    private ExternalizedCheckpointPolicy policy = ExternalizedCheckpointPolicy.RETAIN_ON_CANCELLATION;
    private boolean fallBackOnCorruption;
    private FileLayer files = FileLayer.local();
    private InstantSource clock = InstantSource.system();
    private final List<CheckpointListener> listeners = new ArrayList<>();
    private final java.util.Set<String> set = new java.util.HashSet<>();
    /** Built from a location: the coordinator closes the storage. */
    private boolean ownsStorage;

    private Builder(Path jobDirectory, CheckpointStorage storage) {
      this.jobDirectory = jobDirectory;
      this.storage = storage;
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

    /**
     * Logs a warning naming every participant that has not reached a safe point ({@link
     * CheckpointParticipant#checkpointIfPending()}) this long after a checkpoint was triggered: its task
     * thread is blocked, or waits for the checkpoint itself. Default 30 seconds; none if not shorter
     * than the timeout.
     */
    public Builder safePointWarning(Duration after) {
      once("safe-point warning", this.safePointWarning);
      this.safePointWarning = positive("safe-point warning", after);
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

    /**
     * Takes incremental checkpoints: each backend writes its own cheapest format, which may store
     * only what changed since its last completed checkpoint and reference files that earlier
     * checkpoints stored (RocksDB: its native SST files; heap: deltas chained to a base). Restoring
     * one needs the same kind of backend; savepoints stay canonical and portable. Default off: full
     * canonical checkpoints, readable by every backend.
     */
    public Builder incrementalCheckpoints() {
      once("incremental checkpoints", true);
      this.mode = SnapshotMode.INCREMENTAL;
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

    /**
     * The file layer all local checkpoint I/O goes through, savepoints and restores included (tests
     * inject faults). Default the local disk.
     *
     * @throws IllegalStateException for a coordinator built on a {@link CheckpointStorage}
     */
    public Builder fileLayer(FileLayer files) {
      if (storage != null) {
        throw new IllegalStateException("the file layer applies to local directories, not to " + storage);
      }
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
     * Opens the job's storage (taking its lease, removing what a crash left unfinished) and returns
     * the coordinator.
     *
     * @throws StateException if another live coordinator holds it
     * @throws CheckpointException if it cannot be used, or is not writable
     */
    public CheckpointCoordinator build() {
      Object where = storage != null ? storage.describe("") : jobDirectory;
      try {
        return new CheckpointCoordinator(this);
      } catch (IOException | RuntimeException e) {
        if (ownsStorage) {
          storage.close();
        }
        if (e instanceof RuntimeException r) {
          throw r;
        }
        boolean readOnly = e instanceof AccessDeniedException
            || e instanceof FileSystemException f && "Read-only file system".equals(f.getReason());
        throw new CheckpointException(readOnly
            ? "checkpoint storage " + where + " is not writable (" + e + "): a coordinator writes checkpoints"
                + " there; to restore a read-only copy, call restore(path) on a coordinator of another directory"
            : "cannot open checkpoint storage " + where + ": " + e, e);
      }
    }
  }
}
