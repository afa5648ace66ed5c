package dev.agentwire.bench;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * Benchmark peer for docs/performance.md: the same workload as bench/bare/BareEndpoint.java, so
 * that Spring's WebSocket stack can be compared with AgentWire and with the container's own
 * ceiling. Each incoming text message is answered with five JSON events of the same shape and size
 * as AgentWire's, sent one by one.
 */
public class BareHandler extends TextWebSocketHandler {

  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Override
  protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
    for (int seq = 1; seq <= 5; seq++) {
      session.sendMessage(new TextMessage(
          "{\"type\":\"agent_thinking\",\"id\":\"b-" + seq + "\",\"run_id\":\"r-00000000-0000-0000-0000-000000000000\","
              + "\"thread_id\":\"t-00000000-0000-0000-0000-000000000000\",\"seq\":" + seq
              + ",\"ts\":\"" + TS.format(Instant.now()) + "\",\"data\":{\"text\":\"step of the bare endpoint\"}}"));
    }
  }
}
