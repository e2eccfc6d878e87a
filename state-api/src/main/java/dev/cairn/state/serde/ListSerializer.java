package dev.cairn.state.serde;

import dev.cairn.state.SerializationException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists as a var-int count and the elements. Null elements are rejected; lists read back are {@link
 * ArrayList}s. The stable hash follows {@link List#hashCode()} over the elements' stable hashes.
 *
 * <p>A count is bounded by the bytes left, one byte per element, before any element is read: so
 * hostile bytes cannot make a reader loop or allocate beyond what the data holds. Writing keeps that
 * true by refusing lists whose elements take fewer bytes than their count.
 */
final class ListSerializer<E> implements TypeSerializer<List<E>> {

  static final String ID = "cairn.list";

  private final TypeSerializer<E> element;

  ListSerializer(TypeSerializer<E> element) {
    if (element == null) {
      throw new NullPointerException("element serializer must not be null");
    }
    this.element = element;
  }

  @Override
  public void serialize(List<E> value, DataOutputBuffer out) {
    out.writeVarInt(value.size());
    int start = out.length();
    int i = 0;
    for (E e : value) {
      if (e == null) {
        throw new SerializationException(this + ": null element at index " + i + " (lists never hold null)");
      }
      element.serialize(e, out);
      i++;
    }
    if (out.length() - start < i) {
      throw new SerializationException(
          this + ": " + i + " elements took " + (out.length() - start) + " bytes; a list's elements must "
              + "take at least one byte each, so that a count can be checked against the stored bytes");
    }
  }

  @Override
  public List<E> deserialize(DataInputBuffer in) {
    int n = in.readLength(1);
    List<E> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(element.deserialize(in));
    }
    return list;
  }

  @Override
  public boolean isImmutable() {
    return false;
  }

  @Override
  public List<E> copy(List<E> value) {
    List<E> copy = new ArrayList<>(value.size());
    for (E e : value) {
      copy.add(element.copy(e));
    }
    return copy;
  }

  @Override
  public int stableHash(List<E> value) {
    int h = 1;
    for (E e : value) {
      h = 31 * h + element.stableHash(e);
    }
    return h;
  }

  @Override
  public TypeSerializerSnapshot<List<E>> snapshot() {
    return new Snapshot<>(element.snapshot());
  }

  @Override
  public String toString() {
    return "list(" + element + ")";
  }

  static void registerReader() {
    SerializerSnapshots.register(ID, (version, in) -> {
      SnapshotCodec.requireVersion(ID, version, 1);
      return new Snapshot<>(SerializerSnapshots.read(in));
    });
  }

  /**
   * The snapshot of a list serializer: its element serializer's snapshot.
   *
   * @param element the element serializer's snapshot
   */
  record Snapshot<E>(TypeSerializerSnapshot<E> element) implements TypeSerializerSnapshot<List<E>> {

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
      SerializerSnapshots.write(element, out);
    }

    @Override
    public SchemaCompatibility resolveCompatibility(TypeSerializer<List<E>> newSerializer) {
      if (equals(newSerializer.snapshot())) {
        return SchemaCompatibility.compatibleAsIs(); // whatever the serializer's class: the same format
      }
      if (newSerializer instanceof ListSerializer<?> list) {
        return SnapshotCodec.nested("list element", element, list.element);
      }
      return SnapshotCodec.otherFamily(this, newSerializer);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public TypeSerializer<List<E>> restoreSerializer(TypeSerializer<List<E>> newSerializer) {
      if (!(newSerializer instanceof ListSerializer list)) {
        return TypeSerializerSnapshot.super.restoreSerializer(newSerializer);
      }
      return new ListSerializer<>(SnapshotCodec.reader(element, list.element));
    }

    @Override
    public String toString() {
      return "list(" + element + ")";
    }
  }
}
