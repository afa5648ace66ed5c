package dev.agentwire.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * One scrape of {@code <context-root>/metrics}: its text, validated by Prometheus's own parser
 * ({@code promtool check metrics}) where asked, and its samples by name and labels.
 */
public final class Scrape {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

  private final String text;
  private final Map<String, Double> samples = new LinkedHashMap<>();

  private Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (sample.matches()) {
        String labels = sample.group(2) == null ? "" : sample.group(2);
        samples.put(sample.group(1) + labels, Double.parseDouble(sample.group(3)));
      }
    }
  }

  /** Fetches {@code metrics} under the base URL; fails the test unless it answers 200. */
  public static Scrape of(URL base) {
    String url = base.toString().endsWith("/") ? base + "metrics" : base + "/metrics";
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (response.statusCode() != 200) {
        throw new AssertionError("GET " + url + " answered " + response.statusCode());
      }
      String type = response.headers().firstValue("Content-Type").orElse("");
      if (!type.startsWith("text/plain; version=0.0.4")) {
        throw new AssertionError("not the Prometheus text format: " + type);
      }
      return new Scrape(response.body());
    } catch (IOException e) {
      throw new AssertionError("GET " + url + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  public String text() {
    return text;
  }

  /**
   * The sample's value, e.g. {@code value("agentwire_runs_completed_total{status=\"failed\"}")}.
   */
  public double value(String sample) {
    Double value = samples.get(sample);
    if (value == null) {
      throw new AssertionError("no sample " + sample + " in:\n" + text);
    }
    return value;
  }

  /** The sample's value, or 0 when the series has not appeared yet. */
  public double valueOrZero(String sample) {
    return samples.getOrDefault(sample, 0.0);
  }

  /** Whether a metric of that name is exposed: its TYPE line, or a sample of it. */
  public boolean has(String family) {
    String bare = family.replaceAll("_total$", "");
    return text.contains("# TYPE " + family + " ")
        || text.contains("# TYPE " + bare + " ")
        || samples.keySet().stream().anyMatch(s -> s.equals(family) || s.startsWith(family + "{"));
  }

  /**
   * Checks the text with Prometheus's own parser and linter, {@code promtool check metrics}; skips
   * the test (locally) or fails it (in CI, where the CI variable is set) when promtool is missing.
   */
  public void checkWithPromtool() {
    Path promtool = promtool();
    try {
      Process process =
          new ProcessBuilder(promtool.toString(), "check", "metrics")
              .redirectErrorStream(true)
              .start();
      process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("promtool did not finish");
      }
      if (process.exitValue() != 0) {
        throw new AssertionError("promtool check metrics: " + output + "\n" + text);
      }
    } catch (IOException e) {
      throw new AssertionError("running promtool failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Prometheus's promtool (Debian's prometheus package), or the test is skipped (failed in CI). */
  public static Path promtool() {
    Path promtool = Path.of("/usr/bin/promtool");
    if (!Files.isExecutable(promtool)) {
      String message = "promtool is not installed (apt-get install prometheus)";
      if (System.getenv("CI") != null) {
        throw new AssertionError(message);
      }
      Assumptions.abort(message);
    }
    return promtool;
  }
}
