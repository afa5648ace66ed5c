package dev.agentwire.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentwire.testing.Await;
import dev.agentwire.testing.Chromium;
import dev.agentwire.testing.Deployments;
import dev.agentwire.testing.OpenAiStub;
import dev.agentwire.testing.Tokens;
import java.io.File;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The demo page and {@code <agentwire-chat>} in real Chromium, as a person uses them: the default
 * agent's answer with its tool calls, every kind of step of a scripted run, cancel, a dropped
 * connection that heals itself, and two users who never see each other's runs. Also runs the
 * client's own unit tests in the page.
 */
@ExtendWith(ArquillianExtension.class)
class ChatInChromiumIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  /** The llm agent's model: a local OpenAI-compatible server that streams. */
  private static final OpenAiStub STUB = OpenAiStub.start();

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.agentwire(
            "agentwire.dev-mode=true", "agentwire.llm.base-url=" + STUB.baseUrl())
        .addAsWebResource(
            new File("src/test/resources/browser/client-tests.html"), "test/client-tests.html")
        .addAsWebResource(
            new File("src/test/resources/browser/client-tests.js"), "test/client-tests.js");
  }

  @ArquillianResource URL base;
  private ChromeDriver browser;
  private ChromeDriver secondBrowser;

  @BeforeEach
  void startBrowser() {
    Chromium.require();
    browser = Chromium.start();
  }

  @AfterAll
  static void stopStub() {
    STUB.close();
  }

  @AfterEach
  void stopBrowsers() {
    if (browser != null) {
      browser.quit();
    }
    if (secondBrowser != null) {
      secondBrowser.quit();
    }
  }

  @Test
  void theClientsUnitTestsPassInTheBrowser() {
    browser.get(page("test/client-tests.html"));
    Await.until(
        () -> "true".equals(browser.findElement(By.tagName("body")).getDomAttribute("data-done")),
        WAIT,
        "the client's unit tests finishing");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> results =
        (List<Map<String, Object>>) browser.executeScript("return window.testResults;");
    assertTrue(results.size() >= 20, "all the client tests ran: " + results);
    String failures =
        results.stream()
            .filter(r -> !Boolean.TRUE.equals(r.get("ok")))
            .map(r -> r.get("name") + ": " + r.get("error"))
            .collect(Collectors.joining("\n"));
    assertEquals("", failures);
    assertEquals(List.of(), Chromium.consoleErrors(browser));
  }

  @Test
  void aPersonAsksTheDefaultAgentAndSeesThinkingToolCallsAndTheAnswer() {
    SearchContext chat = login(browser, "alice", "");
    send(chat, "What is 17 * 23 + 4? And what time is it in Asia/Tokyo?");
    WebElement run = awaitRun(chat, "succeeded");
    assertTrue(!run.findElements(By.cssSelector(".thinking")).isEmpty(), "thinking is shown");
    List<String> tools = texts(run, ".tool");
    assertTrue(tools.get(0).startsWith("calculator → ok in"), tools.toString());
    assertTrue(tools.get(0).contains("\"value\":395"), tools.toString());
    assertTrue(tools.get(1).startsWith("clock → ok in"), tools.toString());
    assertTrue(
        run.findElement(By.cssSelector(".answer")).getText().startsWith("17 * 23 + 4 = 395"));
    assertEquals(List.of(), Chromium.consoleErrors(browser));
  }

  /** The llm agent streams its answer: the chat shows it growing, then the whole answer. */
  @Test
  void aStreamedAnswerGrowsInThePageAsItIsWritten() {
    SearchContext chat = login(browser, "lea", "llm");
    send(chat, "slow: 25");
    List<String> seen = new ArrayList<>();
    Await.until(
        () -> {
          List<WebElement> draft = chat.findElements(By.cssSelector(".run .answer.draft"));
          if (!draft.isEmpty()) {
            String text = draft.get(0).getText();
            if (!text.isEmpty() && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(text))) {
              seen.add(text);
            }
          }
          return seen.size() >= 3;
        },
        WAIT,
        "the answer to grow three times while it is written");
    WebElement run = awaitRun(chat, "succeeded");
    String answer = run.findElement(By.cssSelector(".answer")).getText().strip();
    assertTrue(answer.startsWith("tick 0. tick 1.") && answer.endsWith("tick 24."), answer);
    for (String partial : seen) {
      assertTrue(answer.startsWith(partial), "'" + partial + "' is not how the answer began");
    }
    assertEquals(1, run.findElements(By.cssSelector(".answer")).size(), "the draft was replaced");
    assertEquals(List.of(), Chromium.consoleErrors(browser));
  }

  @Test
  void aScriptedRunShowsEachStepInOrderFailuresAsFailuresAndCancelWorks() {
    SearchContext chat = login(browser, "sam", "scripted");
    send(
        chat,
        "{\"steps\":[{\"think\":\"Looking up the order\"},{\"tool\":\"echo\",\"arguments\":{\"order\":42}},"
            + "{\"tool\":\"fail\",\"arguments\":{\"message\":\"backend down\"}},{\"fail\":\"agent gave up\"}]}");
    WebElement failed = awaitRun(chat, "failed");
    List<WebElement> steps = failed.findElements(By.cssSelector(".steps > li"));
    assertEquals(
        List.of("thinking", "tool", "tool"),
        steps.stream().map(s -> s.getDomAttribute("class")).toList());
    assertEquals("Looking up the order", steps.get(0).getText());
    assertEquals("ok", steps.get(1).getDomAttribute("data-status"));
    assertEquals("error", steps.get(2).getDomAttribute("data-status"));
    assertTrue(steps.get(2).getText().contains("backend down"), steps.get(2).getText());
    assertEquals(
        "Failed: agent_error – agent gave up",
        failed.findElement(By.cssSelector(".failure")).getText());

    send(chat, "{\"steps\":[{\"tool\":\"sleep\",\"arguments\":{\"ms\":2500}}]}");
    Await.until(
        () -> !chat.findElements(By.cssSelector(".run[data-status=running] .tool")).isEmpty(),
        WAIT,
        "the sleep to start");
    chat.findElement(By.cssSelector(".run[data-status=running] .cancel")).click();
    WebElement cancelled = awaitRun(chat, "cancelled");
    assertEquals(
        "cancelled", cancelled.findElement(By.cssSelector(".tool")).getDomAttribute("data-status"));
    assertEquals(List.of(), Chromium.consoleErrors(browser));
  }

  @Test
  void aDroppedConnectionHealsItselfAndTheStoryIsCompleteWithoutDuplicates() {
    SearchContext chat = login(browser, "dora", "scripted");
    StringBuilder steps = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      steps
          .append(i == 0 ? "" : ",")
          .append("{\"think\":\"step ")
          .append(i)
          .append("\"},{\"tool\":\"sleep\",\"arguments\":{\"ms\":300}}");
    }
    send(chat, "{\"steps\":[" + steps + "],\"output\":\"all done\"}");
    Await.until(
        () -> chat.findElements(By.cssSelector(".thinking")).size() >= 2,
        WAIT,
        "the run to get going");
    browser.executeScript("document.querySelector('agentwire-chat').client.socket.close();");
    WebElement run = awaitRun(chat, "succeeded");
    assertEquals(
        List.of("step 0", "step 1", "step 2", "step 3", "step 4", "step 5"),
        texts(run, ".thinking"));
    assertEquals(6, run.findElements(By.cssSelector(".tool[data-status=ok]")).size());
    assertEquals("all done", run.findElement(By.cssSelector(".answer")).getText());
    assertEquals("open", chat.findElement(By.cssSelector(".status")).getDomAttribute("data-state"));
  }

  /**
   * The page's tokens expire during a run: each time the server closes the connection with 4401,
   * the client asks the page for a fresh token, trades it for a ticket, reconnects and resumes; the
   * run shows every step exactly once.
   */
  @Test
  void anExpiringTokenIsRenewedAndTheRunIsShownWhole() {
    SearchContext chat = login(browser, "erik", "scripted");
    Instant now = Instant.now();
    List<String> tokens =
        List.of(
            Tokens.signed(Tokens.SECRET, Tokens.claims("erik", now.plusSeconds(4))),
            Tokens.signed(Tokens.SECRET, Tokens.claims("erik", now.plusSeconds(8))),
            Tokens.signed(Tokens.SECRET, Tokens.claims("erik", now.plusSeconds(600))));
    browser.executeScript(
        "window.expiredCloses = 0;"
            + "const chat = document.querySelector('agentwire-chat');"
            + "const tokens = [...arguments[0]];"
            + "chat.client.on('error', e => { if (String(e.message).includes('4401')) window.expiredCloses++; });"
            + "chat.token = () => tokens.shift();"
            + "chat.client.socket.close();",
        tokens);
    Await.until(
        () ->
            "open"
                .equals(chat.findElement(By.cssSelector(".status")).getDomAttribute("data-state")),
        WAIT,
        "the chat to reconnect with the short-lived token");
    StringBuilder steps = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      steps
          .append(i == 0 ? "" : ",")
          .append("{\"think\":\"step ")
          .append(i)
          .append("\"},{\"tool\":\"sleep\",\"arguments\":{\"ms\":900}}");
    }
    send(chat, "{\"steps\":[" + steps + "],\"output\":\"renewed\"}");
    WebElement run = awaitRun(chat, "succeeded");
    assertEquals(
        List.of(
            "step 0", "step 1", "step 2", "step 3", "step 4", "step 5", "step 6", "step 7",
            "step 8", "step 9"),
        texts(run, ".thinking"));
    assertEquals(10, run.findElements(By.cssSelector(".tool[data-status=ok]")).size());
    assertEquals("renewed", run.findElement(By.cssSelector(".answer")).getText());
    long expired = ((Number) browser.executeScript("return window.expiredCloses;")).longValue();
    assertTrue(expired >= 2, "the server closed with 4401 " + expired + " times");
  }

  @Test
  void twoPeopleNeverSeeEachOthersRuns() {
    secondBrowser = Chromium.start();
    SearchContext alice = login(browser, "alice-two", "scripted");
    SearchContext bob = login(secondBrowser, "bob-two", "scripted");
    send(alice, "{\"steps\":[{\"think\":\"alice's secret\"}],\"output\":\"for alice\"}");
    send(bob, "{\"steps\":[{\"think\":\"bob's secret\"}],\"output\":\"for bob\"}");
    awaitRun(alice, "succeeded");
    awaitRun(bob, "succeeded");
    assertEquals(List.of("for alice"), texts(alice, ".answer"));
    assertEquals(List.of("for bob"), texts(bob, ".answer"));
    assertEquals(List.of("alice's secret"), texts(alice, ".thinking"));
    assertEquals(List.of("bob's secret"), texts(bob, ".thinking"));
  }

  private String page(String path) {
    String url = base.toString();
    return url + (url.endsWith("/") ? "" : "/") + path;
  }

  /** Logs in on the demo page and returns the chat's shadow root once it is connected. */
  private SearchContext login(ChromeDriver driver, String user, String agent) {
    driver.get(page(""));
    WebElement name = driver.findElement(By.id("user"));
    name.clear();
    name.sendKeys(user);
    driver.findElement(By.cssSelector("#agent option[value='" + agent + "']")).click();
    driver.findElement(By.cssSelector("#login button")).click();
    Await.until(
        () -> !driver.findElements(By.tagName("agentwire-chat")).isEmpty(),
        WAIT,
        "the chat to appear");
    SearchContext chat = driver.findElement(By.tagName("agentwire-chat")).getShadowRoot();
    Await.until(
        () ->
            "open"
                .equals(chat.findElement(By.cssSelector(".status")).getDomAttribute("data-state")),
        WAIT,
        "the chat to connect");
    return chat;
  }

  private static void send(SearchContext chat, String text) {
    int turns = chat.findElements(By.cssSelector(".turn")).size();
    WebElement input = chat.findElement(By.cssSelector("textarea"));
    input.clear();
    input.sendKeys(text);
    chat.findElement(By.cssSelector("button[type=submit]")).click();
    Await.until(
        () -> chat.findElements(By.cssSelector(".turn")).size() > turns,
        WAIT,
        "the message to show");
  }

  /** The newest run once it has ended with {@code status}. */
  private static WebElement awaitRun(SearchContext chat, String status) {
    Await.until(
        () -> {
          List<WebElement> runs = chat.findElements(By.cssSelector(".run"));
          return !runs.isEmpty()
              && status.equals(runs.get(runs.size() - 1).getDomAttribute("data-status"));
        },
        WAIT,
        "a run ending " + status);
    List<WebElement> runs = chat.findElements(By.cssSelector(".run"));
    return runs.get(runs.size() - 1);
  }

  private static List<String> texts(SearchContext context, String selector) {
    return context.findElements(By.cssSelector(selector)).stream()
        .map(WebElement::getText)
        .toList();
  }
}
