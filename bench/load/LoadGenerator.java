import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The benchmark's load generator, one file, JDK only: C connections (one user each) that each
 * start a request, wait for its 5 events, and start the next, for a fixed time (saturation).
 * Prints one line of JSON with the counts and the latency (server timestamp to arrival).
 *
 * <p>Run: java LoadGenerator.java URL MODE CONNECTIONS SECONDS [SECRET]; MODE is agentwire or bare.
 */
public class LoadGenerator {

  static final String SCRIPT =
      "{\\\"steps\\\":[{\\\"think\\\":\\\"step one of three\\\"},{\\\"think\\\":\\\"step two of three\\\"},"
          + "{\\\"think\\\":\\\"step three of three\\\"}],\\\"output\\\":\\\"done\\\"}";

  public static void main(String[] args) throws Exception {
    String url = args[0];
    boolean agentwire = args[1].equals("agentwire");
    int connections = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    String secret = args.length > 4 ? args[4] : null;

    HttpClient http = HttpClient.newHttpClient();
    AtomicLong events = new AtomicLong();
    AtomicLong requests = new AtomicLong();
    ConcurrentLinkedQueue<Long> latenciesMicros = new ConcurrentLinkedQueue<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      Client client = new Client(agentwire, deadline, events, requests, latenciesMicros);
      clients.add(client);
      String target = agentwire ? url + "?access_token=" + token(secret, "bench-" + i) : url;
      opening.add(
          http.newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(30))
              .buildAsync(URI.create(target), client));
    }
    for (int i = 0; i < connections; i++) {
      clients.get(i).socket = opening.get(i).get(60, TimeUnit.SECONDS);
    }
    long started = System.nanoTime();
    for (Client client : clients) {
      client.next();
    }
    long remaining = deadline - System.nanoTime();
    if (remaining > 0) {
      TimeUnit.NANOSECONDS.sleep(remaining);
    }
    double elapsed = (System.nanoTime() - started) / 1e9;
    long count = events.get();
    List<Long> sorted = new ArrayList<>(latenciesMicros);
    sorted.sort(null);
    System.out.printf(
        "{\"events\":%d,\"requests\":%d,\"seconds\":%.3f,\"events_per_s\":%.0f,"
            + "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"p999_ms\":%.2f}%n",
        count,
        requests.get(),
        elapsed,
        count / elapsed,
        percentile(sorted, 0.50) / 1000.0,
        percentile(sorted, 0.99) / 1000.0,
        percentile(sorted, 0.999) / 1000.0);
    for (Client client : clients) {
      client.socket.abort();
    }
    System.exit(0);
  }

  static double percentile(List<Long> sorted, double p) {
    return sorted.isEmpty() ? Double.NaN : sorted.get((int) Math.min(sorted.size() - 1, p * sorted.size()));
  }

  /** An HS256 JWT from the JDK's own HMAC (the product itself uses Nimbus JOSE). */
  static String token(String secret, String user) throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    long exp = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
    String claims = b64.encodeToString(("{\"sub\":\"" + user + "\",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String signature = b64.encodeToString(mac.doFinal((header + "." + claims).getBytes(StandardCharsets.US_ASCII)));
    return header + "." + claims + "." + signature;
  }

  /** One connection: a request, its five events, the next request. */
  static final class Client implements WebSocket.Listener {
    final boolean agentwire;
    final long deadline;
    final AtomicLong events;
    final AtomicLong requests;
    final ConcurrentLinkedQueue<Long> latencies;
    final StringBuilder partial = new StringBuilder();
    volatile WebSocket socket;
    int sampled;

    Client(boolean agentwire, long deadline, AtomicLong events, AtomicLong requests, ConcurrentLinkedQueue<Long> latencies) {
      this.agentwire = agentwire;
      this.deadline = deadline;
      this.events = events;
      this.requests = requests;
      this.latencies = latencies;
    }

    void next() {
      if (System.nanoTime() > deadline) {
        return;
      }
      requests.incrementAndGet();
      socket.sendText(
          agentwire
              ? "{\"type\":\"start_run\",\"agent\":\"scripted\",\"input\":\"" + SCRIPT + "\"}"
              : "{\"type\":\"go\"}",
          true);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String frame = partial.toString();
        partial.setLength(0);
        long now = System.currentTimeMillis() * 1000;
        boolean done = false;
        for (String line : frame.split("\n")) {
          int ts = line.indexOf("\"ts\":\"");
          if (ts < 0) {
            continue;
          }
          events.incrementAndGet();
          if ((sampled++ & 7) == 0) {
            Instant at = Instant.parse(line.substring(ts + 6, line.indexOf('"', ts + 6)));
            latencies.add(now - at.toEpochMilli() * 1000);
          }
          done |= line.contains(agentwire ? "\"agent_completed\"" : "\"seq\":5");
        }
        if (done) {
          next();
        }
      }
      webSocket.request(1);
      return null;
    }
  }

}
