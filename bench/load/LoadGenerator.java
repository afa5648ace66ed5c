import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The benchmark's load generator, one file, JDK only ({@code java.net.http.WebSocket}). Every
 * connection is one user; a request is answered with five events.
 *
 * <ul>
 *   <li>{@code saturate}: each connection sends a request, waits for its five events and sends the
 *       next, for a fixed time: events/s at saturation.
 *   <li>{@code rate}: each connection sends {@code --rate} requests per second at a fixed pace
 *       (open loop: a slow answer does not delay the next request), random phase per connection:
 *       latency at a fixed load.
 * </ul>
 *
 * <p>Latency is measured twice: from the event's {@code ts} (server clock, millisecond resolution,
 * so up to 1 ms too high) to its arrival, for every event; and from sending the request to the
 * arrival of its last event (the client's clock, microseconds), for every request. With {@code
 * --server-pid} it also reads the server's resident memory before and after opening the
 * connections. Prints one line of JSON.
 *
 * <p>Run: java LoadGenerator.java SCENARIO URL MODE SECRET [--connections N] [--seconds S] [--rate
 * R] [--server-pid P]; MODE is {@code agentwire} (real runs of the scripted agent: a thought and
 * one tool call, the run the product exists for), {@code agentwire-think3} (three thoughts, no
 * tool call) or {@code echo5} (any message is answered with five events: the bare endpoint and the
 * peers). Every workload is five events per request.
 */
public class LoadGenerator {

  /** The mission's run: agent_started, agent_thinking, tool_executing, tool_completed, agent_completed. */
  static final String TOOL_SCRIPT =
      "{\\\"steps\\\":[{\\\"think\\\":\\\"looking it up\\\"},"
          + "{\\\"tool\\\":\\\"echo\\\",\\\"arguments\\\":{\\\"order\\\":42}}],\\\"output\\\":\\\"done\\\"}";

  /** Three thoughts, no tool call: the cheapest run of five events (the earlier headline). */
  static final String THINK3_SCRIPT =
      "{\\\"steps\\\":[{\\\"think\\\":\\\"step one of three\\\"},{\\\"think\\\":\\\"step two of three\\\"},"
          + "{\\\"think\\\":\\\"step three of three\\\"}],\\\"output\\\":\\\"done\\\"}";
  static final int MAX_HANDSHAKES_IN_FLIGHT = 256;
  static String script = TOOL_SCRIPT;

  public static void main(String[] args) throws Exception {
    String scenario = args[0];
    String url = args[1];
    boolean agentwire = args[2].startsWith("agentwire");
    script = args[2].equals("agentwire-think3") ? THINK3_SCRIPT : TOOL_SCRIPT;
    String secret = args[3];
    Map<String, String> options = new HashMap<>();
    for (int i = 4; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int connections = Integer.parseInt(options.getOrDefault("connections", "200"));
    int seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
    double rate = Double.parseDouble(options.getOrDefault("rate", "1"));
    String serverPid = options.get("server-pid");
    if (!scenario.equals("saturate") && !scenario.equals("rate")) {
      throw new IllegalArgumentException("scenario must be saturate or rate, not " + scenario);
    }

    Stats stats = new Stats();
    long rssBefore = rssKb(serverPid);
    List<Client> clients = connect(url, agentwire, secret, connections, stats);
    long rssAfter = rssKb(serverPid);

    Cpu cpuBefore = Cpu.read(serverPid);
    long started = System.nanoTime();
    long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    if (scenario.equals("saturate")) {
      for (Client client : clients) {
        client.saturate(deadline);
      }
    } else {
      long periodNanos = (long) (1e9 / rate);
      for (Client client : clients) {
        long phase = ThreadLocalRandom.current().nextLong(periodNanos);
        pacer.scheduleAtFixedRate(
            () -> {
              if (System.nanoTime() < deadline) {
                client.request();
              }
            },
            phase,
            periodNanos,
            TimeUnit.NANOSECONDS);
      }
    }
    TimeUnit.NANOSECONDS.sleep(Math.max(0, deadline - System.nanoTime()));
    pacer.shutdownNow();
    double elapsed = (System.nanoTime() - started) / 1e9;
    long events = stats.events.get();
    long frames = stats.frames.get();
    Cpu cpuAfter = Cpu.read(serverPid);
    // Requests still unanswered a grace period after the end are reported, not waited for forever.
    long grace = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < grace && clients.stream().anyMatch(Client::waiting)) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    long unanswered = clients.stream().mapToLong(Client::outstanding).sum();
    long open = clients.stream().filter(c -> !c.closed).count();

    long[] eventLatency = merge(clients, true);
    long[] requestLatency = merge(clients, false);
    StringBuilder json = new StringBuilder();
    json.append(String.format("{\"scenario\":\"%s\",\"connections\":%d,", scenario, connections));
    json.append(String.format("\"connect_s\":%.3f,\"handshake_p99_ms\":%.2f,", stats.connectSeconds,
        percentile(stats.handshakeMicros(), 0.99) / 1000.0));
    json.append(String.format("\"events\":%d,\"requests\":%d,\"seconds\":%.3f,\"events_per_s\":%.0f,",
        events, stats.requests.get(), elapsed, events / elapsed));
    json.append(String.format("\"frames\":%d,\"events_per_frame\":%.2f,", frames, events / (double) Math.max(1, frames)));
    json.append(String.format("\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"p999_ms\":%.2f,",
        percentile(eventLatency, 0.50) / 1000.0, percentile(eventLatency, 0.99) / 1000.0,
        percentile(eventLatency, 0.999) / 1000.0));
    json.append(String.format("\"rtt_p50_ms\":%.2f,\"rtt_p99_ms\":%.2f,\"rtt_p999_ms\":%.2f,",
        percentile(requestLatency, 0.50) / 1000.0, percentile(requestLatency, 0.99) / 1000.0,
        percentile(requestLatency, 0.999) / 1000.0));
    json.append(String.format("\"open_at_end\":%d,\"unanswered\":%d,\"errors\":%d", open, unanswered,
        stats.errors.get()));
    if (serverPid != null) {
      double server = cpuAfter.server - cpuBefore.server;
      double self = cpuAfter.self - cpuBefore.self;
      double others = Math.max(0, (cpuAfter.busy - cpuBefore.busy) - server - self);
      json.append(String.format(",\"server_cpu_s\":%.2f,\"cpu_us_per_event\":%.1f,\"loadgen_cpu_s\":%.2f,"
          + "\"others_cpu_s\":%.2f,\"noisy\":%b", server, server * 1e6 / Math.max(1, events), self, others,
          others > 0.1 * elapsed));
      json.append(String.format(",\"rss_before_mb\":%.1f,\"rss_connected_mb\":%.1f,\"rss_end_mb\":%.1f,"
          + "\"kb_per_connection\":%.1f", rssBefore / 1024.0, rssAfter / 1024.0, rssKb(serverPid) / 1024.0,
          (rssAfter - rssBefore) / (double) connections));
    }
    System.out.println(json.append('}'));
    for (String error : stats.firstErrors) {
      System.err.println("error: " + error);
    }
    for (Client client : clients) {
      client.socket.abort();
    }
    System.exit(0);
  }

  /** Opens every connection, at most {@link #MAX_HANDSHAKES_IN_FLIGHT} handshakes at a time. */
  static List<Client> connect(String url, boolean agentwire, String secret, int connections, Stats stats)
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Semaphore inFlight = new Semaphore(MAX_HANDSHAKES_IN_FLIGHT);
    List<Client> clients = new ArrayList<>();
    List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < connections; i++) {
      Client client = new Client(agentwire, stats);
      clients.add(client);
      String target = agentwire ? url + "?access_token=" + token(secret, "bench-" + i) : url;
      inFlight.acquire();
      long handshakeStarted = System.nanoTime();
      opening.add(
          http.newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(30))
              .buildAsync(URI.create(target), client)
              .whenComplete(
                  (socket, failure) -> {
                    inFlight.release();
                    stats.handshakes.add((System.nanoTime() - handshakeStarted) / 1000);
                  }));
    }
    for (int i = 0; i < connections; i++) {
      clients.get(i).socket = opening.get(i).get(120, TimeUnit.SECONDS);
    }
    stats.connectSeconds = (System.nanoTime() - started) / 1e9;
    return clients;
  }

  /**
   * All clients' latencies, sorted. Late answers may still arrive while this runs: each list is
   * read as far as it was filled when read (its array and size taken once), never past its end.
   */
  static long[] merge(List<Client> clients, boolean events) {
    long[] all = new long[1024];
    int at = 0;
    for (Client client : clients) {
      LongList list = events ? client.eventLatency : client.requestLatency;
      long[] values = list.values;
      int size = Math.min(list.size, values.length);
      if (at + size > all.length) {
        all = Arrays.copyOf(all, Math.max(all.length * 2, at + size));
      }
      System.arraycopy(values, 0, all, at, size);
      at += size;
    }
    all = Arrays.copyOf(all, at);
    Arrays.sort(all);
    return all;
  }

  static double percentile(long[] sorted, double p) {
    return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)];
  }

  static long rssKb(String pid) throws Exception {
    if (pid == null) {
      return 0;
    }
    for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for process " + pid);
  }

  /**
   * CPU seconds so far of the server, of this load generator and of the whole machine (busy time
   * of all cores), from /proc: what else ran during the measurement shows as the difference.
   */
  record Cpu(double server, double self, double busy) {
    static final double TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux

    static Cpu read(String serverPid) throws Exception {
      if (serverPid == null) {
        return new Cpu(0, 0, 0);
      }
      String[] all = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int field : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
        busy += Long.parseLong(all[field]);
      }
      return new Cpu(ticks(serverPid), ticks(String.valueOf(ProcessHandle.current().pid())), busy / TICKS_PER_SECOND);
    }

    static double ticks(String pid) throws Exception {
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND; // utime stime
    }
  }

  /** An HS256 JWT from the JDK's own HMAC (the product itself uses Nimbus JOSE). */
  static String token(String secret, String user) throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    long exp = Instant.now().plus(Duration.ofHours(2)).getEpochSecond();
    String claims = b64.encodeToString(("{\"sub\":\"" + user + "\",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String signature = b64.encodeToString(mac.doFinal((header + "." + claims).getBytes(StandardCharsets.US_ASCII)));
    return header + "." + claims + "." + signature;
  }

  static final class Stats {
    final AtomicLong events = new AtomicLong();
    final AtomicLong frames = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final ConcurrentLinkedQueue<Long> handshakes = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
    volatile double connectSeconds;

    long[] handshakeMicros() {
      return handshakes.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    void error(String what) {
      if (errors.incrementAndGet() <= 5) {
        firstErrors.add(what);
      }
    }
  }

  static final class LongList {
    long[] values = new long[1024];
    int size;

    void add(long value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }
  }

  /**
   * One connection of one user. Requests are answered in order (one thread of runs per user for
   * AgentWire; the peers answer in order), so the oldest unanswered request is the one an event
   * belongs to.
   */
  static final class Client implements WebSocket.Listener {
    final boolean agentwire;
    final Stats stats;
    final StringBuilder partial = new StringBuilder();
    final LongList eventLatency = new LongList();
    final LongList requestLatency = new LongList();
    final ConcurrentLinkedQueue<Long> sentAt = new ConcurrentLinkedQueue<>();
    final AtomicInteger sent = new AtomicInteger();
    volatile WebSocket socket;
    CompletableFuture<WebSocket> lastSend = CompletableFuture.completedFuture(null);
    volatile boolean closed;
    volatile String threadId;
    volatile long saturateUntil;
    int eventsOfCurrent;

    Client(boolean agentwire, Stats stats) {
      this.agentwire = agentwire;
      this.stats = stats;
    }

    void saturate(long deadline) {
      saturateUntil = deadline;
      request();
    }

    /** Sends one request, after the previous send on this socket has completed. */
    synchronized void request() {
      if (closed) {
        return;
      }
      stats.requests.incrementAndGet();
      sentAt.add(System.nanoTime());
      String thread = threadId == null ? "" : ",\"thread_id\":\"" + threadId + "\"";
      String message =
          agentwire
              ? "{\"type\":\"start_run\",\"agent\":\"scripted\"" + thread + ",\"input\":\"" + script + "\"}"
              : "{\"type\":\"go\"}";
      lastSend =
          lastSend
              .thenCompose(previous -> socket.sendText(message, true))
              .exceptionally(
                  failure -> {
                    stats.error("send failed: " + failure);
                    return null;
                  });
    }

    boolean waiting() {
      return !closed && !sentAt.isEmpty();
    }

    long outstanding() {
      return closed ? 0 : sentAt.size();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String frame = partial.toString();
        partial.setLength(0);
        stats.frames.incrementAndGet();
        long nowMicros = epochMicros();
        int completed = 0;
        for (String line : frame.split("\n")) {
          if (agentwire && threadId == null && line.contains("\"run_accepted\"")) {
            int at = line.indexOf("\"thread_id\":\"") + 13;
            threadId = line.substring(at, line.indexOf('"', at));
          }
          if (agentwire && line.contains("\"type\":\"error\"")) {
            stats.error(line);
          }
          int ts = line.indexOf("\"ts\":\"");
          if (ts < 0) {
            continue;
          }
          stats.events.incrementAndGet();
          Instant at = Instant.parse(line.substring(ts + 6, line.indexOf('"', ts + 6)));
          eventLatency.add(nowMicros - at.toEpochMilli() * 1000);
          if (++eventsOfCurrent == 5) {
            eventsOfCurrent = 0;
            completed++;
          }
        }
        for (int i = 0; i < completed; i++) {
          Long started = sentAt.poll();
          if (started != null) {
            requestLatency.add((System.nanoTime() - started) / 1000);
          }
          if (saturateUntil != 0 && System.nanoTime() < saturateUntil) {
            request();
          }
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed = true;
      stats.error("closed by the server: " + statusCode + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed = true;
      stats.error("connection failed: " + error);
    }

    static long epochMicros() {
      Instant now = Instant.now();
      return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }
  }
}
