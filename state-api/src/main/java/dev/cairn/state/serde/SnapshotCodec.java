package dev.cairn.state.serde;

import dev.cairn.state.SerializationException;
import java.util.ArrayList;
import java.util.List;

/** Helpers shared by the snapshots of composite serializers: versions, name lists, nested verdicts. */
final class SnapshotCodec {

  private SnapshotCodec() {}

  /**
   * Throws unless {@code version} is the only version of snapshot family {@code id} there is so far.
   */
  static void requireVersion(String id, int version, int known) {
    if (version != known) {
      throw new SerializationException("unknown version " + version + " of serializer snapshot '" + id + "'");
    }
  }

  static void writeNames(List<String> names, DataOutputBuffer out) {
    out.writeVarInt(names.size());
    for (String name : names) {
      out.writeString(name);
    }
  }

  static List<String> readNames(DataInputBuffer in) {
    int n = in.readLength(1);
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add(in.readString());
    }
    return List.copyOf(names);
  }

  /**
   * Resolves a nested serializer: the stored snapshot {@code old} against {@code now}. A nested
   * verdict other than as-is becomes the composite's verdict, with {@code where} prefixed to the
   * reason.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static SchemaCompatibility nested(String where, TypeSerializerSnapshot old, TypeSerializer<?> now) {
    SchemaCompatibility verdict = old.resolveCompatibility(now);
    if (verdict.isCompatibleAsIs()) {
      return verdict;
    }
    return new SchemaCompatibility(verdict.kind(), where + ": " + verdict.reason());
  }

  /** Returns the more severe of two verdicts ({@code a} when they are equally severe). */
  static SchemaCompatibility worse(SchemaCompatibility a, SchemaCompatibility b) {
    return b.kind().compareTo(a.kind()) > 0 ? b : a;
  }

  /** Returns the verdict for a new serializer of another family than the stored snapshot's. */
  static SchemaCompatibility otherFamily(TypeSerializerSnapshot<?> old, TypeSerializer<?> now) {
    return SchemaCompatibility.incompatible("stored " + old + ", new serializer is " + now);
  }
}
