package dev.agentwire.testing;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The archive every IT deploys: the WAR the build just packaged, exactly as users get it, plus the
 * test configuration (a known JWT secret, the scripted agent on, short limits where tests need to
 * pass them).
 */
public final class Deployments {

  public static final String ALLOWED_ORIGIN = "https://portal.example.com";
  public static final long SLEEP_TIMEOUT_MS = 3_000;
  public static final int RATE_PER_SECOND = 20;
  public static final int RATE_BURST = 40;

  private Deployments() {}

  public static WebArchive agentwire() {
    return agentwire(new String[0]);
  }

  /** The WAR with the test configuration plus {@code key=value} lines of the caller's own. */
  public static WebArchive agentwire(String... extraProperties) {
    String path = System.getProperty("agentwire.war", "target/agentwire.war");
    File war = new File(path);
    if (!war.isFile()) {
      throw new IllegalStateException(path + " does not exist: run the ITs with mvn verify");
    }
    WebArchive archive =
        ShrinkWrap.create(ZipImporter.class, "agentwire.war").importFrom(war).as(WebArchive.class);
    archive.addAsResource(
        new StringAsset(
            String.join(
                "\n",
                "agentwire.auth.jwt-secret=" + Tokens.SECRET,
                "agentwire.agents.scripted.enabled=true",
                "agentwire.allowed-origins=" + ALLOWED_ORIGIN,
                "agentwire.tools.sleep.timeout-ms=" + SLEEP_TIMEOUT_MS,
                "agentwire.ws.rate.messages-per-second=" + RATE_PER_SECOND,
                "agentwire.ws.rate.burst=" + RATE_BURST,
                String.join("\n", extraProperties),
                "")),
        "META-INF/microprofile-config.properties");
    return archive;
  }
}
