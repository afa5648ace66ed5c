package dev.agentwire.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.testing.Deployments;
import dev.agentwire.testing.WireClient;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.List;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ArchivePath;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The WAR without LangChain4j (what {@code mvn package -Pwithout-langchain4j} builds: none of
 * LangChain4j's jars, nor the adapter package built on them) deploys and works; the llm agent is
 * simply not there, even when configured.
 */
@ExtendWith(ArquillianExtension.class)
class WithoutLangChain4jIT {

  /** The jars LangChain4j brings into WEB-INF/lib, and nothing else needs. */
  static final Pattern LANGCHAIN4J_JARS =
      Pattern.compile("/WEB-INF/lib/(langchain4j|jackson|jtokkit|jspecify|slf4j)[^/]*\\.jar");

  @Deployment(testable = false)
  static WebArchive deployment() {
    WebArchive war = Deployments.agentwire("agentwire.llm.base-url=http://127.0.0.1:9/v1");
    List<ArchivePath> jars =
        war.getContent(path -> LANGCHAIN4J_JARS.matcher(path.get()).matches()).keySet().stream()
            .toList();
    assertFalse(jars.isEmpty(), "the built WAR has no LangChain4j jars to leave out");
    jars.forEach(war::delete);
    // The profile leaves the adapter's classes out as well (scanned without LangChain4j, each one
    // is a SEVERE "Class ... not found" in Payara's log).
    war.delete("/WEB-INF/classes/dev/agentwire/langchain4j");
    assertTrue(
        war.getContent(path -> path.get().contains("langchain4j-")).isEmpty(),
        "LangChain4j is still in the WAR");
    return war;
  }

  @ArquillianResource URL base;

  @Test
  void theOtherAgentsWorkAndTheLlmAgentIsAbsent() {
    try (WireClient client = WireClient.connect(base, "slim")) {
      JsonObject accepted = client.startRun("a", null, "What is 2 + 3?");
      assertEquals("run_accepted", accepted.getString("type"), accepted.toString());
      List<JsonObject> events = client.runEvents(accepted.getString("run_id"));
      JsonObject end = events.get(events.size() - 1).getJsonObject("data");
      assertEquals("succeeded", end.getString("status"), end.toString());
      assertTrue(end.getString("output").contains("5"), end.toString());

      JsonObject refused = client.startRun("b", "llm", "hello");
      assertEquals("error", refused.getString("type"), refused.toString());
      assertEquals("unknown_agent", refused.getString("code"), refused.toString());
    }
  }
}
