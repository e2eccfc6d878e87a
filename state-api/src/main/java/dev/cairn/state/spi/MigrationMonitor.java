package dev.cairn.state.spi;

import dev.cairn.state.metrics.MigrationProgress;
import dev.cairn.state.metrics.RestoreListener;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the entries one state's migration handles, for backend authors, as {@link RestoreMonitor}
 * does for restores: {@link #start} when a restored state's migration begins, {@link #pass} for each
 * pass over its entries, {@link #entry()} per entry, {@link #end(Throwable)}. It tells the {@link
 * RestoreListener} at most every progress interval and logs an INFO line at most every 5 seconds,
 * with the rate; the start, each pass and the end are always logged. It reads the clock once per
 * 1,024 entries. Not thread-safe: the registering thread.
 */
public final class MigrationMonitor {

  private static final Logger LOG = LoggerFactory.getLogger(MigrationMonitor.class);
  private static final long LOG_INTERVAL_NANOS = Duration.ofSeconds(5).toNanos();
  private static final int ENTRIES_PER_CHECK = 1024;

  private final String backend;
  private final String state;
  private final String reason;
  private final RestoreListener listener;
  private final long intervalNanos;
  private final long startNanos = System.nanoTime();
  private String pass = "started";
  private long passStartNanos = startNanos;
  private long nextProgressNanos;
  private long nextLogNanos;
  private long entries;
  private long total;

  private MigrationMonitor(String backend, StateMigration migration, RestoreListener listener, Duration interval) {
    this.backend = backend;
    this.state = migration.stateName();
    this.reason = migration.reason();
    this.listener = listener == null ? new RestoreListener() {} : listener;
    this.intervalNanos = interval.toNanos();
    this.nextProgressNanos = startNanos + intervalNanos;
    this.nextLogNanos = startNanos + Math.max(intervalNanos, LOG_INTERVAL_NANOS);
  }

  /**
   * Starts monitoring a migration: logs it and tells the listener.
   *
   * @param backend the backend's kind, {@code "heap"} or {@code "rocksdb"}
   * @param migration the migration
   * @param listener the listener, or null for logs only
   * @param interval the least time between two progress calls
   */
  public static MigrationMonitor start(
      String backend, StateMigration migration, RestoreListener listener, Duration interval) {
    MigrationMonitor monitor = new MigrationMonitor(backend, migration, listener, interval);
    LOG.info("Migrating state '{}' ({} backend) to its new serializers: {}", monitor.state, backend, monitor.reason);
    monitor.call(l -> l.onMigrationStart(monitor.progress(monitor.pass, 0, 0)));
    return monitor;
  }

  /** Begins a pass over the state's entries, named for what it does ({@link MigrationProgress#pass()}). */
  public void pass(String name) {
    if (!pass.equals("started")) {
      logPass();
    }
    total = Math.max(total, entries);
    pass = name;
    entries = 0;
    passStartNanos = System.nanoTime();
    nextProgressNanos = passStartNanos + intervalNanos;
    nextLogNanos = passStartNanos + Math.max(intervalNanos, LOG_INTERVAL_NANOS);
  }

  /** Counts one entry handled in the current pass; may report progress. */
  public void entry() {
    entries++;
    if (entries % ENTRIES_PER_CHECK == 0) {
      check();
    }
  }

  /**
   * Ends the migration: logs the totals and tells the listener.
   *
   * @param failure why it failed, or null
   * @return the totals
   */
  public MigrationProgress end(Throwable failure) {
    long now = System.nanoTime();
    total = Math.max(total, entries);
    MigrationProgress done = progress("done", total, now - startNanos);
    if (failure == null) {
      logPass();
      LOG.info("Migrated state '{}' ({} backend): {} entries in {} ms", state, backend, total,
          done.elapsed().toMillis());
    } else {
      LOG.info("Migration of state '{}' ({} backend) failed in pass '{}' after {} entries, {} ms; nothing was"
          + " changed: {}", state, backend, pass, entries, done.elapsed().toMillis(), failure.toString());
    }
    call(l -> l.onMigrationEnd(done, failure));
    return done;
  }

  private void logPass() {
    MigrationProgress p = progress(pass, entries, System.nanoTime() - passStartNanos);
    LOG.info("Migrating state '{}': {} {} entries in {} ms ({} entries/s)", state, pass, entries,
        p.elapsed().toMillis(), String.format("%.0f", p.entriesPerSecond()));
  }

  private void check() {
    long now = System.nanoTime();
    if (now < nextProgressNanos) {
      return;
    }
    nextProgressNanos = now + intervalNanos;
    MigrationProgress progress = progress(pass, entries, now - passStartNanos);
    if (now >= nextLogNanos) {
      nextLogNanos = now + Math.max(intervalNanos, LOG_INTERVAL_NANOS);
      LOG.info("Migrating state '{}': {} {} entries so far, {} s ({} entries/s)", state, pass, entries,
          progress.elapsed().toSeconds(), String.format("%.0f", progress.entriesPerSecond()));
    }
    call(l -> l.onMigrationProgress(progress));
  }

  private MigrationProgress progress(String pass, long entries, long elapsedNanos) {
    return new MigrationProgress(backend, state, reason, pass, entries, Duration.ofNanos(elapsedNanos));
  }

  private void call(Consumer<RestoreListener> call) {
    try {
      call.accept(listener);
    } catch (RuntimeException e) {
      LOG.warn("Restore listener {} failed", listener, e);
    }
  }
}
