package dev.cairn.state.serde;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Former names of a record component or POJO field: restored state that stores a component under one
 * of these names (and none under the current name) is read into this component, so a rename keeps
 * the data (see {@link Serializers#record(Class)}). On a record or POJO class, former fully qualified
 * class names (as {@link Class#getName()} gives them): state written by the class under one of them
 * restores into this class by the usual rules, so a renamed or moved class keeps its state.
 *
 * <pre>{@code
 * record UserState(String name, @StateAlias("age") int ageYears) {}
 *
 * @StateAlias("com.example.old.Customer")
 * record Client(String name) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.TYPE})
public @interface StateAlias {

  /** The earlier names of the component, field or class, tried in this order. */
  String[] value();
}
