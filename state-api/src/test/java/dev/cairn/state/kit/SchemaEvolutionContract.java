package dev.cairn.state.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.state.IncompatibleSchemaException;
import dev.cairn.state.KeyedStateBackend;
import dev.cairn.state.ListState;
import dev.cairn.state.MapState;
import dev.cairn.state.SerializationException;
import dev.cairn.state.StateDescriptors;
import dev.cairn.state.ValueState;
import dev.cairn.state.serde.OlderVersions;
import dev.cairn.state.serde.Serializers;
import dev.cairn.state.serde.StateAlias;
import dev.cairn.state.serde.StateDefault;
import dev.cairn.state.serde.TypeSerializer;
import dev.cairn.state.spi.SnapshotInput;
import dev.cairn.state.spi.Snapshotable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Schema evolution on restore: state written by an earlier version of its types is registered with
 * the new serializers and reads migrated, for every compatibility outcome; an incompatible change
 * fails before any state is touched; a changed key serializer is refused.
 */
public interface SchemaEvolutionContract extends KitSupport {

  /** Version 1 of {@link Address} (see {@link OlderVersions}). */
  record AddressV1(String street) {}

  /** An address: gained a zip code. */
  record Address(String street, @StateDefault("00000") String zip) {}

  /** Version 1 of {@link Profile}. */
  record ProfileV1(String name, int age, String city, AddressV1 home) {}

  /**
   * A profile: {@code name} renamed to {@code fullName}, {@code age} widened to long and moved,
   * {@code email} added with a default, {@code city} removed, {@code home} now optional and evolved.
   */
  record Profile(
      long age,
      @StateAlias("name") String fullName,
      @StateDefault("unknown@example.com") String email,
      Optional<Address> home) {}

  /** A version 1 of {@link Profile} that no rule converts: age was a string. */
  record ProfileWithTextAge(String name, String age) {}

  /** The enum of version 1, in another order (only the names are stored). */
  enum ColorV1 { BLUE, RED }

  /** Today's enum: reordered, one constant added. */
  enum Color { RED, GREEN, BLUE }

  /** Version 1 of {@link Account}, a POJO. */
  class AccountV1 {
    public String owner;
    public int cents;
    public String note;

    public AccountV1() {}

    public AccountV1(String owner, int cents, String note) {
      this.owner = owner;
      this.cents = cents;
      this.note = note;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof AccountV1 a && Objects.equals(owner, a.owner) && cents == a.cents
          && Objects.equals(note, a.note);
    }

    @Override
    public int hashCode() {
      return Objects.hash(owner, cents, note);
    }
  }

  /** An account, a POJO: {@code cents} widened, {@code currency} added with a default, {@code note} removed. */
  class Account {
    public String owner;
    public long cents;
    @StateDefault("EUR")
    public String currency;

    public Account() {}

    public Account(String owner, long cents, String currency) {
      this.owner = owner;
      this.cents = cents;
      this.currency = currency;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Account a && Objects.equals(owner, a.owner) && cents == a.cents
          && Objects.equals(currency, a.currency);
    }

    @Override
    public int hashCode() {
      return Objects.hash(owner, cents, currency);
    }

    @Override
    public String toString() {
      return "Account(" + owner + ", " + cents + ", " + currency + ")";
    }
  }

  int KEYS = 50;

  /** The serializer version 1 of {@link Account} was written with. */
  static TypeSerializer<AccountV1> accountV1() {
    return OlderVersions.asOlderVersion(Serializers.pojo(AccountV1.class), Map.of(AccountV1.class, Account.class));
  }

  private static TypeSerializer<ProfileV1> profileV1() {
    return OlderVersions.asOlderVersion(
        Serializers.record(ProfileV1.class), Map.of(ProfileV1.class, Profile.class, AddressV1.class, Address.class));
  }

  private static ProfileV1 v1(long key) {
    return new ProfileV1("user " + key, (int) key, "city " + key, key % 3 == 0 ? null : new AddressV1("street " + key));
  }

  private static Profile migrated(long key) {
    return new Profile(key, "user " + key, "unknown@example.com",
        key % 3 == 0 ? Optional.empty() : Optional.of(new Address("street " + key, "00000")));
  }

  /** A backend with value, list and map state written by version 1, snapshotted. */
  private SnapshotInput version1Snapshot() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<ProfileV1> value = backend.getState(StateDescriptors.value("profile", profileV1()));
    ListState<ProfileV1> list = backend.getState(StateDescriptors.list("history", profileV1()));
    MapState<ColorV1, Integer> map =
        backend.getState(StateDescriptors.map("per-color", Serializers.enumOf(ColorV1.class), Serializers.INT));
    ValueState<UserState> user = backend.getState(StateDescriptors.value("user", new UserStateSerializer(1)));
    MapState<String, AccountV1> accounts =
        backend.getState(StateDescriptors.map("accounts", Serializers.STRING, accountV1()));
    for (long key = 0; key < KEYS; key++) {
      backend.setCurrentKey(key);
      value.update(v1(key));
      list.update(List.of(v1(key), v1(key + 1000)));
      map.put(ColorV1.BLUE, (int) key);
      if (key % 2 == 0) {
        map.put(ColorV1.RED, -(int) key);
      }
      user.update(new UserState("user " + key, (int) key, "")); // format 1 stores no email
      accounts.put("main", new AccountV1("user " + key, (int) key * 100, "note"));
      accounts.put("empty", null);
    }
    return snapshotOf(backend).input();
  }

  @Test
  default void getState_recordEvolved_migratesValuesAndListElements() {
    KeyedStateBackend<Long> restored = restored(backend(), version1Snapshot());

    ValueState<Profile> value = restored.getState(StateDescriptors.value("profile", Serializers.record(Profile.class)));
    ListState<Profile> list = restored.getState(StateDescriptors.list("history", Serializers.record(Profile.class)));

    for (long key = 0; key < KEYS; key++) {
      restored.setCurrentKey(key);
      assertThat(value.value()).as("key %d", key).isEqualTo(migrated(key));
      assertThat(list.get()).as("key %d", key).containsExactly(migrated(key), migrated(key + 1000));
    }
  }

  /** Durations stored in milliseconds by version 1 are seconds in version 2: the same bytes, other units. */
  private static TypeSerializer<Long> millisToSeconds() {
    return Serializers.migrating("millis-to-seconds", Serializers.LONG, Serializers.LONG, ms -> ms / 1000);
  }

  /** A backend with durations in milliseconds (value and list state) written by version 1, snapshotted. */
  private SnapshotInput millisSnapshot() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<Long> value = backend.getState(StateDescriptors.value("duration", Serializers.LONG));
    ListState<Long> list = backend.getState(StateDescriptors.list("durations", Serializers.LONG));
    for (long key = 0; key < KEYS; key++) {
      backend.setCurrentKey(key);
      value.update(key * 1000);
      list.update(List.of(key * 1000, key * 2000));
    }
    return snapshotOf(backend).input();
  }

  @Test
  default void getState_userMigrator_convertsEveryValueOnceAcrossLaterRestores() {
    KeyedStateBackend<Long> restored = restored(backend(), millisSnapshot());
    ValueState<Long> value = restored.getState(StateDescriptors.value("duration", millisToSeconds()));
    ListState<Long> list = restored.getState(StateDescriptors.list("durations", millisToSeconds()));
    for (long key = 0; key < KEYS; key++) {
      restored.setCurrentKey(key);
      assertThat(value.value()).as("key %d", key).isEqualTo(key);
      assertThat(list.get()).as("key %d", key).containsExactly(key, 2 * key);
    }
    restored.setCurrentKey(1L);
    value.update(60L);

    KeyedStateBackend<Long> again = restored(restored, snapshotOf(restored).input());
    ValueState<Long> valueAgain = again.getState(StateDescriptors.value("duration", millisToSeconds()));
    ListState<Long> listAgain = again.getState(StateDescriptors.list("durations", Serializers.LONG));

    for (long key = 0; key < KEYS; key++) {
      again.setCurrentKey(key);
      assertThat(valueAgain.value()).as("key %d, migrated once", key).isEqualTo(key == 1 ? 60 : key);
      assertThat(listAgain.get()).as("key %d, without the migrator", key).containsExactly(key, 2 * key);
    }
  }

  @Test
  default void getState_userMigratorThrows_failsNamingStateKeyAndMigrationAndLeavesStateReadable() {
    KeyedStateBackend<Long> restored = restored(backend(), millisSnapshot());
    TypeSerializer<Long> failing = Serializers.migrating("checked-seconds", Serializers.LONG, Serializers.LONG, ms -> {
      if (ms == 7000) {
        throw new IllegalStateException("seven is not allowed");
      }
      return ms / 1000;
    });

    assertThatThrownBy(() -> restored.getState(StateDescriptors.value("duration", failing)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("state 'duration'")
        .hasMessageContaining("key '7'")
        .hasMessageContaining("migration 'checked-seconds'")
        .hasMessageContaining("seven is not allowed");

    ValueState<Long> unchanged = restored.getState(StateDescriptors.value("duration", Serializers.LONG));
    for (long key = 0; key < KEYS; key++) {
      restored.setCurrentKey(key);
      assertThat(unchanged.value()).isEqualTo(key * 1000);
    }
  }

  @Test
  default void getState_userMigratorWhoseOldSerializerCannotReadTheData_isIncompatible() {
    KeyedStateBackend<Long> restored = restored(backend(), millisSnapshot());
    TypeSerializer<Long> wrongSource =
        Serializers.migrating("text-to-number", Serializers.STRING, Serializers.LONG, Long::parseLong);

    assertThatThrownBy(() -> restored.getState(StateDescriptors.value("duration", wrongSource)))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("state 'duration'")
        .hasMessageContaining("migration 'text-to-number'")
        .hasMessageContaining("cairn.string");
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  default void getState_kryoRegistrationReordered_migratesThroughTheStoredOrder() {
    KeyedStateBackend<Long> backend = backend();
    TypeSerializer<ArrayList> v1 = Serializers.kryo(ArrayList.class, AddressV1.class, Address.class);
    ValueState<ArrayList> written = backend.getState(StateDescriptors.value("kryo", v1));
    for (long key = 0; key < KEYS; key++) {
      backend.setCurrentKey(key);
      written.update(new ArrayList<>(List.of(new Address("street " + key, "z"), new AddressV1("old " + key))));
    }
    KeyedStateBackend<Long> restored = restored(backend, snapshotOf(backend).input());

    ValueState<ArrayList> read = restored.getState(
        StateDescriptors.value("kryo", Serializers.kryo(ArrayList.class, Address.class, AddressV1.class)));

    for (long key = 0; key < KEYS; key++) {
      restored.setCurrentKey(key);
      assertThat(read.value()).as("key %d", key)
          .containsExactly(new Address("street " + key, "z"), new AddressV1("old " + key));
    }
  }

  @Test
  default void getState_pojoEvolved_migratesMapValues() {
    KeyedStateBackend<Long> restored = restored(backend(), version1Snapshot());

    MapState<String, Account> accounts =
        restored.getState(StateDescriptors.map("accounts", Serializers.STRING, Serializers.pojo(Account.class)));

    for (long key = 0; key < KEYS; key++) {
      restored.setCurrentKey(key);
      assertThat(accounts.get("main")).as("key %d", key).isEqualTo(new Account("user " + key, key * 100, "EUR"));
      assertThat(accounts.contains("empty")).isTrue();
      assertThat(accounts.get("empty")).isNull();
    }
  }

  @Test
  default void getState_enumReorderedAndValuesWidened_migratesMapKeysAndValues() {
    KeyedStateBackend<Long> restored = restored(backend(), version1Snapshot());

    MapState<Color, Long> map =
        restored.getState(StateDescriptors.map("per-color", Serializers.enumOf(Color.class), Serializers.LONG));

    for (long key = 0; key < KEYS; key++) {
      restored.setCurrentKey(key);
      Map<Color, Long> expected = new HashMap<>();
      expected.put(Color.BLUE, key);
      if (key % 2 == 0) {
        expected.put(Color.RED, -key);
      }
      Map<Color, Long> actual = new HashMap<>();
      map.entries().forEach(e -> actual.put(e.getKey(), e.getValue()));
      assertThat(actual).as("key %d", key).isEqualTo(expected);
      assertThat(map.get(Color.GREEN)).isNull();
    }
  }

  @Test
  default void getState_versionedSerializerExample_readsFormat1IntoFormat2() {
    KeyedStateBackend<Long> restored = restored(backend(), version1Snapshot());

    ValueState<UserState> user = restored.getState(StateDescriptors.value("user", new UserStateSerializer()));

    for (long key = 0; key < KEYS; key++) {
      restored.setCurrentKey(key);
      assertThat(user.value()).isEqualTo(new UserState("user " + key, (int) key, ""));
    }
  }

  @Test
  default void snapshot_afterMigration_restoresAsIsWithTheNewSerializers() {
    KeyedStateBackend<Long> migratedBackend = restored(backend(), version1Snapshot());
    ValueState<Profile> value =
        migratedBackend.getState(StateDescriptors.value("profile", Serializers.record(Profile.class)));
    migratedBackend.setCurrentKey(7L);
    value.update(new Profile(8, "changed", "x@example.com", Optional.empty()));

    KeyedStateBackend<Long> again = restored(migratedBackend, snapshotOf(migratedBackend).input());
    ValueState<Profile> read = again.getState(StateDescriptors.value("profile", Serializers.record(Profile.class)));

    again.setCurrentKey(7L);
    assertThat(read.value()).isEqualTo(new Profile(8, "changed", "x@example.com", Optional.empty()));
    again.setCurrentKey(5L);
    assertThat(read.value()).isEqualTo(migrated(5));
  }

  @Test
  default void getState_incompatibleRecordChange_failsNamingStateComponentAndTypesBeforeTouchingState() {
    KeyedStateBackend<Long> backend = backend();
    TypeSerializer<ProfileWithTextAge> old = OlderVersions.asOlderVersion(
        Serializers.record(ProfileWithTextAge.class), Map.of(ProfileWithTextAge.class, Profile.class));
    ValueState<ProfileWithTextAge> written = backend.getState(StateDescriptors.value("profile", old));
    backend.setCurrentKey(1L);
    written.update(new ProfileWithTextAge("ann", "forty"));
    KeyedStateBackend<Long> restored = restored(backend, snapshotOf(backend).input());

    assertThatThrownBy(() -> restored.getState(StateDescriptors.value("profile", Serializers.record(Profile.class))))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("state 'profile'")
        .hasMessageContaining("component 'age'")
        .hasMessageContaining("cairn.string")
        .hasMessageContaining("cairn.long");

    ValueState<ProfileWithTextAge> unchanged = restored.getState(StateDescriptors.value("profile", old));
    restored.setCurrentKey(1L);
    assertThat(unchanged.value()).isEqualTo(new ProfileWithTextAge("ann", "forty"));
  }

  @Test
  default void restore_keySerializerWidened_isRefusedNamingKeyGroups() {
    KeyedStateBackend<Integer> backend = backend(Serializers.INT);
    ValueState<Long> count = backend.getState(StateDescriptors.value("count", Serializers.LONG));
    backend.setCurrentKey(1);
    count.update(1L);
    SnapshotInput input = snapshotOf(backend).input();
    KeyedStateBackend<Long> other = backend(Serializers.LONG);

    assertThatThrownBy(() -> Snapshotable.of(other).restore(List.of(input)))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("key serializer changed from cairn.int to cairn.long")
        .hasMessageContaining("key group");
  }

  @Test
  default void getState_valueWidenedToOptional_migrates() {
    KeyedStateBackend<Long> backend = backend();
    ValueState<List<Integer>> written =
        backend.getState(StateDescriptors.value("numbers", Serializers.listOf(Serializers.INT)));
    backend.setCurrentKey(3L);
    written.update(new ArrayList<>(List.of(1, 2, 3)));
    KeyedStateBackend<Long> restored = restored(backend, snapshotOf(backend).input());

    ValueState<List<Optional<Long>>> read = restored.getState(
        StateDescriptors.value("numbers", Serializers.listOf(Serializers.optionalOf(Serializers.LONG))));

    restored.setCurrentKey(3L);
    assertThat(read.value()).containsExactly(Optional.of(1L), Optional.of(2L), Optional.of(3L));
  }
}
