package dev.agentwire.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AgentWire started the way the README's run command starts it (the packaged WAR on Payara Micro,
 * {@code server-config/}'s command files, {@code --nohazelcast}, UTF-8, dev mode and the scripted
 * agent), with nothing else tuned: for tests that must see the defaults as users get them. Only the
 * JWT secret is set, as a deployment would, so that tests can sign their own tokens. Its log goes
 * to a file that tests read, to find what the server said at SEVERE.
 */
public final class ReadmeServer implements AutoCloseable {

  /** Payara's log format names each entry's level by number; SEVERE is 1000. */
  private static final Pattern SEVERE = Pattern.compile("\\[levelValue: 1000\\]");

  private final int port;
  private final Process process;
  private final Path log;

  private ReadmeServer(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts it on {@code port} and waits until the WAR is deployed. */
  public static ReadmeServer start(int port, String name, Duration limit) throws IOException {
    return start(port, name, limit, Map.of());
  }

  /**
   * Starts it with more environment, as a deployment would configure it (for example an identity
   * provider's key set), and waits until the WAR is deployed.
   */
  public static ReadmeServer start(
      int port, String name, Duration limit, Map<String, String> environment) throws IOException {
    String serverConfig = System.getProperty("agentwire.serverConfig");
    Path target = Path.of(System.getProperty("agentwire.war")).getParent();
    Path log = target.resolve(name + "-server.log");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dfile.encoding=UTF-8",
            "-Dagentwire.dev-mode=true",
            "-Dagentwire.agents.scripted.enabled=true",
            "-jar",
            System.getProperty("payara.microJar"),
            "--deploy",
            System.getProperty("agentwire.war"),
            "--contextroot",
            "agentwire",
            "--port",
            String.valueOf(port),
            "--nohazelcast",
            "--prebootcommandfile",
            serverConfig + "/pre-boot-commands.asadmin",
            "--postbootcommandfile",
            serverConfig + "/post-boot-commands.asadmin");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().put("AGENTWIRE_AUTH_JWT_SECRET", Tokens.SECRET);
    builder.environment().putAll(environment);
    ReadmeServer server = new ReadmeServer(port, builder.start(), log);
    try {
      Await.until(
          () -> {
            if (!server.process.isAlive()) {
              throw new AssertionError("the server exited; see " + log);
            }
            return server.logText().contains("Payara Micro URLs");
          },
          limit,
          "AgentWire deployed (log: " + log + ")");
    } catch (AssertionError e) {
      server.close();
      throw e;
    }
    return server;
  }

  public URL base() {
    try {
      return new URL("http://127.0.0.1:" + port + "/agentwire/");
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }

  public String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How far the log has come: pass it to {@link #severeSince} to look at what follows. */
  public int logMark() {
    return logText().length();
  }

  /** The log's SEVERE entries after {@code mark}, each cut to its first 2,000 characters. */
  public List<String> severeSince(int mark) {
    String text = logText().substring(mark);
    Matcher matcher = SEVERE.matcher(text);
    List<String> entries = new ArrayList<>();
    while (matcher.find()) {
      int start = text.lastIndexOf('\n', matcher.start()) + 1;
      entries.add(text.substring(start, Math.min(text.length(), start + 2_000)));
    }
    return entries;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
