package dev.agentwire.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The WAR must deploy on Jakarta EE servers without Payara or Hazelcast: only the classes of {@code
 * dev.agentwire.cluster.hazelcast} (not CDI beans, loaded by name only in cluster mode) may refer
 * to Hazelcast, and no class may refer to Payara's own APIs. Checked in the compiled classes'
 * constant pools, where every type a class links against is named.
 */
class PortableWarTest {

  private static final Path CLASSES = Path.of("target", "classes");

  private static List<Path> classFiles() throws IOException {
    try (Stream<Path> files = Files.walk(CLASSES)) {
      return files.filter(f -> f.toString().endsWith(".class")).toList();
    }
  }

  private static boolean mentions(Path classFile, String internalName) {
    try {
      return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1)
          .contains(internalName);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void onlyTheHazelcastPackageLinksAgainstHazelcast() throws IOException {
    Path allowed = CLASSES.resolve(Path.of("dev", "agentwire", "cluster", "hazelcast"));
    List<Path> users = classFiles().stream().filter(f -> mentions(f, "com/hazelcast/")).toList();

    assertTrue(users.stream().anyMatch(f -> f.startsWith(allowed)), "the check sees HazelcastLog");
    assertEquals(
        List.of(), users.stream().filter(f -> !f.startsWith(allowed)).toList(), "outside it");
  }

  @Test
  void noClassLinksAgainstPayaraApis() throws IOException {
    assertEquals(
        List.of(), classFiles().stream().filter(f -> mentions(f, "fish/payara/")).toList());
  }

  @Test
  void theHazelcastLogIsLoadedByNameOnly() throws IOException {
    assertEquals(
        "dev.agentwire.cluster.hazelcast.HazelcastLog",
        ClusterSupport.HAZELCAST_LOG,
        "the name ClusterSupport loads must be the class that exists");
    assertTrue(Files.exists(CLASSES.resolve("dev/agentwire/cluster/hazelcast/HazelcastLog.class")));
    List<Path> linking =
        classFiles().stream()
            .filter(f -> !f.startsWith(CLASSES.resolve("dev/agentwire/cluster/hazelcast")))
            .filter(f -> mentions(f, "dev/agentwire/cluster/hazelcast/"))
            .toList();
    assertEquals(List.of(), linking, "classes linking against the Hazelcast package");
  }
}
