package dev.cairn.ttl;

import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.SnapshotException;
import dev.cairn.state.StateException;
import dev.cairn.state.spi.KeyedSnapshotFormat;
import dev.cairn.state.spi.SharedFileHandle;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.Snapshotable;
import dev.cairn.state.spi.StateMetaInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Restores the TTL backend: a state stored without TTL that now has TTL gets envelopes (last access =
 * the restore time); a state stored with TTL that now has none loses them. Inputs that need neither
 * go to the wrapped backend as they are; the others are rewritten on the fly through a {@link Pipe}.
 */
final class TtlRestore {

  private TtlRestore() {}

  static void restore(
      KeyedStateBackend<?> inner, Collection<SnapshotInput> inputs, Predicate<StateMetaInfo> wantsTtl, long now) {
    Function<StateMetaInfo, StreamRewriter.StateRewrite> rewrites = stored -> {
      boolean has = EnvelopeRewrites.hasTtl(stored);
      boolean wants = wantsTtl.test(stored);
      if (has == wants) {
        return null;
      }
      return wants ? EnvelopeRewrites.addEnvelope(now) : EnvelopeRewrites.stripEnvelope();
    };
    List<Pipe> pipes = new ArrayList<>();
    List<SnapshotInput> adapted = new ArrayList<>();
    for (SnapshotInput input : inputs) {
      adapted.add(needsRewrite(input, rewrites) ? rewriting(inner, input, rewrites, pipes) : input);
    }
    try {
      Snapshotable.of(inner).restore(adapted);
    } catch (RuntimeException e) {
      for (Pipe pipe : pipes) {
        pipe.abort();
        if (pipe.join() instanceof StateException cause) { // the stream was damaged: say so, not "truncated"
          cause.addSuppressed(e);
          throw cause;
        }
      }
      throw e;
    } finally {
      pipes.forEach(Pipe::abort);
    }
  }

  private static boolean needsRewrite(SnapshotInput input, Function<StateMetaInfo, StreamRewriter.StateRewrite> rewrites) {
    if (!KeyedSnapshotFormat.FORMAT.equals(input.format())
        || !input.streamNames().contains(KeyedSnapshotFormat.STREAM_NAME)) {
      return false; // a backend's own format keeps its envelopes as stored: see the README
    }
    try (InputStream in = input.openStream(KeyedSnapshotFormat.STREAM_NAME)) {
      return StreamRewriter.states(in, input.description()).stream().anyMatch(s -> rewrites.apply(s) != null);
    } catch (IOException e) {
      throw new SnapshotException("cannot read keyed-state stream " + input.description() + ": " + e.getMessage(), e);
    }
  }

  private static SnapshotInput rewriting(
      KeyedStateBackend<?> inner, SnapshotInput input,
      Function<StateMetaInfo, StreamRewriter.StateRewrite> rewrites, List<Pipe> pipes) {
    return new SnapshotInput() {
      @Override
      public String format() {
        return input.format();
      }

      @Override
      public Optional<SharedFileHandle> sharedHandle(String name) {
        return input.sharedHandle(name);
      }

      @Override
      public Set<String> streamNames() {
        return input.streamNames();
      }

      @Override
      public InputStream openStream(String name) throws IOException {
        if (!KeyedSnapshotFormat.STREAM_NAME.equals(name)) {
          return input.openStream(name);
        }
        InputStream original = input.openStream(name);
        Pipe pipe = Pipe.writing("cairn-ttl-restore", out -> {
          try (InputStream in = original) {
            StreamRewriter.rewrite(in, out, input.description(), inner.keyGroupRange(), rewrites);
          }
        });
        pipes.add(pipe);
        return pipe.source();
      }

      @Override
      public String description() {
        return input.description();
      }
    };
  }
}
