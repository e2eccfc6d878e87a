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
   * reason; a nested reconfiguration becomes a migration of the composite, which reads the nested
   * values with the reconfigured serializer ({@link #reader}). A value that became an {@code
   * Optional} of a compatible type migrates.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static SchemaCompatibility nested(String where, TypeSerializerSnapshot old, TypeSerializer<?> now) {
    SchemaCompatibility toOptional = OptionalSerializer.toOptional(old, now);
    SchemaCompatibility verdict = toOptional != null ? toOptional : SerializerSnapshots.resolve(old, (TypeSerializer) now);
    if (verdict.isCompatibleAsIs()) {
      return verdict;
    }
    SchemaCompatibility.Kind kind = verdict.kind() == SchemaCompatibility.Kind.INCOMPATIBLE
        ? SchemaCompatibility.Kind.INCOMPATIBLE
        : SchemaCompatibility.Kind.COMPATIBLE_AFTER_MIGRATION;
    return new SchemaCompatibility(kind, where + ": " + verdict.reason());
  }

  /**
   * Returns the serializer that reads what {@code old}'s serializer wrote as values of {@code now}'s
   * type: {@code now} itself when compatible as is, else {@code old}'s restore serializer (or, for a
   * value that became optional, one that wraps it). Call it only after {@link #nested} found them
   * compatible.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <T> TypeSerializer<T> reader(TypeSerializerSnapshot old, TypeSerializer<T> now) {
    if (OptionalSerializer.toOptional(old, now) != null) {
      return (TypeSerializer<T>) OptionalSerializer.wrapping(old, (OptionalSerializer) now);
    }
    return SerializerSnapshots.readerOf(old, now);
  }

  /** Returns the more severe of two verdicts ({@code a} when they are equally severe). */
  static SchemaCompatibility worse(SchemaCompatibility a, SchemaCompatibility b) {
    return b.kind().compareTo(a.kind()) > 0 ? b : a;
  }

  /** Returns the verdict for a new serializer of another family than the stored snapshot's. */
  static SchemaCompatibility otherFamily(TypeSerializerSnapshot<?> old, TypeSerializer<?> now) {
    return SchemaCompatibility.incompatible("stored " + old + ", new serializer is " + now);
  }

  /**
   * Returns whether {@link #skip} can pass over a value written by {@code old}'s serializer without
   * that serializer: true for every Cairn serializer family, false for other families.
   */
  static boolean skippable(TypeSerializerSnapshot<?> old) {
    if (old instanceof SimpleSerializerSnapshot<?> simple) {
      return BuiltInSerializers.byId(simple.id()) != null;
    }
    if (old instanceof ListSerializer.Snapshot<?> list) {
      return skippable(list.element());
    }
    if (old instanceof MapSerializer.Snapshot<?, ?> map) {
      return skippable(map.key()) && skippable(map.value());
    }
    if (old instanceof OptionalSerializer.Snapshot<?> optional) {
      return skippable(optional.value());
    }
    if (old instanceof RecordSerializer.Snapshot<?> record) {
      return record.components().stream().allMatch(c -> skippable(c.serializer()));
    }
    if (old instanceof MigratingSerializer.Snapshot<?> migrated) {
      return skippable(migrated.now());
    }
    return old instanceof EnumSerializer.Snapshot<?> || old instanceof KryoSerializer.Snapshot<?>
        || old instanceof AvroSnapshot<?>;
  }

  /** Reads past one value written by {@code old}'s serializer, which {@link #skippable} accepts. */
  static void skip(TypeSerializerSnapshot<?> old, DataInputBuffer in) {
    if (old instanceof SimpleSerializerSnapshot<?> simple) {
      BuiltInSerializers.byId(simple.id()).deserialize(in);
    } else if (old instanceof ListSerializer.Snapshot<?> list) {
      for (int i = in.readLength(1); i > 0; i--) {
        skip(list.element(), in);
      }
    } else if (old instanceof MapSerializer.Snapshot<?, ?> map) {
      for (int i = in.readLength(1); i > 0; i--) {
        skip(map.key(), in);
        if (presence(in, "map value")) {
          skip(map.value(), in);
        }
      }
    } else if (old instanceof OptionalSerializer.Snapshot<?> optional) {
      if (presence(in, "optional value")) {
        skip(optional.value(), in);
      }
    } else if (old instanceof RecordSerializer.Snapshot<?> record) {
      for (RecordSerializer.Snapshot.Component c : record.components()) {
        if (!c.nullable() || presence(in, "component '" + c.name() + "'")) {
          skip(c.serializer(), in);
        }
      }
    } else if (old instanceof EnumSerializer.Snapshot<?>) {
      in.readVarInt();
    } else if (old instanceof KryoSerializer.Snapshot<?> || old instanceof AvroSnapshot<?>) {
      in.skip(in.readLength(1));
    } else if (old instanceof MigratingSerializer.Snapshot<?> migrated) {
      skip(migrated.now(), in);
    } else {
      throw new IllegalArgumentException("cannot skip values of " + old);
    }
  }

  /** Reads a presence byte: true for 1, false for 0. */
  static boolean presence(DataInputBuffer in, String what) {
    int present = in.readUnsignedByte();
    if (present > 1) {
      throw new SerializationException(
          "corrupt data: presence byte " + present + " of " + what + " at position " + (in.position() - 1));
    }
    return present == 1;
  }
}
