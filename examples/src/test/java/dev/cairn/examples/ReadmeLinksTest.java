package dev.cairn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository's Markdown stands on its own: every relative link points at a file inside the
 * repository that exists, and code fences are balanced (an unclosed fence renders the rest of a page
 * as code).
 */
class ReadmeLinksTest {

  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  /** The repository root: the parent of this module's directory (Maven runs tests in the module). */
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void relativeLinks_pointAtExistingFilesInsideTheRepository() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path page : markdownPages()) {
      Matcher link = LINK.matcher(Files.readString(page));
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("^[a-z]+:.*") || target.startsWith("#")) {
          continue; // a URL or an anchor in the same page
        }
        Path resolved = page.getParent().resolve(target.replaceAll("#.*", "")).normalize();
        if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
          broken.add(ROOT.relativize(page) + ": " + target);
        }
      }
    }
    assertThat(broken).as("links to files missing from the repository").isEmpty();
  }

  @Test
  void codeFences_areBalanced() throws IOException {
    List<String> unbalanced = new ArrayList<>();
    for (Path page : markdownPages()) {
      long fences = Files.readAllLines(page).stream().filter(line -> line.strip().startsWith("```")).count();
      if (fences % 2 != 0) {
        unbalanced.add(ROOT.relativize(page) + " (" + fences + " fences)");
      }
    }
    assertThat(unbalanced).as("pages with an unclosed code fence").isEmpty();
  }

  private static boolean isBuildOutputOrGit(Path relative) {
    for (Path segment : relative) {
      if (segment.toString().startsWith("target") || segment.toString().equals(".git")) {
        return true;
      }
    }
    return false;
  }

  private static List<Path> markdownPages() throws IOException {
    assertThat(ROOT.resolve("pom.xml")).as("repository root").exists();
    try (Stream<Path> files = Files.walk(ROOT)) {
      List<Path> pages = files
          .filter(p -> p.getFileName().toString().endsWith(".md"))
          .filter(p -> !isBuildOutputOrGit(ROOT.relativize(p)))
          .toList();
      assertThat(pages).as("Markdown pages under " + ROOT).isNotEmpty();
      return pages;
    }
  }
}
