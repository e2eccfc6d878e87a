package dev.cairn.examples.exactlyonce;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * Writes the exactly-once example's input: {@code user,action,amount} lines, the same lines for the
 * same arguments. The file appears whole or not at all (written to a temporary file, fsynced, then
 * renamed), so a run killed while generating leaves no half input behind; missing parent directories
 * are created.
 */
public final class EventGenerator {

  private EventGenerator() {}

  /**
   * Writes {@code events} lines over {@code users} users ({@code user-<n>}), actions and amounts (0 to
   * 999) drawn from {@code seed}.
   */
  public static void write(Path file, long events, int users, long seed) throws IOException {
    if (events < 0 || users <= 0) {
      throw new IllegalArgumentException("events must be >= 0 and users > 0, got " + events + " and " + users);
    }
    Path absolute = file.toAbsolutePath();
    Files.createDirectories(absolute.getParent());
    Path temp = absolute.resolveSibling(absolute.getFileName() + ".generating");
    SplittableRandom random = new SplittableRandom(seed);
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
        BufferedWriter out = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8), 1 << 16)) {
      for (long i = 0; i < events; i++) {
        out.write("user-" + random.nextInt(users) + "," + UserActivity.ACTIONS.get(random.nextInt(3)) + ","
            + random.nextInt(1000));
        out.write('\n');
      }
      out.flush();
      channel.force(true);
    }
    Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
