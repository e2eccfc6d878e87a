package dev.cairn.checkpoint.tool;

import dev.cairn.checkpoint.processor.StateRow;
import java.lang.reflect.Array;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * A small JSON encoder for the generic values the state processor reads: null, strings, numbers,
 * booleans, characters, maps (non-string keys are written as their JSON text), collections, arrays,
 * optionals (the value or null) and undecoded bytes ({@code {"serializer": ..., "base64": ...}}).
 * Non-finite floating-point numbers become strings; anything else its {@code toString()} as a string.
 */
final class Json {

  private Json() {}

  /** Returns {@code value} as JSON text. */
  static String encode(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  static void write(Object value, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      string(s, out);
    } else if (value instanceof Boolean b) {
      out.append(b);
    } else if (value instanceof Double d && !Double.isFinite(d) || value instanceof Float f && !Float.isFinite(f)) {
      string(value.toString(), out);
    } else if (value instanceof Number n) {
      out.append(n);
    } else if (value instanceof Character c) {
      string(c.toString(), out);
    } else if (value instanceof Optional<?> o) {
      write(o.orElse(null), out);
    } else if (value instanceof StateRow.Undecoded u) {
      out.append("{\"serializer\":");
      string(u.serializer(), out);
      out.append(",\"base64\":");
      string(Base64.getEncoder().encodeToString(u.bytes()), out);
      out.append('}');
    } else if (value instanceof byte[] bytes) {
      string(Base64.getEncoder().encodeToString(bytes), out);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.append(first ? "" : ",");
        first = false;
        string(e.getKey() instanceof String s ? s : encode(e.getKey()), out);
        out.append(':');
        write(e.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof Collection<?> collection) {
      out.append('[');
      boolean first = true;
      for (Object element : collection) {
        out.append(first ? "" : ",");
        first = false;
        write(element, out);
      }
      out.append(']');
    } else if (value.getClass().isArray()) {
      out.append('[');
      for (int i = 0; i < Array.getLength(value); i++) {
        out.append(i == 0 ? "" : ",");
        write(Array.get(value, i), out);
      }
      out.append(']');
    } else {
      string(value.toString(), out);
    }
  }

  static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
