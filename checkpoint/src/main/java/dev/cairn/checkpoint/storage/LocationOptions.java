package dev.cairn.checkpoint.storage;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/**
 * The {@code name=value} options in the query of a storage location, such as {@code
 * s3://bucket/prefix?region=eu-west-1&maxAttempts=5}: parsed the same way for every storage, with
 * errors that name the location and the option.
 */
public final class LocationOptions {

  private LocationOptions() {}

  /**
   * Hands each option of {@code location}'s query, URL-decoded, to the setter of its name, in order.
   *
   * @param setters the known options by name; a setter rejects a bad value by throwing
   * @param others takes an option without a setter and returns true, or returns false if it is unknown
   *     (may be null: every other option is unknown)
   * @param othersHint what {@code others} takes, for the error message (e.g. "Hadoop keys such as
   *     dfs.replication"); null if none
   * @throws IllegalArgumentException naming the location for a malformed pair, an unknown option (with
   *     the known names) or a bad value
   */
  public static void apply(URI location, Map<String, Consumer<String>> setters, BiPredicate<String, String> others,
      String othersHint) {
    String query = location.getRawQuery();
    if (query == null || query.isEmpty()) {
      return;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("malformed option '" + pair + "' in " + location + ": expected name=value");
      }
      String name = pair.substring(0, eq);
      String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      Consumer<String> setter = setters.get(name);
      try {
        if (setter != null) {
          setter.accept(value);
          continue;
        }
        if (others != null && others.test(name, value)) {
          continue;
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("bad value of option '" + name + "' in " + location + ": " + e.getMessage(), e);
      }
      throw new IllegalArgumentException("unknown option '" + name + "' in " + location + " (known: "
          + String.join(", ", setters.keySet()) + (othersHint == null ? "" : ", and " + othersHint) + ")");
    }
  }
}
