package dev.agentwire.testing;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A WebSocket client on a plain socket that sends whatever it is told, frame by frame: text,
 * binary, fragments, control frames and bytes that are not UTF-8, which no library client will
 * send. A reader thread takes everything the server sends and checks it the strict way: every text
 * frame must be valid UTF-8 and every line a JSON object; anything else is recorded as a defect.
 */
public final class FrameSocket implements AutoCloseable {

  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CONTINUATION = 0x0;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final boolean answerPings;
  private final List<JsonObject> messages = new ArrayList<>();
  private final List<String> defects = new ArrayList<>();
  private final List<String> pingsReceived = new ArrayList<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final Thread reader;

  private FrameSocket(Socket socket, boolean answerPings) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
    this.answerPings = answerPings;
    this.reader = new Thread(this::read, "frame-socket-reader");
    this.reader.setDaemon(true);
  }

  /** The HTTP status, headers and (when refused) body a handshake with this token gets. */
  public record Handshake(int status, String headers, String body) {
    /** The value of a header, or null. */
    public String header(String name) {
      for (String line : headers.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  /**
   * Opens a connection with a bearer token; fails the test unless the server upgrades it.
   *
   * @param answerPings false for a peer that went silent: it reads, but never answers a ping
   */
  public static FrameSocket open(URL base, String query, String token, boolean answerPings)
      throws IOException {
    Socket socket = connect(base);
    FrameSocket client = new FrameSocket(socket, answerPings);
    Handshake handshake = client.handshake(base, query, token);
    if (handshake.status() != 101) {
      socket.close();
      throw new AssertionError("handshake refused: " + handshake.headers());
    }
    client.reader.start();
    return client;
  }

  /** Attempts a handshake and closes right after: what the server answered. */
  public static Handshake attempt(URL base, String token) throws IOException {
    return attempt(base, "", token);
  }

  /**
   * Attempts a handshake with a query (and a token, or null for none): what the server answered.
   */
  public static Handshake attempt(URL base, String query, String token) throws IOException {
    try (Socket socket = connect(base)) {
      return new FrameSocket(socket, true).handshake(base, query, token);
    }
  }

  private static Socket connect(URL base) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
    socket.setSoTimeout(0);
    return socket;
  }

  private Handshake handshake(URL base, String query, String token) throws IOException {
    URI endpoint = WireClient.endpoint(base);
    String key =
        Base64.getEncoder().encodeToString("agentwire-fuzz-k".getBytes(StandardCharsets.US_ASCII));
    String request =
        "GET "
            + endpoint.getRawPath()
            + (query.isEmpty() ? "" : "?" + query)
            + " HTTP/1.1\r\nHost: "
            + base.getHost()
            + ":"
            + base.getPort()
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            + key
            + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: agentwire.v1\r\n"
            + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
            + "\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    StringBuilder headers = new StringBuilder();
    socket.setSoTimeout(20_000);
    while (headers.indexOf("\r\n\r\n") < 0) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("closed during the handshake: " + headers);
      }
      headers.append((char) b);
    }
    String status = headers.substring(0, headers.indexOf("\r\n"));
    int code = Integer.parseInt(status.split(" ")[1]);
    Handshake handshake = new Handshake(code, headers.toString(), "");
    if (code != 101) {
      handshake = new Handshake(code, handshake.headers(), body(handshake));
    }
    socket.setSoTimeout(0);
    return handshake;
  }

  /** The body of a refusal: by its Content-Length, or chunk by chunk. */
  private String body(Handshake response) throws IOException {
    String length = response.header("Content-Length");
    if (length != null) {
      byte[] body = new byte[Integer.parseInt(length)];
      in.readFully(body);
      return new String(body, StandardCharsets.UTF_8);
    }
    if (!"chunked".equalsIgnoreCase(response.header("Transfer-Encoding"))) {
      return "";
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      int size = Integer.parseInt(line().split(";")[0].trim(), 16);
      if (size == 0) {
        return body.toString(StandardCharsets.UTF_8);
      }
      byte[] chunk = new byte[size];
      in.readFully(chunk);
      body.write(chunk);
      line();
    }
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("closed in a chunked body");
      }
      line.append((char) b);
    }
    return line.toString().trim();
  }

  /** Sends one masked frame, as clients must. */
  public synchronized void send(int opcode, boolean fin, byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write((fin ? 0x80 : 0) | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    } else {
      frame.write(0x80 | 127);
      long length = payload.length;
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) (length >>> shift) & 0xff);
      }
    }
    byte[] mask = {0x37, (byte) 0xfa, 0x21, 0x3d};
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /**
   * Sends text as one frame; Java's encoder turns a lone surrogate into '?', as a browser would.
   */
  public void sendText(String text) throws IOException {
    send(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
  }

  private void read() {
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    try {
      while (true) {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
          length = in.readUnsignedShort();
        } else if (length == 127) {
          length = in.readLong();
        }
        if ((second & 0x80) != 0) {
          defect("a server frame was masked");
          in.readInt();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        int opcode = first & 0x0f;
        boolean fin = (first & 0x80) != 0;
        switch (opcode) {
          case CLOSE -> {
            closeCode.complete(
                payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005);
            return;
          }
          case PING -> {
            synchronized (pingsReceived) {
              pingsReceived.add(new String(payload, StandardCharsets.ISO_8859_1));
            }
            if (answerPings) {
              send(PONG, true, payload);
            }
          }
          case TEXT, CONTINUATION -> {
            message.write(payload);
            if (fin) {
              text(message.toByteArray());
              message.reset();
            }
          }
          case PONG -> {}
          default -> defect("unexpected opcode " + opcode);
        }
      }
    } catch (IOException e) {
      closeCode.complete(-1); // the connection ended without a close frame
    }
  }

  private void text(byte[] bytes) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      defect("a text frame that is not valid UTF-8");
      return;
    }
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      try (JsonReader json = Json.createReader(new StringReader(line))) {
        JsonObject object = json.readObject();
        synchronized (messages) {
          messages.add(object);
          messages.notifyAll();
        }
      } catch (ClassCastException | JsonException e) {
        defect("a line that is not a JSON object: " + line);
      }
    }
  }

  private void defect(String what) {
    synchronized (defects) {
      defects.add(what);
    }
  }

  /** What the server sent that breaks the protocol: not UTF-8, not JSON, masked. */
  public List<String> defects() {
    synchronized (defects) {
      return List.copyOf(defects);
    }
  }

  public List<JsonObject> messages() {
    synchronized (messages) {
      return List.copyOf(messages);
    }
  }

  public List<String> pingsReceived() {
    synchronized (pingsReceived) {
      return List.copyOf(pingsReceived);
    }
  }

  /** The first message matching, waiting up to {@code limit}. */
  public JsonObject await(Predicate<JsonObject> match, Duration limit, String what) {
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (messages) {
      while (true) {
        for (JsonObject message : messages) {
          if (match.test(message)) {
            return message;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || closeCode.isDone()) {
          throw new AssertionError(
              "no "
                  + what
                  + " within "
                  + limit
                  + "; closed: "
                  + closeCode.getNow(null)
                  + "; last received: "
                  + messages.subList(Math.max(0, messages.size() - 5), messages.size()));
        }
        try {
          messages.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted waiting for " + what);
        }
      }
    }
  }

  /** The close code the server sent (-1: dropped without one), waiting up to {@code limit}. */
  public int awaitClose(Duration limit) {
    try {
      return closeCode.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the server did not close within " + limit, e);
    }
  }

  public boolean isClosed() {
    return closeCode.isDone();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
