package dev.cairn.state.rocksdb;

import dev.cairn.state.SerializationException;
import dev.cairn.state.StateKind;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.StateMigration;

/**
 * Rewrites the entries of one state's column family from the stored format to the new
 * descriptor's: each value (list element, map value) read with the migration's value reader and
 * written with the new serializer, and for map state each user key likewise. Byte work only; the
 * backend iterates and writes ({@link RocksDbKeyedBackend#migrate}).
 */
final class RocksDbMigration {

  private final StateKind kind;
  private final StateMigration migration;
  private final TypeSerializer<?> keySerializer;
  private final TypeSerializer<Object> newValue;
  private final TypeSerializer<Object> newUserKey;
  private final DataInputBuffer in = new DataInputBuffer();
  private final DataInputBuffer elementIn = new DataInputBuffer();
  private final DataOutputBuffer out = new DataOutputBuffer(256);
  private final DataOutputBuffer element = new DataOutputBuffer(256);

  RocksDbMigration(
      StateKind kind,
      StateMigration migration,
      TypeSerializer<?> keySerializer,
      TypeSerializer<Object> newValue,
      TypeSerializer<Object> newUserKey) {
    this.kind = kind;
    this.migration = migration;
    this.keySerializer = keySerializer;
    this.newValue = newValue;
    this.newUserKey = newUserKey;
  }

  /** Returns the RocksDB key in the new format: the same bytes unless map keys migrate. */
  byte[] key(byte[] raw) {
    if (migration.userKeyReader() == null) {
      return raw;
    }
    in.wrap(raw, 2, raw.length - 2);
    keySerializer.deserialize(in);
    int prefix = in.position();
    Object userKey = readAll(migration.userKeyReader(), in, "map key");
    out.reset();
    out.writeBytes(raw, 0, prefix);
    newUserKey.serialize(userKey, out);
    return out.toByteArray();
  }

  /** Returns the state's key in the RocksDB key {@code raw}, for messages, or its bytes in hex. */
  String describeKey(byte[] raw) {
    try {
      return StateMigration.describeKey(keySerializer.deserialize(new DataInputBuffer().wrap(raw, 2, raw.length - 2)));
    } catch (RuntimeException e) {
      return StateMigration.describeKey(raw);
    }
  }

  /** Returns the RocksDB value in the new format. */
  byte[] value(byte[] raw) {
    TypeSerializer<Object> reader = migration.valueReader();
    if (reader == null) {
      return raw;
    }
    in.wrap(raw, 0, raw.length);
    out.reset();
    switch (kind) {
      case LIST -> {
        while (in.remaining() > 0) {
          int length = in.readLength(1);
          Object value = readAll(reader, elementIn.wrap(in.array(), in.position(), length), "list element");
          in.skip(length);
          element.reset();
          newValue.serialize(value, element);
          out.writeLengthPrefixed(element.array(), 0, element.length());
        }
      }
      case MAP -> {
        byte presence = in.readByte();
        out.writeByte(presence);
        if (presence == RocksDbMapState.PRESENT_VALUE) {
          newValue.serialize(readAll(reader, in, "map value"), out);
        }
      }
      default -> newValue.serialize(readAll(reader, in, "value"), out);
    }
    return out.toByteArray();
  }

  private static Object readAll(TypeSerializer<Object> reader, DataInputBuffer input, String what) {
    Object value = reader.deserialize(input);
    if (input.remaining() != 0) {
      throw new SerializationException(input.remaining() + " bytes left after the stored " + what);
    }
    return value;
  }
}
