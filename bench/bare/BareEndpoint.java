package bench;

import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.Instant;

/**
 * The container's own ceiling: a bare annotated endpoint on the same Payara Micro that answers
 * each message with five JSON events of the same shape and size as AgentWire's, sent one by one.
 */
@ServerEndpoint("/ws")
public class BareEndpoint {

  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @OnMessage
  public void onMessage(String message, Session session) {
    for (int seq = 1; seq <= 5; seq++) {
      session.getAsyncRemote().sendText(
          "{\"type\":\"agent_thinking\",\"id\":\"b-" + seq + "\",\"run_id\":\"r-00000000-0000-0000-0000-000000000000\","
              + "\"thread_id\":\"t-00000000-0000-0000-0000-000000000000\",\"seq\":" + seq
              + ",\"ts\":\"" + TS.format(Instant.now()) + "\",\"data\":{\"text\":\"step of the bare endpoint\"}}");
    }
  }
}
