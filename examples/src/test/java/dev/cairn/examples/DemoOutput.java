package dev.cairn.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Captures what an example prints: {@code run(args, out)} with a {@link PrintStream} of this. */
public final class DemoOutput {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  /** The stream to hand to the example. */
  public PrintStream out() {
    return out;
  }

  /** Everything printed so far. */
  @Override
  public String toString() {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
