package dev.cairn.ttl;

import dev.cairn.state.spi.KeyedSnapshotFormat;
import dev.cairn.state.spi.SharedFileHandle;
import dev.cairn.state.spi.SnapshotOutput;
import dev.cairn.state.spi.SnapshotResult;
import dev.cairn.state.spi.StateSnapshot;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A snapshot of the TTL backend: the wrapped backend's snapshot, its canonical stream piped through
 * a filter that leaves out expired entries of states with {@link dev.cairn.state.TtlConfig#cleanupInFullSnapshot()}
 * (judged at the synchronous part). The result reports each state with the user's serializer
 * snapshots (the TTL envelope is a storage detail of the stream).
 */
final class TtlStateSnapshot implements StateSnapshot {

  /** Chooses the filter of a stored state; null keeps it whole. */
  interface Filter {
    StreamRewriter.StateRewrite of(String stateName, boolean storedWithTtl, long now);
  }

  private final StateSnapshot inner;
  private final Filter filter;
  private final long now;

  TtlStateSnapshot(StateSnapshot inner, Filter filter, long now) {
    this.inner = inner;
    this.filter = filter;
    this.now = now;
  }

  @Override
  public long checkpointId() {
    return inner.checkpointId();
  }

  @Override
  public SnapshotResult writeTo(SnapshotOutput output) throws IOException {
    SnapshotResult result;
    long dropped = 0;
    if (filter == null) {
      result = inner.writeTo(output);
    } else {
      FilteringOutput filtering = new FilteringOutput(output);
      try {
        result = inner.writeTo(filtering);
      } catch (IOException | RuntimeException | Error e) {
        filtering.abort();
        throw e;
      }
      dropped = filtering.finish();
    }
    return new SnapshotResult(
        result.format(),
        result.streamNames(),
        result.states().stream().map(EnvelopeRewrites::userView).toList(),
        result.entryCount() - dropped);
  }

  @Override
  public void close() {
    inner.close();
  }

  /** Passes every stream through, except the canonical one, which goes through the filter. */
  private final class FilteringOutput implements SnapshotOutput {

    private final SnapshotOutput output;
    private Pipe pipe;
    private volatile long dropped;

    FilteringOutput(SnapshotOutput output) {
      this.output = output;
    }

    @Override
    public OutputStream createStream(String name) throws IOException {
      OutputStream target = output.createStream(name);
      if (!KeyedSnapshotFormat.STREAM_NAME.equals(name)) {
        return target;
      }
      String description = "snapshot " + checkpointId();
      pipe = Pipe.reading("cairn-ttl-snapshot-filter-" + checkpointId(), in -> {
        try (OutputStream out = target) {
          dropped = StreamRewriter.rewrite(in, out, description, null,
              meta -> filter.of(meta.name(), EnvelopeRewrites.hasTtl(meta), now));
        }
      });
      return pipe.sink();
    }

    @Override
    public SharedFileHandle writeShared(String name, ContentWriter content) throws IOException {
      return output.writeShared(name, content);
    }

    @Override
    public void referenceShared(String name, SharedFileHandle handle) throws IOException {
      output.referenceShared(name, handle);
    }

    long finish() throws IOException {
      if (pipe != null) {
        pipe.sink().close(); // in case the wrapped snapshot did not
        pipe.joinOrThrow();
      }
      return dropped;
    }

    void abort() {
      if (pipe != null) {
        pipe.abort();
      }
    }
  }
}
