package dev.cairn.state.serde;

import static dev.cairn.state.serde.SerdeTesting.bytesOf;
import static dev.cairn.state.serde.SerdeTesting.compatibility;
import static dev.cairn.state.serde.SerdeTesting.read;
import static dev.cairn.state.serde.SerdeTesting.roundTrip;
import static dev.cairn.state.serde.SerdeTesting.snapshotRoundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.serde.SchemaCompatibility.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** POJO serializers: shape rules, round trips, copies, and evolution by the record rules. */
class PojoSerializerTest {

  /** A base class: its fields belong to every subclass POJO. */
  static class Base {
    long id;
  }

  /** A POJO with private fields, a nested POJO, a list and a transient field. */
  static class Customer extends Base {
    private String name;
    private int age;
    private Address address;
    private List<String> tags = new ArrayList<>();
    transient String cache = "not stored";
    static String ignored = "static";

    Customer() {}

    Customer(long id, String name, int age, Address address, List<String> tags) {
      this.id = id;
      this.name = name;
      this.age = age;
      this.address = address;
      this.tags = tags;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Customer c && id == c.id && age == c.age && Objects.equals(name, c.name)
          && Objects.equals(address, c.address) && Objects.equals(tags, c.tags);
    }

    @Override
    public int hashCode() {
      return Objects.hash(id, name, age);
    }

    @Override
    public String toString() {
      return "Customer(" + id + ", " + name + ", " + age + ", " + address + ", " + tags + ")";
    }
  }

  /** A nested POJO. */
  public static class Address {
    public String street;

    public Address() {}

    Address(String street) {
      this.street = street;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Address a && Objects.equals(street, a.street);
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(street);
    }

    @Override
    public String toString() {
      return "Address(" + street + ")";
    }
  }

  // ---- version 1 and 2 of an evolving POJO; v1's snapshot is renamed to name UserV2's class

  static class AddressV1 {
    String street;
  }

  static class AddressV2 {
    String street;
    @StateDefault("00000")
    String zip;
  }

  static class UserV1 {
    String name;
    int age;
    String city;
    AddressV1 home;
  }

  /**
   * {@code name} renamed to {@code fullName}, {@code age} widened to long, {@code email} added with
   * a default, {@code nickname} added with an initializer, {@code city} removed, {@code home} evolved.
   */
  static class UserV2 {
    long age;
    @StateAlias("name")
    String fullName;
    @StateDefault("unknown@example.com")
    String email;
    String nickname = "none";
    Optional<AddressV2> home;
  }

  /** A record with UserV1's fields: a POJO turned into a record keeps its state. */
  record UserRecord(String name, long age) {}

  record OldName(String name) {}

  @StateAlias("dev.cairn.state.serde.PojoSerializerTest$OldName")
  record NewName(String name, @StateDefault("x") String extra) {}

  static class WithFinal {
    final String name = "x";
  }

  static class NoDefaultConstructor {
    String name;

    NoDefaultConstructor(String name) {
      this.name = name;
    }
  }

  class Inner {
    String name;
  }

  static class WithSet {
    java.util.Set<String> values;
  }

  static class SelfReferencing {
    SelfReferencing next;
  }

  static class TextAge {
    String age;
  }

  static class LongAge {
    long age;
  }

  @SuppressWarnings("unchecked")
  private static <T> TypeSerializer<T> olderVersion(TypeSerializer<?> written, Map<Class<?>, Class<?>> renames) {
    return (TypeSerializer<T>) OlderVersions.asOlderVersion(written, renames);
  }

  @Test
  void pojo_privateFieldsSuperclassNestedAndList_roundTripsSkippingTransientAndStatic() {
    TypeSerializer<Customer> serializer = Serializers.pojo(Customer.class);
    Customer value = new Customer(7, "ann", 41, new Address("main st"), new ArrayList<>(List.of("a", "b")));
    value.cache = "changed";

    Customer read = roundTrip(serializer, value);

    assertThat(read).isEqualTo(value);
    assertThat(read.cache).isEqualTo("not stored");
    assertThat(roundTrip(serializer, new Customer(1, null, 0, null, null))).isEqualTo(new Customer(1, null, 0, null, null));
    assertThat(serializer.toString()).isEqualTo("pojo(" + Customer.class.getName()
        + "{address: pojo(" + Address.class.getName() + "{street: cairn.string}), age: cairn.int, id: cairn.long,"
        + " name: cairn.string, tags: list(cairn.string)})");
  }

  @Test
  void pojo_isMutable_copyIsDeepAndHashIsPinned() {
    TypeSerializer<Customer> serializer = Serializers.pojo(Customer.class);
    Customer value = new Customer(7, "ann", 41, new Address("main st"), new ArrayList<>(List.of("a")));

    Customer copy = serializer.copy(value);
    copy.address.street = "changed";
    copy.tags.add("b");

    assertThat(serializer.isImmutable()).isFalse();
    assertThat(value).isEqualTo(new Customer(7, "ann", 41, new Address("main st"), List.of("a")));
    // fields in name order: address, age, id, name, tags
    int expected = 1;
    for (int h : new int[] {31 + "main st".hashCode(), 41, Long.hashCode(7), "ann".hashCode(), 31 + "a".hashCode()}) {
      expected = 31 * expected + h;
    }
    assertThat(serializer.stableHash(value)).isEqualTo(expected);
  }

  @Test
  void pojo_snapshot_roundTripsAndIsCompatibleAsIs() {
    TypeSerializer<Customer> serializer = Serializers.pojo(Customer.class);
    assertThat(snapshotRoundTrip(serializer)).isEqualTo(serializer.snapshot());
    assertThat(serializer.snapshot().id()).isEqualTo("cairn.pojo");
    assertThat(compatibility(serializer, Serializers.pojo(Customer.class)).isCompatibleAsIs()).isTrue();
  }

  @Test
  void pojo_notAPojo_isRejectedNamingClassAndReason() {
    assertThatThrownBy(() -> Serializers.pojo(WithFinal.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("field 'name'").hasMessageContaining("final");
    assertThatThrownBy(() -> Serializers.pojo(NoDefaultConstructor.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(NoDefaultConstructor.class.getName()).hasMessageContaining("no-argument constructor");
    assertThatThrownBy(() -> Serializers.pojo(Inner.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inner");
    assertThatThrownBy(() -> Serializers.pojo(UserRecord.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a POJO");
    assertThatThrownBy(() -> Serializers.pojo(WithSet.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("field 'values' of POJO " + WithSet.class.getName()).hasMessageContaining("kryo");
    assertThatThrownBy(() -> Serializers.pojo(SelfReferencing.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'next'").hasMessageContaining("recursive");
  }

  @Test
  void of_picksTheSerializerForEachKindOfClass() {
    assertThat(Serializers.of(Long.class)).isSameAs(Serializers.LONG);
    assertThat(Serializers.of(String.class)).isSameAs(Serializers.STRING);
    assertThat(Serializers.of(UserRecord.class).snapshot()).isEqualTo(Serializers.record(UserRecord.class).snapshot());
    assertThat(Serializers.of(Customer.class).snapshot()).isEqualTo(Serializers.pojo(Customer.class).snapshot());
    assertThat(Serializers.of(Kind.class).snapshot()).isEqualTo(Serializers.enumOf(Kind.class).snapshot());
    assertThatThrownBy(() -> Serializers.of(java.time.Instant.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.time.Instant").hasMessageContaining("kryo");
    assertThatThrownBy(() -> Serializers.of(NoDefaultConstructor.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no-argument constructor");
  }

  @Test
  void evolution_byName_migratesAddedRemovedRenamedWidenedAndNested() {
    TypeSerializer<UserV1> v1 =
        olderVersion(Serializers.pojo(UserV1.class), Map.of(UserV1.class, UserV2.class, AddressV1.class, AddressV2.class));
    UserV1 old = new UserV1();
    old.name = "ann";
    old.age = 41;
    old.city = "dropped";
    old.home = new AddressV1();
    old.home.street = "main st";
    TypeSerializer<UserV2> v2 = Serializers.pojo(UserV2.class);

    SchemaCompatibility verdict = compatibility(v1, v2);
    @SuppressWarnings("unchecked")
    UserV2 read = read(((TypeSerializerSnapshot<UserV2>) snapshotRoundTrip(v1)).restoreSerializer(v2), bytesOf(v1, old));

    assertThat(verdict.kind()).isEqualTo(Kind.COMPATIBLE_AFTER_MIGRATION);
    assertThat(verdict.reason()).contains("field 'name' renamed to 'fullName'", "field 'email' added",
        "field 'city' removed");
    assertThat(read.fullName).isEqualTo("ann");
    assertThat(read.age).isEqualTo(41L);
    assertThat(read.email).isEqualTo("unknown@example.com");
    assertThat(read.nickname).as("kept from the no-argument constructor").isEqualTo("none");
    assertThat(read.home).isPresent();
    assertThat(read.home.get().street).isEqualTo("main st");
    assertThat(read.home.get().zip).isEqualTo("00000");
  }

  @Test
  void evolution_storedNullOfNestedPojoBecomingOptional_isEmpty() {
    TypeSerializer<UserV1> v1 =
        olderVersion(Serializers.pojo(UserV1.class), Map.of(UserV1.class, UserV2.class, AddressV1.class, AddressV2.class));
    UserV1 old = new UserV1();
    old.name = "bob";
    TypeSerializer<UserV2> v2 = Serializers.pojo(UserV2.class);

    @SuppressWarnings("unchecked")
    UserV2 read = read(((TypeSerializerSnapshot<UserV2>) snapshotRoundTrip(v1)).restoreSerializer(v2), bytesOf(v1, old));

    assertThat(read.home).isEmpty();
    assertThat(read.fullName).isEqualTo("bob");
  }

  @Test
  void evolution_pojoBecomingARecord_migrates() {
    TypeSerializer<UserV1> v1 = olderVersion(Serializers.pojo(UserV1.class), Map.of(UserV1.class, UserRecord.class));
    UserV1 old = new UserV1();
    old.name = "ann";
    old.age = 41;
    TypeSerializer<UserRecord> now = Serializers.record(UserRecord.class);

    SchemaCompatibility verdict = compatibility(v1, now);
    @SuppressWarnings("unchecked")
    UserRecord read = read(((TypeSerializerSnapshot<UserRecord>) snapshotRoundTrip(v1)).restoreSerializer(now),
        bytesOf(v1, old));

    assertThat(verdict.reason()).contains("the POJO became a record");
    assertThat(read).isEqualTo(new UserRecord("ann", 41));
  }

  @Test
  void evolution_typeNoRuleConverts_isIncompatibleNamingFieldAndTypes() {
    TypeSerializer<TextAge> v1 = olderVersion(Serializers.pojo(TextAge.class), Map.of(TextAge.class, LongAge.class));

    SchemaCompatibility verdict = compatibility(v1, Serializers.pojo(LongAge.class));

    assertThat(verdict.kind()).isEqualTo(Kind.INCOMPATIBLE);
    assertThat(verdict.reason()).contains("POJO " + LongAge.class.getName(), "field 'age'", "cairn.string", "cairn.long");
  }

  @Test
  @SuppressWarnings("unchecked")
  void evolution_classRenamedWithAnAlias_migrates_andWithoutOneIsIncompatible() {
    TypeSerializer<OldName> old = Serializers.record(OldName.class);

    SchemaCompatibility verdict = compatibility(old, Serializers.record(NewName.class));
    NewName read = read(((TypeSerializerSnapshot<NewName>) snapshotRoundTrip(old)).restoreSerializer(
        Serializers.record(NewName.class)), bytesOf(old, new OldName("ann")));

    assertThat(verdict.reason()).contains("class renamed from " + OldName.class.getName());
    assertThat(read).isEqualTo(new NewName("ann", "x"));
    assertThat(compatibility(old, Serializers.record(UserRecord.class)).reason()).contains("@StateAlias");
  }
}
