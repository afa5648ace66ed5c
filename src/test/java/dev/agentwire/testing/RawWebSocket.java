package dev.agentwire.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A bare WebSocket client on a plain socket with a small receive buffer, for the one thing the
 * libraries hide: a reader that stops reading, so that the server's writes really back up, and that
 * later reads everything the server still sent, down to its close frame.
 */
public final class RawWebSocket implements AutoCloseable {

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects as {@code user} with a receive buffer of {@code receiveBuffer} bytes. */
  public static RawWebSocket connect(URL base, String user, int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(receiveBuffer); // before connecting, so the window starts small
    socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
    socket.setSoTimeout((int) WireClient.WAIT.toMillis());
    RawWebSocket client = new RawWebSocket(socket);
    String path = WireClient.endpoint(base).getRawPath();
    String key =
        Base64.getEncoder().encodeToString("agentwire-test-k".getBytes(StandardCharsets.US_ASCII));
    client.out.write(
        ("GET "
                + path
                + " HTTP/1.1\r\n"
                + "Host: "
                + base.getHost()
                + ":"
                + base.getPort()
                + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: "
                + key
                + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Authorization: Bearer "
                + Tokens.valid(user)
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    String status = client.readHeaders();
    if (!status.startsWith("HTTP/1.1 101")) {
      throw new AssertionError("handshake refused: " + status);
    }
    return client;
  }

  private String readHeaders() throws IOException {
    StringBuilder headers = new StringBuilder();
    while (headers.indexOf("\r\n\r\n") < 0) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed during the handshake: " + headers);
      }
      headers.append((char) b);
    }
    return headers.substring(0, headers.indexOf("\r\n"));
  }

  /** Sends one masked text frame, as clients must. */
  public void sendText(String text) throws IOException {
    sendFrame(0x81, text.getBytes(StandardCharsets.UTF_8));
  }

  private void sendFrame(int finAndOpcode, byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(finAndOpcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    }
    byte[] mask = {0x12, 0x34, 0x56, 0x78};
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** The close code of a connection that ended without a close frame. */
  public static final int DROPPED = -1;

  /**
   * What the server sent from here on: its text frames (split into messages) and its close code
   * ({@link #DROPPED} when the connection ended without one).
   */
  public record Received(List<String> messages, int closeCode) {}

  /** Reads frames until the server's close frame, answering pings as clients must. */
  public Received readUntilClose() throws IOException {
    return readUntilClose(true);
  }

  /**
   * Reads frames until the server's close frame.
   *
   * @param answerPings false for a client that reads but has stopped answering pings
   */
  public Received readUntilClose(boolean answerPings) throws IOException {
    List<String> messages = new ArrayList<>();
    while (true) {
      int first = in.read();
      if (first < 0) {
        return new Received(messages, DROPPED); // the server ended the connection without a close
      }
      int second = in.readUnsignedByte();
      long length = second & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[Math.toIntExact(length)];
      in.readFully(payload);
      int opcode = first & 0x0f;
      if (opcode == 0x8) {
        int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        return new Received(messages, code);
      }
      if (opcode == 0x9 && answerPings) {
        sendFrame(0x8A, payload); // a client answers every ping with a pong
      }
      if (opcode == 0x1) {
        for (String line : new String(payload, StandardCharsets.UTF_8).split("\n")) {
          messages.add(line);
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
