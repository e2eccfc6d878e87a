package dev.cairn.state.serde;

import static dev.cairn.state.serde.SerdeTesting.bytesOf;
import static dev.cairn.state.serde.SerdeTesting.compatibility;
import static dev.cairn.state.serde.SerdeTesting.read;
import static dev.cairn.state.serde.SerdeTesting.snapshotRoundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.SerializationException;
import dev.cairn.state.serde.SchemaCompatibility.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Kryo evolution: changed registrations, the compatible-field mode, unregistered classes in old bytes. */
class KryoEvolutionTest {

  /** A holder whose payload is of a registered class. */
  static final class Holder {
    Object payload;

    Holder(Object payload) {
      this.payload = payload;
    }
  }

  static final class Left {
    String text = "left";
  }

  static final class Right {
    long number = 7;
  }

  /** Version 1 of an evolving class. */
  static final class ProfileV1 {
    String name;
    int age;
    String city;
  }

  /** Version 2: {@code city} removed, {@code email} added, fields reordered. */
  static final class ProfileV2 {
    String email = "none";
    int age;
    String name;
  }

  @SuppressWarnings("unchecked")
  private static <T> T migrate(TypeSerializer<?> old, Object value, TypeSerializer<T> now) {
    TypeSerializerSnapshot<T> stored = (TypeSerializerSnapshot<T>) snapshotRoundTrip(old);
    return read(stored.restoreSerializer(now), bytesOf((TypeSerializer<Object>) old, value));
  }

  @Test
  void registrationAppended_isCompatibleAsIs() {
    TypeSerializer<Holder> old = Serializers.kryo(Holder.class, Left.class);
    TypeSerializer<Holder> now = Serializers.kryo(Holder.class, Left.class, Right.class, HashMap.class);

    assertThat(compatibility(old, now).isCompatibleAsIs()).isTrue();
    assertThat(((Left) read(now, bytesOf(old, new Holder(new Left()))).payload).text).isEqualTo("left");
  }

  @Test
  void registrationReordered_readsTheStoredIdsThroughAReconfiguredSerializer() {
    TypeSerializer<Holder> old = Serializers.kryo(Holder.class, Left.class, Right.class);
    TypeSerializer<Holder> now = Serializers.kryo(Holder.class, ArrayList.class, Right.class, Left.class);

    SchemaCompatibility verdict = compatibility(old, now);
    Holder left = migrate(old, new Holder(new Left()), now);
    Holder right = migrate(old, new Holder(new Right()), now);

    assertThat(verdict.kind()).isEqualTo(Kind.COMPATIBLE_WITH_RECONFIGURED_SERIALIZER);
    assertThat(verdict.reason()).contains("reordered");
    assertThat(left.payload).isInstanceOf(Left.class);
    assertThat(right.payload).isInstanceOf(Right.class);
    assertThat(((Right) right.payload).number).isEqualTo(7);
    assertThatThrownBy(() -> read(now, bytesOf(old, new Holder(new Left()))))
        .as("without the reconfiguration the ids point elsewhere").isInstanceOf(SerializationException.class);
  }

  @Test
  void registrationRemoved_isIncompatibleNamingTheClass() {
    SchemaCompatibility verdict =
        compatibility(Serializers.kryo(Holder.class, Left.class, Right.class), Serializers.kryo(Holder.class, Right.class));

    assertThat(verdict.kind()).isEqualTo(Kind.INCOMPATIBLE);
    assertThat(verdict.reason()).contains(Left.class.getName(), "no longer");
  }

  @Test
  void unregisteredClassInOldBytes_isAClearErrorAndNothingIsInstantiated() {
    byte[] bytes = bytesOf(Serializers.kryo(Holder.class, Left.class, Right.class), new Holder(new Right()));

    assertThatThrownBy(() -> read(Serializers.kryo(Holder.class, Left.class), bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("does not register")
        .hasMessageContaining("never instantiated")
        .hasMessageContaining(Left.class.getName());
  }

  @Test
  void compatibleFields_fieldsAddedRemovedAndReordered_readByName() {
    ProfileV1 v1 = new ProfileV1();
    v1.name = "ann";
    v1.age = 41;
    v1.city = "dropped";
    // one class id for both versions: what the renamed class stands in for
    byte[] bytes = bytesOf(Serializers.kryoCompatibleFields(ProfileV1.class), v1);

    ProfileV2 read = read(Serializers.kryoCompatibleFields(ProfileV2.class), bytes);

    assertThat(read.name).isEqualTo("ann");
    assertThat(read.age).isEqualTo(41);
    assertThat(read.email).isEqualTo("none");
  }

  @Test
  void compatibleFields_snapshotKeepsTheMode_andSwitchingModesIsIncompatible() {
    TypeSerializer<ProfileV1> compatible = Serializers.kryoCompatibleFields(ProfileV1.class);
    TypeSerializer<ProfileV1> plain = Serializers.kryo(ProfileV1.class);

    assertThat(snapshotRoundTrip(compatible)).isEqualTo(compatible.snapshot()).isNotEqualTo(plain.snapshot());
    assertThat(snapshotRoundTrip(plain)).isEqualTo(plain.snapshot());
    assertThat(compatibility(compatible, Serializers.kryoCompatibleFields(ProfileV1.class)).isCompatibleAsIs()).isTrue();
    assertThat(compatibility(plain, compatible).reason()).contains("mode");
    assertThat(compatibility(compatible, plain).isIncompatible()).isTrue();
    assertThat(compatible.toString()).contains("compatible fields");
    assertThat(Objects.requireNonNull(List.of(compatible)).size()).isOne();
  }
}
