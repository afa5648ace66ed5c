package dev.agentwire.testing;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One Payara Micro process with the AgentWire WAR, as a member of a data grid on 127.0.0.1: for the
 * cluster tests, which need processes that can be killed (SIGKILL), not one managed container.
 * Started with the flags of {@code docs/event-log.md}, {@code server-config/}'s command files and
 * {@code cluster.properties}, and the cluster mode on.
 */
public final class PayaraNode implements AutoCloseable {

  static final String MEMBERS = "127.0.0.1:15900,127.0.0.1:15901";

  private final String name;
  private final int httpPort;
  private final Process process;
  private final Path log;

  private PayaraNode(String name, int httpPort, Process process, Path log) {
    this.name = name;
    this.httpPort = httpPort;
    this.process = process;
    this.log = log;
  }

  /** Starts node {@code index} (0 or 1) without waiting for it. */
  public static PayaraNode start(int index) throws IOException {
    String serverConfig = System.getProperty("agentwire.serverConfig");
    Path target = Path.of(System.getProperty("agentwire.war")).getParent();
    String name = "node" + index;
    int httpPort = 18181 + index;
    Path log = target.resolve("cluster-" + name + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xmx512m", "-Dfile.encoding=UTF-8", "-jar", System.getProperty("payara.microJar")));
    command.addAll(
        List.of(
            "--deploy",
            System.getProperty("agentwire.war"),
            "--contextroot",
            "agentwire",
            "--port",
            String.valueOf(httpPort),
            "--name",
            name,
            "--clustername",
            "agentwire-it",
            "--clustermode",
            "tcpip:" + MEMBERS,
            "--interfaces",
            "127.0.0.1",
            "--startport",
            String.valueOf(15900 + index),
            "--nohostaware",
            "--systemproperties",
            serverConfig + "/cluster.properties",
            "--prebootcommandfile",
            serverConfig + "/pre-boot-commands.asadmin",
            "--postbootcommandfile",
            serverConfig + "/post-boot-commands.asadmin"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().put("AGENTWIRE_AUTH_JWT_SECRET", Tokens.SECRET);
    builder.environment().put("AGENTWIRE_AGENTS_SCRIPTED_ENABLED", "true");
    builder.environment().put("AGENTWIRE_CLUSTER_ENABLED", "true");
    return new PayaraNode(name, httpPort, builder.start(), log);
  }

  /** Waits until the WAR is deployed and the node sees {@code members} members in its data grid. */
  public PayaraNode awaitReady(int members, Duration limit) {
    Await.until(
        () -> {
          if (!process.isAlive()) {
            throw new AssertionError(name + " exited; see " + log);
          }
          String text = logText();
          return text.contains("Payara Micro URLs") && text.contains("DG Size: " + members);
        },
        limit,
        name + " deployed in a data grid of " + members + " (log: " + log + ")");
    return this;
  }

  public URL base() {
    try {
      return new URL("http://127.0.0.1:" + httpPort + "/agentwire/");
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }

  public String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  /** kill -9: no shutdown hooks, no goodbye to the data grid. */
  public void kill() {
    process.destroyForcibly();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
