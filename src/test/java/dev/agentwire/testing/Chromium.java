package dev.agentwire.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Debian's Chromium, headless, driven through its own chromedriver. Where they are not installed
 * the browser tests are skipped, and say so; in CI (the CI variable set) they must run, and a
 * missing browser fails the build instead.
 */
public final class Chromium {

  static final String BROWSER = System.getProperty("agentwire.chromium", "/usr/bin/chromium");
  static final String DRIVER =
      System.getProperty("agentwire.chromedriver", "/usr/bin/chromedriver");

  private Chromium() {}

  /** Skips (locally) or fails (in CI) when Chromium or its driver is missing. */
  public static void require() {
    boolean present = new File(BROWSER).canExecute() && new File(DRIVER).canExecute();
    if (present) {
      return;
    }
    String message =
        "Chromium and chromedriver are needed at "
            + BROWSER
            + " and "
            + DRIVER
            + " (Debian: apt-get install chromium chromium-driver)";
    if (System.getenv("CI") != null) {
      fail(message);
    }
    Assumptions.abort(message);
  }

  /** A fresh headless browser with its own profile; close it with {@code quit()}. */
  public static ChromeDriver start() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1000,1200");
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER)).build();
    return new ChromeDriver(service, options);
  }

  /** The page's console errors since the last call. */
  public static List<String> consoleErrors(ChromeDriver browser) {
    return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }
}
