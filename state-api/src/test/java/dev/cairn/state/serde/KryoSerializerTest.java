package dev.cairn.state.serde;

import static dev.cairn.state.serde.SerdeTesting.bytesOf;
import static dev.cairn.state.serde.SerdeTesting.read;
import static dev.cairn.state.serde.SerdeTesting.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.esotericsoftware.kryo.io.Output;
import dev.cairn.state.SerializationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class KryoSerializerTest {

  /** A mutable class without a no-argument constructor. */
  static final class Event {
    String id;
    long count;
    ArrayList<String> tags;

    Event(String id, long count, ArrayList<String> tags) {
      this.id = id;
      this.count = count;
      this.tags = tags;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Event e && Objects.equals(id, e.id) && count == e.count && Objects.equals(tags, e.tags);
    }

    @Override
    public int hashCode() {
      return Objects.hash(id, count, tags);
    }
  }

  record Reading(String sensor, double value) {}

  private static final TypeSerializer<Event> EVENTS = Serializers.kryo(Event.class, ArrayList.class);

  private static Event event() {
    return new Event("e-1", 3, new ArrayList<>(List.of("a", "b")));
  }

  @Test
  void kryo_registeredClasses_roundTrip() {
    assertThat(roundTrip(EVENTS, event())).isEqualTo(event());
    assertThat(roundTrip(Serializers.kryo(Reading.class), new Reading("t", 1.5))).isEqualTo(new Reading("t", 1.5));
  }

  @Test
  void kryo_unregisteredClassInValue_failsAtSerializeNamingTheType() {
    TypeSerializer<Event> noList = Serializers.kryo(Event.class);
    assertThatThrownBy(() -> bytesOf(noList, event()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("kryo(" + Event.class.getName() + ")")
        .hasMessageContaining("ArrayList");
  }

  @Test
  void kryo_hostileUnregisteredClassId_failsAtDeserialize() {
    DataOutputBuffer out = new DataOutputBuffer();
    out.writeVarInt(2);
    out.writeByte(60); // Kryo class id 58: nothing is registered there
    out.writeByte(0);
    assertThatThrownBy(() -> read(EVENTS, out.toByteArray()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining(Event.class.getName())
        .hasMessageContaining("unregistered class ID");
  }

  @Test
  void kryo_hostileArrayLength_isSerializationExceptionNotOom() {
    TypeSerializer<byte[]> bytes = Serializers.kryo(byte[].class);
    DataOutputBuffer out = new DataOutputBuffer();
    out.writeVarInt(6);
    out.writeByte(102); // registered id 100 (+2, Kryo's encoding)
    out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07}); // length 2^31-1
    assertThatThrownBy(() -> read(bytes, out.toByteArray()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("underflow");
    assertThat(roundTrip(bytes, new byte[] {1, 2})).containsExactly(1, 2);
  }

  @Test
  void kryo_truncatedOrPaddedValue_isSerializationException() {
    byte[] bytes = bytesOf(EVENTS, event());
    for (int cut = 0; cut < bytes.length; cut++) {
      byte[] truncated = Arrays.copyOf(bytes, cut);
      assertThatThrownBy(() -> read(EVENTS, truncated)).isInstanceOf(SerializationException.class);
    }
    // the length prefix shrunk by one: Kryo runs out of bytes inside the value
    byte[] shortened = bytes.clone();
    shortened[0]--;
    assertThatThrownBy(() -> read(EVENTS, shortened)).isInstanceOf(SerializationException.class);
    // the length prefix grown by one: a stray byte inside the value's frame
    byte[] padded = Arrays.copyOf(bytes, bytes.length + 1);
    padded[0]++;
    assertThatThrownBy(() -> read(EVENTS, padded))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("corrupt");
  }

  @Test
  void kryo_copy_isIndependent() {
    Event original = event();
    Event copy = EVENTS.copy(original);
    copy.tags.add("c");
    copy.count = 9;
    assertThat(original).isEqualTo(event());
    assertThat(EVENTS.isImmutable()).isFalse();
  }

  @Test
  void stableHash_kryo_isArraysHashCodeOfTheKryoBytesAndPinned() {
    TypeSerializer<String> strings = Serializers.kryo(String.class);
    byte[] framed = bytesOf(strings, "user-1");
    byte[] kryoBytes = Arrays.copyOfRange(framed, 1, framed.length);
    assertThat(strings.stableHash("user-1")).isEqualTo(Arrays.hashCode(kryoBytes)).isEqualTo(-725_677_871);
    assertThat(EVENTS.stableHash(event())).isEqualTo(EVENTS.stableHash(event()));
  }

  /** Frames Kryo bytes as a stored value: a var-int length, then the bytes. */
  private static byte[] stored(Output kryoBytes) {
    DataOutputBuffer out = new DataOutputBuffer();
    out.writeLengthPrefixed(kryoBytes.getBuffer(), 0, kryoBytes.position());
    return out.toByteArray();
  }

  /** Kryo's encoding of the first registered class (id 100). */
  private static Output startingWithTheRegisteredType() {
    Output kryo = new Output(64, -1);
    kryo.writeVarInt(100 + 2, true);
    return kryo;
  }

  @Test
  void kryo_hostileStringLength_isSerializationExceptionNotOom() {
    Output kryo = new Output(16);
    kryo.writeVarInt(1 + 2, true); // String, registered by Kryo itself
    kryo.writeVarIntFlag(true, (1 << 30) + 1, true); // a UTF-8 string of 2^30 chars
    byte[] bytes = stored(kryo);
    assertThatThrownBy(() -> read(Serializers.kryo(Reading.class), bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("1073741824");
  }

  @Test
  void kryo_hostileCollectionSize_isSerializationExceptionNotOom() {
    Output kryo = startingWithTheRegisteredType();
    kryo.writeVarIntFlag(false, Integer.MAX_VALUE, true);
    byte[] bytes = stored(kryo);
    assertThatThrownBy(() -> read(Serializers.kryo(ArrayList.class), bytes)).isInstanceOf(SerializationException.class);
  }

  @Test
  void kryo_hostileMapSize_isSerializationExceptionNotOom() {
    Output kryo = startingWithTheRegisteredType();
    kryo.writeVarInt((1 << 30) + 1, true);
    for (String s : new String[] {"k", "v"}) {
      kryo.writeVarInt(1 + 2, true);
      kryo.writeString(s);
    }
    byte[] bytes = stored(kryo);
    assertThatThrownBy(() -> read(Serializers.kryo(HashMap.class), bytes)).isInstanceOf(SerializationException.class);
  }

  @Test
  void kryo_hostileObjectArrayLength_isSerializationExceptionNotOom() {
    Output kryo = startingWithTheRegisteredType();
    kryo.writeVarInt(Integer.MAX_VALUE, true);
    byte[] bytes = stored(kryo);
    assertThatThrownBy(() -> read(Serializers.kryo(String[].class), bytes)).isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> read(Serializers.kryo(Object[].class), bytes)).isInstanceOf(SerializationException.class);
  }

  @Test
  void kryo_hostileCountOfNulls_isSerializationExceptionNotOom() {
    Output kryo = startingWithTheRegisteredType();
    kryo.writeVarIntFlag(true, Integer.MAX_VALUE, true); // all elements of the same type...
    kryo.writeVarInt(0, true); // ...null: Kryo adds that many nulls without reading a byte
    byte[] bytes = stored(kryo);
    assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        assertThatThrownBy(() -> read(Serializers.kryo(ArrayList.class), bytes))
            .isInstanceOf(SerializationException.class)
            .hasMessageContaining("elements"));
  }

  @Test
  void kryo_collectionsOfNulls_roundTripUpToTheAllowanceAndAreRefusedBeyond() {
    TypeSerializer<ArrayList> lists = Serializers.kryo(ArrayList.class);
    ArrayList<Object> nulls = new ArrayList<>(Collections.nCopies(1000, null));
    assertThat(roundTrip(lists, nulls)).isEqualTo(nulls);
    ArrayList<Object> tooMany = new ArrayList<>(Collections.nCopies(100_000, null));
    assertThatThrownBy(() -> bytesOf(lists, tooMany))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("100000 collection elements");
  }

  @Test
  void kryo_deepNesting_isSerializationExceptionNotStackOverflow() {
    Output kryo = new Output(1024, -1);
    for (int depth = 0; depth < 200_000; depth++) {
      kryo.writeVarInt(100 + 2, true); // an ArrayList...
      kryo.writeVarIntFlag(false, 1 + 1, true); // ...of one element: the next ArrayList
    }
    byte[] bytes = stored(kryo);
    assertThatThrownBy(() -> read(Serializers.kryo(ArrayList.class), bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("depth");
  }

  @Test
  void unsafeKryoWithoutRegistration_acceptsUnregisteredClasses() {
    TypeSerializer<Event> open = Serializers.unsafeKryoWithoutRegistration(Event.class);
    assertThat(roundTrip(open, event())).isEqualTo(event());
    assertThat(open.toString()).contains("unsafeKryoWithoutRegistration");
  }

  /** Runs its static initializer when it is instantiated, which bytes can ask for. */
  static final class Initialized {
    static final int FAILS = Integer.parseInt("not a number");
  }

  @Test
  void unsafeKryoWithoutRegistration_classWhoseInitializerFails_isSerializationException() {
    Output kryo = new Output(128, -1);
    kryo.writeVarInt(1, true); // NAME + 2: a class name follows
    kryo.writeVarInt(0, true); // name id
    kryo.writeString(Initialized.class.getName());
    byte[] bytes = stored(kryo);
    assertThatThrownBy(() -> read(Serializers.unsafeKryoWithoutRegistration(Object.class), bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unsafeKryoWithoutRegistration");
  }

  @Test
  void kryo_duplicateRegistration_isRejected() {
    assertThatThrownBy(() -> Serializers.kryo(Event.class, ArrayList.class, ArrayList.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
  }

  @Test
  void kryo_concurrentUse_givesTheSameBytesOnEveryThread() throws Exception {
    byte[] expected = bytesOf(EVENTS, event());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            byte[] bytes = bytesOf(EVENTS, event());
            if (!Arrays.equals(bytes, expected) || !read(EVENTS, bytes).equals(event())) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
