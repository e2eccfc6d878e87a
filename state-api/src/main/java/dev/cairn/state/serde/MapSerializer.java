package dev.cairn.state.serde;

import dev.cairn.state.SerializationException;
import java.util.HashMap;
import java.util.Map;

/**
 * Maps as a var-int count and, per entry, the key, a presence byte and the value when present. Null
 * keys are rejected, null values kept; maps read back are {@link HashMap}s. The stable hash follows
 * {@link Map#hashCode()}: the sum over entries of key hash XOR value hash (0 for null), so it does not
 * depend on iteration order. An entry takes at least one byte (its presence byte), so a count larger
 * than the bytes left is rejected as corrupt before any entry is read.
 */
final class MapSerializer<K, V> implements TypeSerializer<Map<K, V>> {

  static final String ID = "cairn.map";

  private final TypeSerializer<K> key;
  private final TypeSerializer<V> value;

  MapSerializer(TypeSerializer<K> key, TypeSerializer<V> value) {
    if (key == null || value == null) {
      throw new NullPointerException("key and value serializers must not be null");
    }
    this.key = key;
    this.value = value;
  }

  @Override
  public void serialize(Map<K, V> map, DataOutputBuffer out) {
    out.writeVarInt(map.size());
    for (Map.Entry<K, V> e : map.entrySet()) {
      if (e.getKey() == null) {
        throw new SerializationException(this + ": null key (maps never hold null keys)");
      }
      key.serialize(e.getKey(), out);
      V v = e.getValue();
      if (v == null) {
        out.writeByte(0);
      } else {
        out.writeByte(1);
        value.serialize(v, out);
      }
    }
  }

  @Override
  public Map<K, V> deserialize(DataInputBuffer in) {
    int n = in.readLength(1);
    Map<K, V> map = new HashMap<>(n + n / 3 + 1);
    for (int i = 0; i < n; i++) {
      K k = key.deserialize(in);
      int present = in.readUnsignedByte();
      if (present > 1) {
        throw new SerializationException(
            this + ": corrupt data: presence byte " + present + " at position " + (in.position() - 1));
      }
      map.put(k, present == 1 ? value.deserialize(in) : null);
      if (map.size() != i + 1) {
        throw new SerializationException(this + ": corrupt data: duplicate key " + k);
      }
    }
    return map;
  }

  @Override
  public boolean isImmutable() {
    return false;
  }

  @Override
  public Map<K, V> copy(Map<K, V> map) {
    Map<K, V> copy = new HashMap<>(map.size() + map.size() / 3 + 1);
    for (Map.Entry<K, V> e : map.entrySet()) {
      V v = e.getValue();
      copy.put(key.copy(e.getKey()), v == null ? null : value.copy(v));
    }
    return copy;
  }

  @Override
  public int stableHash(Map<K, V> map) {
    int h = 0;
    for (Map.Entry<K, V> e : map.entrySet()) {
      V v = e.getValue();
      h += key.stableHash(e.getKey()) ^ (v == null ? 0 : value.stableHash(v));
    }
    return h;
  }

  @Override
  public TypeSerializerSnapshot<Map<K, V>> snapshot() {
    return new Snapshot<>(key.snapshot(), value.snapshot());
  }

  @Override
  public String toString() {
    return "map(" + key + " -> " + value + ")";
  }

  static void registerReader() {
    SerializerSnapshots.register(ID, (version, in) -> {
      SnapshotCodec.requireVersion(ID, version, 1);
      return new Snapshot<>(SerializerSnapshots.read(in), SerializerSnapshots.read(in));
    });
  }

  /**
   * The snapshot of a map serializer.
   *
   * @param key the key serializer's snapshot
   * @param value the value serializer's snapshot
   */
  record Snapshot<K, V>(TypeSerializerSnapshot<K> key, TypeSerializerSnapshot<V> value)
      implements TypeSerializerSnapshot<Map<K, V>> {

    @Override
    public String id() {
      return ID;
    }

    @Override
    public int version() {
      return 1;
    }

    @Override
    public void write(DataOutputBuffer out) {
      SerializerSnapshots.write(key, out);
      SerializerSnapshots.write(value, out);
    }

    @Override
    public SchemaCompatibility resolveCompatibility(TypeSerializer<Map<K, V>> newSerializer) {
      if (equals(newSerializer.snapshot())) {
        return SchemaCompatibility.compatibleAsIs(); // whatever the serializer's class: the same format
      }
      if (!(newSerializer instanceof MapSerializer<?, ?> map)) {
        return SnapshotCodec.otherFamily(this, newSerializer);
      }
      return SnapshotCodec.worse(
          SnapshotCodec.nested("map key", key, map.key), SnapshotCodec.nested("map value", value, map.value));
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public TypeSerializer<Map<K, V>> restoreSerializer(TypeSerializer<Map<K, V>> newSerializer) {
      if (!(newSerializer instanceof MapSerializer map)) {
        return TypeSerializerSnapshot.super.restoreSerializer(newSerializer);
      }
      return new MapSerializer<>(SnapshotCodec.reader(key, map.key), SnapshotCodec.reader(value, map.value));
    }

    @Override
    public String toString() {
      return "map(" + key + " -> " + value + ")";
    }
  }
}
