package dev.cairn.state.serde;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value a record component takes when restored state was written before the component existed
 * (see {@link Serializers#record(Class)}). Without it an added component takes its type's zero,
 * {@code false}, null or {@code Optional.empty()}. The text is parsed for the component's type when
 * the serializer is made: a number for the numeric types and their boxes ({@code Long.parseLong}
 * and so on), {@code true} or {@code false}, one character for {@code char}, the text itself for
 * {@code String}, a constant name for an enum, and for {@code Optional<X>} a present value parsed
 * as {@code X}. Other types have no declared default.
 *
 * <pre>{@code
 * record UserState(String name, int age, @StateDefault("unknown@example.com") String email) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD})
public @interface StateDefault {

  /** The default, as text parsed for the component's type. */
  String value();
}
