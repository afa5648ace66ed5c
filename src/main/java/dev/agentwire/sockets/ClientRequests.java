package dev.agentwire.sockets;

import dev.agentwire.events.UserHash;
import dev.agentwire.runs.boundary.RunService;
import dev.agentwire.runs.entity.Run;
import dev.agentwire.runs.entity.RunRejected;
import dev.agentwire.runs.entity.RunRequest;
import dev.agentwire.sockets.ClientMessage.CancelRun;
import dev.agentwire.sockets.ClientMessage.Ping;
import dev.agentwire.sockets.ClientMessage.StartRun;
import dev.agentwire.sockets.ServerMessages.ErrorReply;
import dev.agentwire.sockets.ServerMessages.Pong;
import dev.agentwire.sockets.ServerMessages.RunAccepted;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Acts on one client frame for the connection's user and answers on that connection. Whatever the
 * frame holds, the answer is a reply or an error; nothing a client sends closes its connection or
 * reaches another user.
 */
@ApplicationScoped
public class ClientRequests {

  private static final Logger LOG = Logger.getLogger(ClientRequests.class.getName());

  @Inject WireFormat wire;
  @Inject RunService runs;
  @Inject SocketMetrics metrics;

  private String rateLimited;

  @PostConstruct
  void init() {
    rateLimited =
        wire.write(
            new ErrorReply(
                null, "rate_limited", "too many messages; this one was dropped unread; slow down"));
  }

  void handle(Connection connection, String frame) {
    if (!admitted(connection)) {
      return;
    }
    ClientMessage message;
    try {
      message = wire.read(frame);
    } catch (ProtocolError e) {
      reply(connection, new ErrorReply(e.requestId(), e.code(), e.getMessage()));
      return;
    }
    try {
      dispatch(connection, message);
    } catch (RunRejected e) {
      reply(connection, new ErrorReply(message.requestId(), e.reason().code(), e.getMessage()));
    } catch (RuntimeException e) {
      LOG.log(
          Level.SEVERE, "failed to handle a message of user " + UserHash.of(connection.user()), e);
      reply(
          connection,
          new ErrorReply(message.requestId(), "internal_error", "the server failed; try again"));
    }
  }

  void unsupportedFrame(Connection connection) {
    if (!admitted(connection)) {
      return;
    }
    reply(
        connection,
        new ErrorReply(null, "unsupported_frame", "binary frames are not supported; send text"));
  }

  /**
   * The rate check comes first, before the frame is read at all: a frame over the rate costs the
   * server one canned reply, and a connection that keeps sending over it is closed.
   */
  private boolean admitted(Connection connection) {
    switch (connection.admitInbound()) {
      case ADMITTED:
        return true;
      case REJECTED:
        metrics.errorSent("rate_limited");
        connection.send(rateLimited);
        return false;
      default:
        connection.closeAbusive();
        return false;
    }
  }

  private void dispatch(Connection connection, ClientMessage message) throws RunRejected {
    if (message instanceof StartRun start) {
      Run run =
          runs.accept(
              RunRequest.of(
                  connection.user(),
                  connection.roles(),
                  connection.claims(),
                  start.input(),
                  start.agent(),
                  start.threadId()));
      // Queued before the run can emit anything, so run_accepted precedes agent_started.
      try {
        reply(connection, new RunAccepted(start.requestId(), run.runId(), run.threadId()));
      } catch (RuntimeException e) {
        runs.abandon(run); // never launched: its slot must not stay taken
        throw e;
      }
      runs.launch(run);
    } else if (message instanceof CancelRun cancel) {
      runs.cancel(connection.user(), cancel.runId());
    } else if (message instanceof Ping ping) {
      reply(connection, new Pong(ping.requestId()));
    }
  }

  private void reply(Connection connection, Object message) {
    if (message instanceof ErrorReply error) {
      metrics.errorSent(error.code());
    }
    connection.send(wire.write(message));
  }
}
