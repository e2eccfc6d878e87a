package dev.cairn.state.kit;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Version 2 of a user, as Avro's code generator would write it (hand-written here, the generated
 * shape): {@code name}, {@code age} promoted from {@code int} to {@code long}, {@code email} added
 * with a default. {@link #V1_SCHEMA} is version 1.
 */
public class AvroUser extends SpecificRecordBase {

  /** Version 1: name and an int age. */
  public static final String V1_SCHEMA = "{\"type\":\"record\",\"name\":\"AvroUser\",\"namespace\":\"dev.cairn.state.kit\","
      + "\"fields\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\"}]}";

  /** Version 2: age promoted to long, email added with a default. */
  public static final Schema SCHEMA$ = new Schema.Parser().parse(
      "{\"type\":\"record\",\"name\":\"AvroUser\",\"namespace\":\"dev.cairn.state.kit\",\"fields\":["
          + "{\"name\":\"name\",\"type\":{\"type\":\"string\",\"avro.java.string\":\"String\"}},"
          + "{\"name\":\"age\",\"type\":\"long\"},"
          + "{\"name\":\"email\",\"type\":{\"type\":\"string\",\"avro.java.string\":\"String\"},"
          + "\"default\":\"unknown@example.com\"}]}");

  private String name;
  private long age;
  private String email;

  public AvroUser() {}

  public AvroUser(String name, long age, String email) {
    this.name = name;
    this.age = age;
    this.email = email;
  }

  public static Schema getClassSchema() {
    return SCHEMA$;
  }

  @Override
  public Schema getSchema() {
    return SCHEMA$;
  }

  @Override
  public Object get(int field) {
    return switch (field) {
      case 0 -> name;
      case 1 -> age;
      case 2 -> email;
      default -> throw new IndexOutOfBoundsException("no field " + field);
    };
  }

  @Override
  public void put(int field, Object value) {
    switch (field) {
      case 0 -> name = value == null ? null : value.toString();
      case 1 -> age = (Long) value;
      case 2 -> email = value == null ? null : value.toString();
      default -> throw new IndexOutOfBoundsException("no field " + field);
    }
  }

  public String name() {
    return name;
  }

  public long age() {
    return age;
  }

  public String email() {
    return email;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AvroUser u && Objects.equals(name, u.name) && age == u.age && Objects.equals(email, u.email);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, age, email);
  }

  @Override
  public String toString() {
    return "AvroUser(" + name + ", " + age + ", " + email + ")";
  }
}
