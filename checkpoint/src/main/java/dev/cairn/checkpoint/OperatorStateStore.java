package dev.cairn.checkpoint;

import dev.cairn.state.IncompatibleSchemaException;
import dev.cairn.state.ListState;
import dev.cairn.state.SerializationException;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.StateRegistrationException;
import dev.cairn.state.serde.DataInputBuffer;
import dev.cairn.state.serde.DataOutputBuffer;
import dev.cairn.state.serde.SchemaCompatibility;
import dev.cairn.state.serde.SerializerSnapshots;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.serde.TypeSerializerSnapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Non-keyed state of one participant, such as source positions: named lists, checkpointed atomically
 * with the participant's keyed state (both are captured at the same synchronous point).
 *
 * <p>On restore with another number of participants, a list's elements are redistributed: {@link
 * #getListState} lists are <b>split evenly</b> (all participants' elements, in participant order, cut
 * into contiguous runs), {@link #getUnionListState} lists are given <b>whole to every</b> participant.
 *
 * <p>Like a keyed backend, a store belongs to its task thread and is not thread-safe.
 */
public final class OperatorStateStore {

  /** How a list is redistributed on restore. */
  enum Mode {
    SPLIT(1),
    UNION(2);

    final int code;

    Mode(int code) {
      this.code = code;
    }

    static Mode ofCode(int code) {
      for (Mode m : values()) {
        if (m.code == code) {
          return m;
        }
      }
      throw new SerializationException("unknown operator state mode " + code);
    }
  }

  /** A list as stored: its mode, serializer snapshot and serialized elements. */
  record StoredList(Mode mode, TypeSerializerSnapshot<?> serializer, List<byte[]> elements) {}

  private final Map<String, OperatorListState<?>> states = new LinkedHashMap<>();
  private Map<String, StoredList> restored = Map.of();

  /** Creates an empty store. */
  public OperatorStateStore() {}

  /**
   * Returns the named list, redistributed by even split on restore.
   *
   * @throws StateRegistrationException if the name is used with another mode or serializer
   * @throws IncompatibleSchemaException if restored elements were written by an incompatible serializer
   */
  public <T> ListState<T> getListState(String name, TypeSerializer<T> serializer) {
    return register(name, serializer, Mode.SPLIT);
  }

  /** Returns the named list, given whole to every participant on restore. Errors as {@link #getListState}. */
  public <T> ListState<T> getUnionListState(String name, TypeSerializer<T> serializer) {
    return register(name, serializer, Mode.UNION);
  }

  @SuppressWarnings("unchecked")
  private <T> ListState<T> register(String name, TypeSerializer<T> serializer, Mode mode) {
    StateDescriptors.list(name, serializer); // validates the name and serializer
    OperatorListState<?> existing = states.get(name);
    if (existing != null) {
      if (existing.mode != mode || !existing.serializer.snapshot().equals(serializer.snapshot())) {
        throw new StateRegistrationException(
            "operator state '" + name + "' is registered as " + existing.mode + " with " + existing.serializer
                + ", cannot register it as " + mode + " with " + serializer);
      }
      return (ListState<T>) existing;
    }
    OperatorListState<T> state = new OperatorListState<>(name, serializer, mode);
    StoredList stored = restored.get(name);
    if (stored != null) {
      if (stored.mode() != mode) {
        throw new StateRegistrationException(
            "operator state '" + name + "' was restored as " + stored.mode() + ", cannot register it as " + mode);
      }
      SchemaCompatibility compatibility = resolve(stored.serializer(), serializer);
      if (!compatibility.isCompatibleAsIs()) {
        throw new IncompatibleSchemaException(
            "operator state '" + name + "': the new serializer cannot read the restored data ("
                + compatibility.reason() + ")");
      }
      DataInputBuffer in = new DataInputBuffer();
      for (byte[] bytes : stored.elements()) {
        in.wrap(bytes);
        state.elements.add(serializer.deserialize(in));
      }
      restored.remove(name);
    }
    states.put(name, state);
    return state;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static SchemaCompatibility resolve(TypeSerializerSnapshot stored, TypeSerializer<?> now) {
    return stored.resolveCompatibility(now);
  }

  /**
   * Serializes every list (restored lists not registered again included), on the task thread at the
   * synchronous point. Format: {@code count:varint (name:string mode:byte serializerSnapshot
   * n:varint element:bytes*)*}.
   */
  byte[] snapshot() {
    DataOutputBuffer out = new DataOutputBuffer(256);
    out.writeVarInt(states.size() + restored.size());
    DataOutputBuffer element = new DataOutputBuffer();
    for (OperatorListState<?> state : states.values()) {
      state.write(out, element);
    }
    for (Map.Entry<String, StoredList> e : restored.entrySet()) {
      writeHeader(out, e.getKey(), e.getValue().mode(), e.getValue().serializer(), e.getValue().elements().size());
      for (byte[] bytes : e.getValue().elements()) {
        out.writeLengthPrefixed(bytes, 0, bytes.length);
      }
    }
    return out.toByteArray();
  }

  private static void writeHeader(DataOutputBuffer out, String name, Mode mode, TypeSerializerSnapshot<?> serializer, int size) {
    out.writeString(name);
    out.writeByte(mode.code);
    SerializerSnapshots.write(serializer, out);
    out.writeVarInt(size);
  }

  /** Decodes what {@link #snapshot()} wrote. */
  static Map<String, StoredList> decode(byte[] bytes) {
    DataInputBuffer in = new DataInputBuffer(bytes);
    int count = in.readLength(1);
    Map<String, StoredList> result = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      String name = in.readString();
      Mode mode = Mode.ofCode(in.readUnsignedByte());
      TypeSerializerSnapshot<?> serializer = SerializerSnapshots.read(in);
      int size = in.readLength(1);
      List<byte[]> elements = new ArrayList<>(size);
      for (int j = 0; j < size; j++) {
        elements.add(in.readLengthPrefixed());
      }
      result.put(name, new StoredList(mode, serializer, elements));
    }
    if (in.remaining() != 0) {
      throw new SerializationException(in.remaining() + " bytes after the operator state");
    }
    return result;
  }

  /** Whether a list was registered; a restore must come before. */
  boolean hasRegisteredLists() {
    return !states.isEmpty();
  }

  /**
   * Gives this store the lists of a restored checkpoint; registration deserializes them. Only before
   * any list is registered ({@link #hasRegisteredLists()}, which the coordinator checks first).
   */
  void restore(Map<String, StoredList> lists) {
    restored = new HashMap<>(lists);
  }

  /**
   * Redistributes the stored lists of {@code oldParts} (one map per old participant, in index order)
   * over {@code parallelism} new participants and returns the share of participant {@code index}.
   */
  static Map<String, StoredList> redistribute(List<Map<String, StoredList>> oldParts, int parallelism, int index) {
    Map<String, StoredList> merged = new LinkedHashMap<>();
    for (Map<String, StoredList> part : oldParts) {
      for (Map.Entry<String, StoredList> e : part.entrySet()) {
        StoredList previous = merged.get(e.getKey());
        StoredList next = e.getValue();
        if (previous == null) {
          merged.put(e.getKey(), new StoredList(next.mode(), next.serializer(), new ArrayList<>(next.elements())));
        } else if (previous.mode() != next.mode() || !previous.serializer().equals(next.serializer())) {
          throw new SerializationException(
              "operator state '" + e.getKey() + "' is stored with different modes or serializers by different participants");
        } else {
          previous.elements().addAll(next.elements()); // both modes start from the union of all lists
        }
      }
    }
    Map<String, StoredList> share = new LinkedHashMap<>();
    for (Map.Entry<String, StoredList> e : merged.entrySet()) {
      StoredList list = e.getValue();
      if (list.mode() == Mode.UNION) {
        share.put(e.getKey(), list);
      } else {
        int n = list.elements().size();
        int from = (int) ((long) n * index / parallelism);
        int to = (int) ((long) n * (index + 1) / parallelism);
        share.put(e.getKey(), new StoredList(list.mode(), list.serializer(), list.elements().subList(from, to)));
      }
    }
    return share;
  }

  /** An operator list: a plain list owned by the task thread. */
  private static final class OperatorListState<T> implements ListState<T> {
    private final String name;
    private final TypeSerializer<T> serializer;
    private final Mode mode;
    private final List<T> elements = new ArrayList<>();

    OperatorListState(String name, TypeSerializer<T> serializer, Mode mode) {
      this.name = name;
      this.serializer = serializer;
      this.mode = mode;
    }

    @Override
    public Iterable<T> get() {
      List<T> copy = new ArrayList<>(elements.size());
      for (T element : elements) {
        copy.add(serializer.copy(element));
      }
      return Collections.unmodifiableList(copy);
    }

    @Override
    public void add(T value) {
      Objects.requireNonNull(value, () -> "operator state '" + name + "' does not accept null elements");
      elements.add(serializer.copy(value));
    }

    @Override
    public void addAll(List<T> values) {
      elements.addAll(checked(values));
    }

    @Override
    public void update(List<T> values) {
      List<T> checked = checked(values);
      elements.clear();
      elements.addAll(checked);
    }

    private List<T> checked(List<T> values) {
      Objects.requireNonNull(values, () -> "operator state '" + name + "': the list must not be null");
      List<T> copies = new ArrayList<>(values.size());
      for (T value : values) {
        Objects.requireNonNull(value, () -> "operator state '" + name + "' does not accept null elements");
        copies.add(serializer.copy(value));
      }
      return copies;
    }

    @Override
    public void clear() {
      elements.clear();
    }

    void write(DataOutputBuffer out, DataOutputBuffer element) {
      writeHeader(out, name, mode, serializer.snapshot(), elements.size());
      for (T value : elements) {
        element.reset();
        serializer.serialize(value, element);
        out.writeLengthPrefixed(element.array(), 0, element.length());
      }
    }
  }
}
