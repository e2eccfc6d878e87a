package dev.cairn.state.serde;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Former names of a record component: restored state that stores a component under one of these
 * names (and none under the current name) is read into this component, so a rename keeps the data
 * (see {@link Serializers#record(Class)}).
 *
 * <pre>{@code
 * record UserState(String name, @StateAlias("age") int ageYears) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD})
public @interface StateAlias {

  /** The component's earlier names, tried in this order. */
  String[] value();
}
