package dev.cairn.ttl;

import dev.cairn.state.StateKind;
import dev.cairn.state.TtlConfig;
import dev.cairn.state.spi.StateMetaInfo;

/** The three ways TTL rewrites the entries of a state in a canonical stream, on raw bytes. */
final class EnvelopeRewrites {

  private EnvelopeRewrites() {}

  /** Leaves out entries (list elements, map entries) expired at {@code now}; the header is unchanged. */
  static StreamRewriter.StateRewrite dropExpired(TtlConfig config, long now) {
    return new StreamRewriter.StateRewrite() {
      @Override
      public StateMetaInfo meta(StateMetaInfo stored) {
        return stored;
      }

      @Override
      public byte[] value(byte[] bytes) {
        return config.isExpired(TtlSerializer.timestampOf(bytes), now) ? null : bytes;
      }

      @Override
      public byte[] mapValue(byte[] bytes) {
        return bytes == null || !config.isExpired(TtlSerializer.timestampOf(bytes), now) ? bytes : StreamRewriter.DROP;
      }
    };
  }

  /** Wraps every entry of a state stored without TTL in an envelope last accessed at {@code now}. */
  static StreamRewriter.StateRewrite addEnvelope(long now) {
    return new StreamRewriter.StateRewrite() {
      @Override
      public StateMetaInfo meta(StateMetaInfo stored) {
        return new StateMetaInfo(
            stored.name(), stored.kind(),
            new TtlSerializer.Snapshot<>(stored.valueSerializer(), stored.kind() == StateKind.MAP),
            stored.userKeySerializer());
      }

      @Override
      public byte[] value(byte[] bytes) {
        return TtlSerializer.wrap(now, bytes, false);
      }

      @Override
      public byte[] mapValue(byte[] bytes) {
        return TtlSerializer.wrap(now, bytes, true);
      }
    };
  }

  /** Strips the envelopes of a state stored with TTL, dropping the timestamps. */
  static StreamRewriter.StateRewrite stripEnvelope() {
    return new StreamRewriter.StateRewrite() {
      @Override
      public StateMetaInfo meta(StateMetaInfo stored) {
        return new StateMetaInfo(
            stored.name(), stored.kind(), ((TtlSerializer.Snapshot<?>) stored.valueSerializer()).user(),
            stored.userKeySerializer());
      }

      @Override
      public byte[] value(byte[] bytes) {
        return TtlSerializer.unwrap(bytes, false);
      }

      @Override
      public byte[] mapValue(byte[] bytes) {
        return TtlSerializer.unwrap(bytes, true);
      }
    };
  }

  /** Returns whether a stored state was written with TTL. */
  static boolean hasTtl(StateMetaInfo stored) {
    return stored.valueSerializer() instanceof TtlSerializer.Snapshot<?>;
  }

  /** Returns {@code stored} as the user sees it: the envelope's snapshot replaced by the user's. */
  static StateMetaInfo userView(StateMetaInfo stored) {
    return hasTtl(stored) ? stripEnvelope().meta(stored) : stored;
  }
}
