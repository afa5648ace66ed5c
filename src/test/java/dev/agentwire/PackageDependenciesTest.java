package dev.agentwire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The feature packages depend on each other one way only: {@code sockets → events ← runs → agents},
 * sockets also on runs (to start them) and security (its limits), security on events (the UTF-8
 * rules), and {@code cluster} at the edge, on events and runs, with nothing depending on it. Read
 * from the sources, imports and fully qualified names alike.
 */
class PackageDependenciesTest {

  private static final Path SOURCES = Path.of("src", "main", "java", "dev", "agentwire");
  private static final Pattern REFERENCE = Pattern.compile("dev\\.agentwire\\.([a-z]+)\\b");

  private static final Map<String, Set<String>> ALLOWED =
      Map.of(
          "agents", Set.of(),
          "events", Set.of(),
          "security", Set.of("events"),
          "runs", Set.of("agents", "events"),
          "sockets", Set.of("events", "runs", "security"),
          "cluster", Set.of("events", "runs"),
          "langchain4j", Set.of("agents"),
          "operations", Set.of("cluster", "events", "runs", "sockets", "security"));

  @Test
  void everyFeaturePackageDependsOnlyOnWhatItMay() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Map.Entry<String, Set<String>> feature : ALLOWED.entrySet()) {
      try (Stream<Path> files = Files.walk(SOURCES.resolve(feature.getKey()))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          Matcher reference = REFERENCE.matcher(Files.readString(file));
          while (reference.find()) {
            String target = reference.group(1);
            if (!target.equals(feature.getKey()) && !feature.getValue().contains(target)) {
              violations.add(SOURCES.relativize(file) + " refers to " + target);
            }
          }
        }
      }
    }
    assertEquals(List.of(), violations.stream().distinct().toList());
  }

  @Test
  void everyFeaturePackageIsCovered() throws IOException {
    try (Stream<Path> entries = Files.list(SOURCES)) {
      List<String> packages =
          entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(ALLOWED.keySet().stream().sorted().toList(), packages);
    }
  }
}
